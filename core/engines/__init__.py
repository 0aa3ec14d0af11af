"""Refresh engines: local (DuckDB + numpy/scipy on this machine, the default) and spark (Apache Spark, optional).

pyspark is an optional dependency (requirements-spark.txt): the Spark module is loaded by name only when a
refresh asks for it, so the app and every other command run without it.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.engines.lake import lake_folder
from core.progress import Progress, silent
from core.scoring.engine import LOCAL, Engine
from core.scoring.params import ScoringError

ENGINES = ("local", "spark")


@contextmanager
def open_engine(name: str, *, db: Path, master: str | None = None, progress: Progress = silent) -> Iterator[Engine]:
    """The engine a refresh of the warehouse `db` runs on; Spark's session is stopped when the block ends.

    Spark's Parquet export is a copy of everyone's posts and reactions, so it is removed when the refresh ends:
    no copy outlives the refresh to hold a person erased afterwards.
    """
    if name not in ENGINES:
        raise ScoringError(f"Unknown refresh engine '{name}'. Use one of: {', '.join(ENGINES)}.")
    if name == "local":
        if master:
            raise ScoringError("--master names a Spark cluster: use it with --engine spark.")
        yield LOCAL
        return
    try:
        spark = importlib.import_module("core.engines.spark")
    except ImportError as exc:
        raise ScoringError(
            f"The Spark engine needs pyspark ({exc.name or exc} is missing): pip install -r requirements-spark.txt "
            "(and Java 17 or later), then refresh again; or refresh with --engine local."
        ) from exc
    try:
        with spark.spark_engine(master=master, lake_folder=lake_folder(db), progress=progress) as engine:
            yield engine
    finally:
        shutil.rmtree(lake_folder(db), ignore_errors=True)
