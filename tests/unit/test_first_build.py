"""The first start's build: the topic model fits while the world is built, and the bar keeps moving in plain words."""

import itertools
import threading
from concurrent.futures import Future

from core.db import warehouse
from core.ops import bootstrap


def test_waiting_for_the_topic_model_moves_the_progress_bar_until_it_is_ready():
    fitting: Future = Future()
    model = object()
    threading.Timer(1.6, fitting.set_result, [model]).start()
    seen: list[tuple[float, str]] = []
    assert bootstrap.await_model(fitting, lambda f, msg: seen.append((f, msg))) is model
    assert len(seen) >= 2
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] > fractions[0]
    assert all("topic classifier" in msg for _, msg in seen)


def test_the_first_build_speaks_plainly_and_writes_weekly_history(tmp_path):
    messages: list[str] = []
    path = tmp_path / "first.duckdb"
    bootstrap.write_demo_warehouse(path, people=300, seed=3, progress=lambda f, msg: messages.append(msg))
    shown = " ".join(messages)
    for internal in (".skops", ".duckdb", "/", "\\\\", "PageRank", "reactor pairs"):
        assert internal not in shown, internal
    with warehouse.connect(path, read_only=True) as con:
        days = [d for (d,) in warehouse.rows(con, "SELECT DISTINCT day FROM score_history ORDER BY 1")]
    gaps = {(b - a).days for a, b in itertools.pairwise(days)}
    assert len(days) >= 8 and gaps <= {bootstrap.HISTORY_STEP_DAYS}
