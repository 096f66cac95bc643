"""The conversation. Importing this package registers every route on `router`."""

from handlers import broadcast, customer, owner, segments, staff  # noqa: F401  (registers routes)
