"""Loads skops model files with an explicit allow-list, one file at a time in the process.

One at a time because numpy reads each stored array's header with ast.literal_eval, and Python 3.11's ast is not
thread-safe (CPython gh-106905): a first start that scored (the automation model) while a second thread loaded the
topic model failed now and then with "SystemError: AST constructor recursion depth mismatch".
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from skops.io import load

_one_at_a_time = threading.Lock()


def load_trusted(path: Path, trusted: Sequence[str]) -> Any:
    """The object stored in `path`; raises skops' UntrustedTypesFoundException for any type not in `trusted`."""
    with _one_at_a_time:
        return load(path, trusted=list(trusted))
