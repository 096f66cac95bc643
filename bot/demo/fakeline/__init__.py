"""A fake LINE platform for tests and the demo (never used against real LINE)."""

from bot.demo.fakeline.server import FakeLine, FakeUser, sign

__all__ = ["FakeLine", "FakeUser", "sign"]
