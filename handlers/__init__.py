"""The conversation. Importing this package registers every route on `router`."""

from handlers import customer, owner, staff  # noqa: F401  (registers routes)
