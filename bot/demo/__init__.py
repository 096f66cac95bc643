"""The demo: a fake LINE platform, a chat simulator, and the runner that starts them."""
