"""Collector throughput end to end: a generated Bluesky stream replayed through the fake Jetstream (its own
process, stamping each frame with the time it is sent) into a new warehouse by the real collector (its own
process too: `python -m core collect bluesky`, loading every 2 s).

Prints the sustained events/s from the first event received to the last one queryable in the warehouse, the
collector process's peak memory (VmHWM), and the delay from an event being sent to its row being committed (per
segment, from its oldest event: an upper bound); the last line is one JSON object for scripts.

    python -m bench.collect [--events 300000] [--people 50000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from core.db import warehouse
from tests.fakes.stream import generate

INGEST_SECONDS = "2"  # load every 2 s so an event is queryable within seconds (segments: every second)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_listening(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the fake Jetstream did not start")


def _peak_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in kB; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=50_000)
    args = parser.parse_args()

    stream = generate(args.events, people=args.people, seed=7)
    with tempfile.TemporaryDirectory() as tmp:
        frames = Path(tmp) / "frames.jsonl"
        frames.write_text("\n".join(stream.frames), encoding="utf-8")
        db = Path(tmp) / "sway.duckdb"
        warehouse.connect(db).close()
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.jetstream", str(frames), "--port", str(port), "--live"],
            cwd=warehouse.REPO_ROOT,
        )
        try:
            _wait_listening(port)
            collector = subprocess.Popen(
                [sys.executable, "-m", "core", "collect", "bluesky", "--jetstream", f"ws://127.0.0.1:{port}/subscribe",
                 "--appview", "none", "--no-refresh", "--stop-after-idle", "1", "--ingest-every", INGEST_SECONDS],
                cwd=warehouse.REPO_ROOT, env={**os.environ, "SWAY_DB": str(db)},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            peak_kb = 0
            while collector.poll() is None:
                peak_kb = max(peak_kb, _peak_kb(collector.pid))
                time.sleep(0.2)
            finished = time.time()
        finally:
            server.terminate()
            server.wait(10)
        peak_mb = peak_kb / 1024
        with warehouse.connect(db) as con:
            posts, interactions = (
                warehouse.scalar(con, f"SELECT count(*) FROM {t} WHERE network = 'bluesky'")  # noqa: S608
                for t in ("posts", "interactions")
            )
            delays = con.sql(
                "SELECT (epoch_us(ingested_at) - first_time_us) / 1e6 AS delay, events FROM collect_segments"
            ).pl()
            first_us = warehouse.scalar(con, "SELECT min(first_time_us) FROM collect_segments")
            last_commit = warehouse.scalar(con, "SELECT epoch_us(max(ingested_at)) FROM collect_segments") / 1e6
    ordered = delays.sort("delay")
    weights = ordered["events"].cum_sum() / ordered["events"].sum()
    p95 = float(ordered.filter(weights >= 0.95)["delay"][0])
    p50 = float(ordered.filter(weights >= 0.5)["delay"][0])
    seconds = last_commit - first_us / 1e6
    rate = args.events / seconds
    correct = posts == stream.posts and interactions == stream.interactions

    rows = [
        ("events replayed", f"{args.events:,} ({args.people:,} accounts)", ""),
        ("sustained events/s, first event to last row queryable", f"{rate:,.0f}", ">= 5,000"),
        ("collector peak memory", f"{peak_mb:,.0f} MB", "<= 600 MB"),
        ("event -> queryable delay, p50 / p95 (upper bound)", f"{p50:.1f} s / {p95:.1f} s", "p95 <= 10 s"),
        ("warehouse holds exactly the stream's posts and reactions", "yes" if correct else "NO", ""),
        ("run time, incl. the final idle wait", f"{finished - first_us / 1e6:.1f} s", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'measured':<28}target")
    for what, value, target in rows:
        print(f"{what:<{width}}  {value:<28}{target}")
    print(
        json.dumps(
            {
                "events": args.events,
                "events_per_s": round(rate),
                "peak_memory_mb": round(peak_mb),
                "delay_p50_s": round(p50, 2),
                "delay_p95_s": round(p95, 2),
                "exact": correct,
            }
        )
    )
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
