"""What `./dev demo` starts with: the sample shop on a new database, the kept database as it
was after a restart (and a banner that says so), an empty shop with `--fresh`."""

from __future__ import annotations

from pathlib import Path

from bot.demo import runner
from bot.demo.console import banner
from bot.demo.scene import Scene, read_scene


def _started(folder: Path, *, fresh: bool = False, nok_follows: bool = False) -> Scene:
    demo = runner.start(port=0, fresh=fresh, instance_dir=folder)
    try:
        if nok_follows:
            nok = next(p for p in demo.personas if p.label == "Nok")
            demo.fake.follow(nok.user)
        return read_scene(demo.services.engine, demo.personas)
    finally:
        demo.stop()


def _banner(scene: Scene, folder: Path) -> str:
    return banner("Kafe Dee", "http://127.0.0.1:8000/simulator", folder, scene)


def test_a_new_database_has_the_sample_shop_and_a_restart_keeps_it_as_it_is(
    tmp_path: Path,
) -> None:
    first = _started(tmp_path, nok_follows=True)
    assert first.members == 300 and first.purchases > 2000
    assert "The shop has 300 other members" in _banner(first, tmp_path)

    again = _started(tmp_path)
    assert (again.members, again.purchases) == (first.members, first.purchases)
    assert (again.friends, again.strangers) == (["Nok"], ["Anna"])
    said = _banner(again, tmp_path)
    assert "Nok has added the shop already (kept from last time)." in said
    assert "Anna is a customer who has not added the shop yet: tap Add friend." in said
    assert "Nok and Anna" not in said


def test_fresh_starts_an_empty_shop_with_the_cast(tmp_path: Path) -> None:
    _started(tmp_path)
    scene = _started(tmp_path, fresh=True)
    assert scene == Scene(strangers=["Nok", "Anna"], friends=[], members=0, purchases=0)
    said = _banner(scene, tmp_path)
    assert "Nok and Anna are customers who have not added the shop yet: tap Add friend." in said
    assert "The shop is empty: no members besides the cast yet." in said
