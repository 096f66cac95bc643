"""A fake LINE platform for tests and the demo (never used against real LINE)."""

from bot.demo.fakeline.records import FakeUser, sign
from bot.demo.fakeline.server import FakeLine

__all__ = ["FakeLine", "FakeUser", "sign"]
