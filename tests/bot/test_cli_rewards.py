"""`loyalty rewards import`: a catalogue from CSV, checked first, all rows or none."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from sqlalchemy.engine import Engine

from bot.cli.rewards import rewards_cli
from storage import rewards
from storage.db import transaction
from storage.models import Reward

GOOD = """name_th,name_en,points,stock,valid_days,limit_per_member,picture,active
ลาเต้เย็น,Iced latte,120,,30,1,latte.png,yes
เค้กช็อกโกแลต,,300,10,14,,,
น้ำส้มคั้น,Orange juice,"1,000",ไม่จำกัด,,,,no
"""


def run(engine: Engine, path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(rewards_cli, ["import", str(path), *extra], obj={"engine": engine})
    return result.exit_code, result.output


def catalogue(engine: Engine) -> list[Reward]:
    with transaction(engine) as session:
        return rewards.list_rewards(session, active_only=False)


def write(tmp_path: Path, body: str) -> Path:
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "brown").save(picture, format="PNG")
    (tmp_path / "latte.png").write_bytes(picture.getvalue())
    path = tmp_path / "rewards.csv"
    path.write_text(body, encoding="utf-8-sig")
    return path


def test_dry_run_shows_the_plan_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    code, output = run(engine, write(tmp_path, GOOD), "--dry-run")
    assert code == 0, output
    assert "dry run" in output and "ลาเต้เย็น" in output and output.count(" add ") == 3
    assert catalogue(engine) == []


def test_import_adds_then_updates_by_thai_name(engine: Engine, tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert run(engine, path)[0] == 0
    by_name = {r.name_th: r for r in catalogue(engine)}
    latte, cake, juice = by_name["ลาเต้เย็น"], by_name["เค้กช็อกโกแลต"], by_name["น้ำส้มคั้น"]
    assert (latte.points_cost, latte.stock, latte.limit_per_member) == (120, None, 1)
    assert latte.picture_token and latte.name_en == "Iced latte"
    assert (cake.points_cost, cake.stock, cake.valid_days, cake.name_en) == (300, 10, 14, None)
    assert (juice.points_cost, juice.valid_days, juice.active) == (1000, 30, False)
    path.write_text(GOOD.replace("300,10", "250,5"), encoding="utf-8")
    code, output = run(engine, path)
    assert code == 0 and output.count(" update ") == 3
    assert len(catalogue(engine)) == 3
    assert {r.name_th: r.points_cost for r in catalogue(engine)}["เค้กช็อกโกแลต"] == 250


def test_one_bad_row_and_nothing_is_written(engine: Engine, tmp_path: Path) -> None:
    bad = GOOD + "ชาไทย,,ฟรี,,,,,\nชาไทย2,,10,,0,,,\nชาไทย3,,10,,,,missing.png,maybe\n"
    code, output = run(engine, write(tmp_path, bad))
    assert code == 1
    assert "line 5" not in output and "points: a whole number" in output
    assert "valid_days: out of range" in output and "no file" in output and "yes or no" in output
    assert "nothing was imported" in output
    assert catalogue(engine) == []


def test_duplicate_names_and_missing_columns_are_refused(engine: Engine, tmp_path: Path) -> None:
    code, output = run(engine, write(tmp_path, "name_th,points\nชา,10\nชา,20\n"))
    assert code == 1 and "twice" in output
    code, output = run(engine, write(tmp_path, "name,cost\nชา,10\n"))
    assert code == 2 and "missing column" in output
    assert catalogue(engine) == []


def test_loyalty_rewards_import_uses_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.main import cli
    from storage import migrations
    from storage.db import make_engine

    url = f"sqlite:///{tmp_path / 'shop.db'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    env = {
        "DATABASE_URL": url,
        "LINE_CHANNEL_SECRET": "s",
        "LINE_CHANNEL_ACCESS_TOKEN": "t",
        "LINE_BASIC_ID": "@shop",
        "BASE_URL": "https://shop.example",
    }
    result = CliRunner().invoke(cli, ["rewards", "import", str(write(tmp_path, GOOD))], env=env)
    assert result.exit_code == 0, result.output
    assert len(catalogue(engine)) == 3
    engine.dispose()
