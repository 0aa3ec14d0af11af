"""Shared fixtures: a small demo warehouse built once per test session, copied per test that writes."""

import shutil

import pytest

from core import warehouse
from core.demo_world import build_demo_warehouse

SMALL_DEMO_PEOPLE = 600
SMALL_DEMO_SEED = 11


@pytest.fixture(scope="session")
def small_demo_file(tmp_path_factory) -> str:
    """A 600-person demo warehouse, built once; treat it as read-only (copy it to write)."""
    path = tmp_path_factory.mktemp("demo") / "small.duckdb"
    build_demo_warehouse(path, people=SMALL_DEMO_PEOPLE, seed=SMALL_DEMO_SEED)
    return str(path)


@pytest.fixture
def demo_copy(small_demo_file, tmp_path, monkeypatch) -> str:
    """A private copy of the small demo warehouse, also set as $SWAY_DB for code that uses the default."""
    path = tmp_path / "sway.duckdb"
    shutil.copy(small_demo_file, path)
    monkeypatch.setenv("SWAY_DB", str(path))
    return str(path)


def table_snapshot(path: str) -> dict[str, list[tuple]]:
    """Every row of every core table, sorted, to prove a failed operation changed nothing."""
    con = warehouse.connect(path)
    try:
        return {
            t: sorted(warehouse.rows(con, f"SELECT * FROM {t}"), key=repr)  # noqa: S608 - fixed table names
            for t in (*warehouse.CORE_TABLES, "load_log")
        }
    finally:
        con.close()
