"""The suite's own structure: conftest files hold fixtures and hooks only, and nothing
imports them (shared helpers live in tests/support/, so no conftest body runs twice)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.databases import postgres_unreachable

TESTS = Path(__file__).resolve().parent


def _imports_conftest(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or "", *(alias.name for alias in node.names)]
        else:
            continue
        if any(part == "conftest" for name in names for part in name.split(".")):
            return True
    return False


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def _not_fixture_or_hook(statement: ast.stmt) -> str | None:
    """What `statement` is, if a conftest should not hold it."""
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return None
    if isinstance(statement, ast.If) and ast.unparse(statement.test) == "TYPE_CHECKING":
        return None
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
        return None  # the docstring
    if isinstance(statement, ast.FunctionDef):
        if statement.name.startswith("pytest_") or any(map(_is_fixture, statement.decorator_list)):
            return None
        return f"function {statement.name}"
    return f"{type(statement).__name__} at line {statement.lineno}"


def test_no_file_under_tests_imports_a_conftest() -> None:
    offenders = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if _imports_conftest(ast.parse(path.read_text()))
    ]
    assert offenders == []


def test_conftest_files_define_only_fixtures_and_hooks() -> None:
    conftests = sorted(TESTS.rglob("conftest.py"))
    assert conftests
    found = [
        f"{path.relative_to(TESTS)}: {what}"
        for path in conftests
        for statement in ast.parse(path.read_text()).body
        if (what := _not_fixture_or_hook(statement))
    ]
    assert found == []


def test_the_checks_see_an_import_of_conftest_and_a_helper_in_one() -> None:
    assert _imports_conftest(ast.parse("from tests.conftest import Line"))
    assert _imports_conftest(ast.parse("from tests import conftest"))
    assert not _imports_conftest(ast.parse("from tests.support.line import Line"))
    helper = ast.parse("class Line:\n    pass\n\nSECRET = 'x'\n").body
    assert [_not_fixture_or_hook(statement) for statement in helper] == [
        "ClassDef at line 1",
        "Assign at line 4",
    ]


def test_postgresql_is_asked_once_per_session() -> None:
    postgres_unreachable()
    postgres_unreachable()
    assert postgres_unreachable.cache_info().misses == 1
