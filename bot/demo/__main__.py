"""`python -m bot.demo [--host H] [--port P] [--fresh]`: run the demo."""

from __future__ import annotations

import argparse

from bot.demo.runner import run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="loyalty demo",
        description="Run the bot with a fake LINE platform and a chat simulator.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--fresh", action="store_true", help="forget the demo database: an empty shop, no sample"
    )
    options = parser.parse_args(argv)
    run(options.host, options.port, fresh=options.fresh)


if __name__ == "__main__":
    main()
