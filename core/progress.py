"""Progress reporting shared by long jobs: a callback taking (fraction 0..1, message)."""

from __future__ import annotations

import sys
from collections.abc import Callable

Progress = Callable[[float, str], None]


def silent(fraction: float, message: str) -> None:
    """A progress callback that ignores updates (the default for library calls)."""


def to_stderr(fraction: float, message: str) -> None:
    """Print one progress line to stderr, for the CLI."""
    print(f"[{fraction:4.0%}] {message}", file=sys.stderr, flush=True)


def scaled(progress: Progress, start: float, end: float) -> Progress:
    """A callback that maps a sub-job's 0..1 onto [start, end] of the parent's progress."""

    def report(fraction: float, message: str) -> None:
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), message)

    return report
