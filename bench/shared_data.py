"""Where the public datasets are: ../shared/data beside the checkout, or $SWAY_SHARED_DATA (e.g. from a worktree)."""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("SWAY_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
