"""What the demo says on the console: its banner, and why it could not start."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from bot.demo.scene import Scene


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


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _cast_lines(scene: Scene) -> list[str]:
    lines = []
    if scene.strangers:
        who = _names(scene.strangers)
        if len(scene.strangers) == 1:
            lines.append(f"  {who} is a customer who has not added the shop yet: tap Add friend.")
        else:
            lines.append(f"  {who} are customers who have not added the shop yet: tap Add friend.")
    if scene.friends:
        has = "has" if len(scene.friends) == 1 else "have"
        who = _names(scene.friends)
        lines.append(f"  {who} {has} added the shop already (kept from last time).")
    return lines


def _shop_line(scene: Scene) -> str:
    if scene.members == 0:
        return "  The shop is empty: no members besides the cast yet."
    return (
        f"  The shop has {scene.members:,} other members and {scene.purchases:,} purchases "
        "(a sample year)."
    )


def banner(shop_name: str, simulator_url: str, instance_dir: Path, scene: Scene) -> str:
    """What `loyalty demo` prints when it is ready: who is who, as the database says."""
    return "\n".join(
        [
            "",
            f"  line-loyalty demo: {shop_name}",
            f"  Open the chat simulator:  {simulator_url}",
            "",
            *_cast_lines(scene),
            "  Bee is the cashier, Owner Dang the owner.",
            _shop_line(scene),
            "  Each has the rich menu of their role at the bottom of the phone (ready a few",
            "  seconds after start); the keyboard button left of the menu bar shows the text box.",
            "  Try: help, แต้ม, card, award 0812345678 350; as the owner: stats, กลุ่มลูกค้า",
            "  Verification SMS appear in the simulator's Phone messages panel.",
            f"  Data: {instance_dir / 'demo.db'}, kept between runs (--fresh: an empty shop;",
            "  delete the file for a new sample shop).",
            "  Stop with Ctrl-C.",
            "",
        ]
    )
