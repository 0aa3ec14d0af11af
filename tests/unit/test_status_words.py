"""The warehouse status in words: the last load says what was loaded, never a generator's key=value settings."""

from datetime import datetime

import polars as pl

from core.db.status import WarehouseStatus


def _status(kind: str | None, sources: list[str]) -> WarehouseStatus:
    load = {"kind": kind, "sources": sources, "finished_at": datetime(2026, 12, 7, 4, 24)} if kind else None
    return WarehouseStatus("w.duckdb", {}, pl.DataFrame(), None, None, (kind,) if kind else (), load, 24)


def test_the_last_load_is_said_in_words_for_each_kind():
    demo = _status("demo", ["demo people=20000 seed=7"]).last_load_text()
    assert demo == "Last load: built the demo world on 07 Dec 2026 at 04:24."
    imported = _status("import", ["brand.csv", "posts.csv"]).last_load_text()
    assert imported == "Last load: imported (brand.csv, posts.csv) on 07 Dec 2026 at 04:24."
    live = _status("collect", ["bluesky stream"]).last_load_text()
    assert live == "Last load: loaded what a live network brought (bluesky stream) on 07 Dec 2026 at 04:24."
    assert _status(None, []).last_load_text() is None
