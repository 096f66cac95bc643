"""The web and worker shell around the conversation: Flask, LINE, jobs, images, CLI."""
