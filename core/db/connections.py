"""One warehouse connection per process, shared by many threads (Streamlit sessions) through cursors.

DuckDB caches database instances by path inside a process, so after a rebuild swaps in a new
file the old connection must be closed before the new file can be opened; this class does that.

It is also the write gate of whole-file replacements: while its lock is held and the connection closed, no one
in this process can read or write (cursor() waits), and no other process can hold the file while the app does.
What a replacement copies from the old file (a demo rebuild's kept tables, an erasure's whole copy) is copied
then, so an edit a marketer saves during a long build is carried over, never lost.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from core.db import warehouse

# How long closing the shared connection (before a file swap, or at shutdown) waits for queries running on it.
CLOSE_WAIT_SECONDS = 60.0


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
                self._open_locked()
            try:
                return self._con.cursor()
            except duckdb.ConnectionException:  # closed under it while a background job swapped the file: reopen
                self._open_locked()
                return self._con.cursor()

    def _open_locked(self) -> None:
        self._close_locked()
        self._con = warehouse.connect(self.path)
        self._identity = warehouse.file_identity(self.path)[:2]

    def rebuild(
        self,
        build: Callable[[duckdb.DuckDBPyConnection], None],
        *,
        carry: Callable[[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], None] | None = None,
    ) -> None:
        """Build a new warehouse file and swap it in; other threads wait only for the swap itself.

        `build(new)` makes the new file from nothing of the old one; `carry(old, new)` then copies from the old
        file what must survive, behind the write gate, so nothing written meanwhile is left behind.
        """
        self._replace(build, carry)

    def rewrite(self, copy: Callable[[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], None]) -> None:
        """Replace the file with `copy(old, new)` of itself (an erasure's rewrite), losing no concurrent write.

        The copy runs while everyone keeps reading and writing; if anything was committed meanwhile (the file's
        write marks moved), it is made again behind the write gate before the swap. `copy` must replace every
        table it writes, so a second run leaves no trace of the first.
        """
        source = self.cursor()
        source.execute("CHECKPOINT")  # an empty log: from here on, any commit moves the marks
        marks = warehouse.write_marks(self.path)
        self._replace(
            lambda new: copy(source, new), copy, needed=lambda: warehouse.write_marks(self.path) != marks
        )

    def _replace(
        self,
        build: Callable[[duckdb.DuckDBPyConnection], None],
        carry: Callable[[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection], None] | None,
        needed: Callable[[], bool] = lambda: True,
    ) -> None:
        def finish(new: duckdb.DuckDBPyConnection) -> None:
            if carry is None or not needed():  # `needed` looks at the file before anything opens it again
                return
            old = warehouse.connect(self.path)
            try:
                carry(old, new)
            finally:
                old.close()

        warehouse.rebuild(self.path, build, swap_guard=self._closed_while_swapping(), finish=finish)

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
            deadline = time.monotonic() + CLOSE_WAIT_SECONDS
            while True:
                try:
                    self._con.close()
                    break
                except duckdb.ResourceInUseException:
                    # A page's query is running on a cursor of it, and DuckDB refuses to close a busy connection
                    # (an erasure's rewrite then failed at its swap): no new cursor is handed out while the lock
                    # is held, so wait for the running queries to end.
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
        self._con = None
        self._identity = None
