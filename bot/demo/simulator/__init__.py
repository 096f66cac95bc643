"""The demo: the app with a fake LINE platform, and a LINE-like chat simulator page."""

from bot.demo.simulator.views import bp

__all__ = ["bp"]
