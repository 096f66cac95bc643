"""`./dev demo` on a port another program holds: one line that names the port and the way out."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo import runner
from bot.demo.console import PortInUse


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        yield taken.getsockname()[1]


def test_a_port_in_use_is_named_with_another_to_try(taken_port: int, tmp_path: Path) -> None:
    with pytest.raises(PortInUse) as refused:
        runner.start("127.0.0.1", taken_port, fresh=True, instance_dir=tmp_path)
    assert str(refused.value) == (
        f"port {taken_port} on 127.0.0.1 is in use by another program: "
        f"start the demo on another port, e.g. ./dev demo --port {taken_port + 1}"
    )


def test_the_demo_command_says_it_in_one_line_and_exits_2(
    taken_port: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        runner.run("127.0.0.1", taken_port)
    assert stopped.value.code == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert said == [f"error: {PortInUse('127.0.0.1', taken_port)}"]
