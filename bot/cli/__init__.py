"""The `loyalty` command: one module per command group."""
