"""Migrations, transactions and build-then-swap of the warehouse file."""

import threading
import time

import duckdb
import pytest

from core.db import warehouse
from core.db.connections import SharedWarehouse


def test_new_warehouse_gets_every_migration_once(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    expected = [m.version for m in warehouse.migrations()]
    recorded = [v for (v,) in warehouse.rows(con, "SELECT version FROM schema_migrations ORDER BY version")]
    assert recorded == expected
    assert warehouse.migrate(con) == []  # nothing left to apply
    con.close()
    con = warehouse.connect(path)  # reopening applies nothing again
    assert warehouse.scalar(con, "SELECT count(*) FROM schema_migrations") == len(expected)
    for table in warehouse.CORE_TABLES:
        assert warehouse.scalar(con, f"SELECT count(*) FROM {table}") == 0  # noqa: S608 - fixed table names


def test_a_failing_migration_is_rolled_back_and_not_recorded(tmp_path, monkeypatch):
    broken = warehouse.Migration(999, "broken", "CREATE TABLE half_done (x INT); SELECT * FROM no_such_table;")
    shipped = warehouse.migrations()
    monkeypatch.setattr(warehouse, "migrations", lambda: [*shipped, broken])
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(duckdb.Error):
        warehouse.migrate(con)
    assert warehouse.scalar(con, "SELECT count(*) FROM schema_migrations WHERE version = 999") == 0
    assert warehouse.scalar(con, "SELECT count(*) FROM schema_migrations") == len(shipped)
    tables = {t for (t,) in warehouse.rows(con, "SELECT table_name FROM information_schema.tables")}
    assert "half_done" not in tables


def test_migrations_are_numbered_and_unique():
    versions = [m.version for m in warehouse.migrations()]
    assert versions == sorted(set(versions))
    assert versions[0] == 1


def test_transaction_rolls_back_on_error(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    with pytest.raises(RuntimeError), warehouse.transaction(con):
        con.execute("INSERT INTO people VALUES (1, 'p1', 'Ada')")
        raise RuntimeError("boom")
    assert warehouse.scalar(con, "SELECT count(*) FROM people") == 0


def test_enums_reject_unknown_network(tmp_path):
    con = warehouse.connect(tmp_path / "w.duckdb")
    with pytest.raises(duckdb.ConversionException):
        con.execute(
            "INSERT INTO accounts (account_id, person_id, network, external_id, handle) VALUES (1, 1, ?, 'x', 'x')",
            ["myspace"],
        )


def _add_person(con, person_id: int) -> None:
    con.execute("INSERT INTO people VALUES (?, ?, ?)", [person_id, f"p{person_id}", "Someone"])


def test_rebuild_swaps_in_a_complete_file(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    _add_person(con, 1)
    con.close()
    warehouse.rebuild(path, lambda c: [_add_person(c, i) for i in (10, 11, 12)])
    con = warehouse.connect(path)
    assert [p for (p,) in warehouse.rows(con, "SELECT person_id FROM people ORDER BY 1")] == [10, 11, 12]
    assert not (tmp_path / "w.duckdb.building").exists()


def test_failed_rebuild_leaves_the_old_warehouse_untouched(tmp_path):
    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    _add_person(con, 1)
    con.close()

    def half_build(c):
        _add_person(c, 99)
        raise RuntimeError("generator crashed")

    with pytest.raises(RuntimeError):
        warehouse.rebuild(path, half_build)
    con = warehouse.connect(path)
    assert warehouse.rows(con, "SELECT person_id FROM people") == [(1,)]
    assert not (tmp_path / "w.duckdb.building").exists()


def test_shared_warehouse_reopens_after_a_swap(tmp_path):
    path = tmp_path / "w.duckdb"
    shared = SharedWarehouse(path)
    _add_person(shared.cursor(), 1)
    shared.rebuild(lambda c: _add_person(c, 2))
    assert warehouse.rows(shared.cursor(), "SELECT person_id FROM people") == [(2,)]
    shared.close()


def test_a_swap_waits_for_a_query_running_on_the_shared_connection(tmp_path):
    shared = SharedWarehouse(tmp_path / "w.duckdb")
    _add_person(shared.cursor(), 1)
    reader = shared.cursor()
    running, answers = threading.Event(), []

    def long_read():  # a page's query, still running when the swap comes
        running.set()
        answers.append(reader.execute("SELECT count(*) FROM range(400000000) t(i) WHERE i % 7 = 3").fetchone()[0])

    thread = threading.Thread(target=long_read)
    thread.start()
    running.wait()
    time.sleep(0.2)

    shared.rebuild(lambda c: _add_person(c, 2))  # DuckDB refused to close a busy connection: the swap failed

    thread.join()
    assert answers == [57142857]
    assert warehouse.rows(shared.cursor(), "SELECT person_id FROM people") == [(2,)]
    shared.close()


def test_shared_warehouse_serves_many_threads(tmp_path):
    shared = SharedWarehouse(tmp_path / "w.duckdb")
    _add_person(shared.cursor(), 1)
    results, errors = [], []

    def read():
        try:
            for _ in range(20):
                results.append(warehouse.scalar(shared.cursor(), "SELECT count(*) FROM people"))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [1] * 160
    shared.close()


def test_second_process_gets_a_clear_error_while_the_file_is_in_use(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "w.duckdb"
    con = warehouse.connect(path)
    code = f"from core.db import warehouse; warehouse.connect({str(path)!r})"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=warehouse.REPO_ROOT)
    con.close()
    assert result.returncode != 0
    assert "another Sway process" in result.stderr
