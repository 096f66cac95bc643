"""What the demo says on the console: its banner, and why it could not start."""

from __future__ import annotations

import errno
import socket
from pathlib import Path


class PortInUse(Exception):
    """Another program listens on the demo's port: the message says how to pick another."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(
            f"port {port} on {host} is in use by another program: "
            f"start the demo on another port, e.g. ./dev demo --port {port + 1}"
        )


def refuse_a_taken(host: str, port: int) -> None:
    """Raise `PortInUse` now, before anything starts, if another program holds the port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise


def banner(shop_name: str, simulator_url: str, instance_dir: Path) -> str:
    """What `loyalty demo` prints when it is ready."""
    return "\n".join(
        [
            "",
            f"  line-loyalty demo: {shop_name}",
            f"  Open the chat simulator:  {simulator_url}",
            "",
            "  Nok and Anna are customers who have not added the shop yet: tap Add friend.",
            "  Bee is the cashier, Owner Dang the owner.",
            "  Each has the rich menu of their role at the bottom of the phone (ready a few",
            "  seconds after start); the keyboard button left of the menu bar shows the text box.",
            "  Try: help, แต้ม, card, award 0812345678 350",
            "  Verification SMS appear in the simulator's Phone messages panel.",
            f"  Data: {instance_dir / 'demo.db'} (start with --fresh to begin again)",
            "  Stop with Ctrl-C.",
            "",
        ]
    )
