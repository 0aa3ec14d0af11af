"""One warehouse connection per process, shared by many threads (Streamlit sessions) through cursors.

DuckDB caches database instances by path inside a process, so after a rebuild swaps in a new
file the old connection must be closed before the new file can be opened; this class does that.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from core.db import warehouse


class SharedWarehouse:
    """Hands out cursors on one connection and reopens it when the warehouse file is swapped."""

    def __init__(self, path: Path | str | None = None) -> None:
        self._path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._identity: tuple[str, int] | None = None

    @property
    def path(self) -> Path:
        """The warehouse file this holder serves ($SWAY_DB or the default unless given)."""
        return self._path if self._path is not None else warehouse.warehouse_path()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for this thread's queries; reconnects first if the file was replaced."""
        with self._lock:
            identity = warehouse.file_identity(self.path)[:2]
            if self._con is None or identity != self._identity:
                self._close_locked()
                self._con = warehouse.connect(self.path)
                self._identity = warehouse.file_identity(self.path)[:2]
            return self._con.cursor()

    def rebuild(self, build: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """Build a new warehouse file and swap it in; other threads wait only for the swap itself."""
        warehouse.rebuild(self.path, build, swap_guard=self._closed_while_swapping())

    @contextmanager
    def _closed_while_swapping(self) -> Iterator[None]:
        with self._lock:
            self._close_locked()
            yield

    def close(self) -> None:
        """Close the shared connection (before a rebuild swaps the file, or at shutdown)."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        if self._con is not None:
            self._con.close()
        self._con = None
        self._identity = None
