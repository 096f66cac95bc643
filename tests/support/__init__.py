"""What the tests share besides fixtures: signed webhooks and the fake LINE, databases,
the pinned clock, real workers, factories. Fixtures themselves live in the conftest files."""
