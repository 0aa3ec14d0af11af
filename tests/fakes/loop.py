"""Run a coroutine to completion on its own thread: the browser tests' Playwright (sync API) keeps an event loop
running on the main thread for the whole session, and asyncio.run refuses to start inside a running loop."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run(coroutine) on a fresh thread, so it works whatever loop the calling thread runs."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
