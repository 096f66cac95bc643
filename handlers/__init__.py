"""The conversation: routing, dialogs, permissions, catalogs, and what it shows (`views/`)."""
