"""Collector throughput end to end: a generated Bluesky stream replayed through the fake Jetstream (its own
process, stamping each frame with the time it is sent) into a new warehouse by the real collector (its own
process too: `python -m core.cli.collect bluesky`, loading every 2 s).

Prints the sustained events/s from the first event received to the last one queryable in the warehouse, the
collector process's peak memory (VmHWM), and the delay from an event being sent to its row being committed (per
segment, from its oldest event: an upper bound). The delay is measured twice: in the flat-out replay (where it
includes the backlog of a collector slower than the replay) and in a replay paced at --paced-rate events/s (five
times Bluesky's whole firehose by default), which is the delay a live collector shows. The last line is one JSON
object for scripts.

    python -m bench.collect [--events 300000] [--people 50000] [--paced-rate 2000] [--paced-events 60000]
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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Run:
    events_per_s: float
    peak_mb: float
    delay_p50: float
    delay_p95: float
    exact: bool


def replay(frames: list[str], expected: tuple[int, int], folder: Path, rate: float | None) -> Run:
    """Replay `frames` through the fake Jetstream into a new warehouse with the real collector command."""
    folder.mkdir()
    path = folder / "frames.jsonl"
    path.write_text("\n".join(frames), encoding="utf-8")
    db = folder / "sway.duckdb"
    warehouse.connect(db).close()
    port = _free_port()
    pace = ["--rate", str(rate)] if rate else []
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.jetstream", str(path), "--port", str(port), "--live", *pace],
        cwd=warehouse.REPO_ROOT,
    )
    try:
        _wait_listening(port)
        collector = subprocess.Popen(
            [sys.executable, "-m", "core.cli.collect", "bluesky", "--jetstream", f"ws://127.0.0.1:{port}/subscribe",
             "--appview", "none", "--no-refresh", "--stop-after-idle", "1", "--ingest-every", INGEST_SECONDS],
            cwd=warehouse.REPO_ROOT, env={**os.environ, "SWAY_DB": str(db)},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        peak_kb = 0
        while collector.poll() is None:
            peak_kb = max(peak_kb, _peak_kb(collector.pid))
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(10)
    with warehouse.connect(db) as con:
        stored = tuple(
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
    return Run(
        events_per_s=len(frames) / (last_commit - first_us / 1e6),
        peak_mb=peak_kb / 1024,
        delay_p50=float(ordered.filter(weights >= 0.5)["delay"][0]),
        delay_p95=float(ordered.filter(weights >= 0.95)["delay"][0]),
        exact=stored == expected,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--paced-rate", type=float, default=2_000.0)
    parser.add_argument("--paced-events", type=int, default=60_000)
    args = parser.parse_args()

    flat = generate(args.events, people=args.people, seed=7)
    paced = generate(args.paced_events, people=args.people, seed=8)
    with tempfile.TemporaryDirectory() as tmp:
        fast = replay(flat.frames, (flat.posts, flat.interactions), Path(tmp) / "flat", None)
        live = replay(paced.frames, (paced.posts, paced.interactions), Path(tmp) / "paced", args.paced_rate)
    load = os.getloadavg()[0]
    flat_delay = f"{fast.delay_p50:.1f} s / {fast.delay_p95:.1f} s"
    paced_delay = f"{live.delay_p50:.1f} s / {live.delay_p95:.1f} s"
    rows = [
        ("events replayed flat out", f"{args.events:,} ({args.people:,} accounts)", ""),
        ("sustained events/s, first event to last row queryable", f"{fast.events_per_s:,.0f}", ">= 5,000"),
        ("collector peak memory", f"{max(fast.peak_mb, live.peak_mb):,.0f} MB", "<= 600 MB"),
        ("delay to queryable flat out, p50 / p95 (incl. backlog)", flat_delay, ""),
        (f"delay to queryable at {args.paced_rate:,.0f} events/s, p50 / p95", paced_delay, "p95 <= 10 s"),
        ("warehouse holds exactly the streams' posts and reactions", "yes" if fast.exact and live.exact else "NO", ""),
        ("machine load average (1 min) at the end", f"{load:.1f} on {os.cpu_count()} cores", ""),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'measured':<28}target")
    for what, value, target in rows:
        print(f"{what:<{width}}  {value:<28}{target}")
    print(
        json.dumps(
            {
                "events": args.events,
                "events_per_s": round(fast.events_per_s),
                "peak_memory_mb": round(max(fast.peak_mb, live.peak_mb)),
                "delay_flat_p95_s": round(fast.delay_p95, 2),
                "paced_rate": args.paced_rate,
                "delay_paced_p50_s": round(live.delay_p50, 2),
                "delay_paced_p95_s": round(live.delay_p95, 2),
                "exact": fast.exact and live.exact,
                "load_average": round(load, 1),
            }
        )
    )
    return 0 if fast.exact and live.exact else 1


if __name__ == "__main__":
    sys.exit(main())
