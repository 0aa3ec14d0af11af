"""Load: N concurrent browser sessions go Discover → Profile → Campaign edit on the real server while a refresh runs.

Starts `streamlit run app.py` on a private demo warehouse, drives N headless Chromium sessions (one browser,
a context each) through the pages several times, and starts `python -m core refresh` from the command line
once they are all busy: the running app takes the refresh over (core.ops.handoff) while the sessions keep reading.
Each session renames its own campaign on every round; afterwards every rename the page confirmed must be
stored (final name and audit entries). Prints requests, errors, p50/p95 page times and lost edits; the last
line is one JSON object for scripts.

    python -m bench.load                 # N = 10 and 25
    python -m bench.load --sessions 10 --rounds 2 --people 3000
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Page, async_playwright, expect
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from core.db import warehouse
from core.db.warehouse import REPO_ROOT
from core.workspace.access import LOCAL
from tests.e2e.conftest import CHROMIUM_FLAGS

STEP_TIMEOUT_MS = 180_000
COUNT_HEADING = re.compile(r"^[\d,]+ (people|person)$")


@dataclass
class Session:
    """What one browser session did: page times per step, errors, and the campaign names it saved."""

    number: int
    campaign_id: int | None
    times: dict[str, list[float]] = field(default_factory=lambda: {"discover": [], "profile": [], "campaign": []})
    errors: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    requests: int = 0
    finished_runs: int = 0  # script runs the server reported finished (not cut short by a rerun) to this page

    def watch(self, page: Page) -> None:
        """Count the server's "script finished" messages on this page's websocket."""

        def frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                message = ForwardMsg()
                message.ParseFromString(payload)
                if (
                    message.WhichOneof("type") == "script_finished"
                    and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
                ):
                    self.finished_runs += 1

        page.on("websocket", lambda ws: ws.on("framereceived", frame))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(folder: Path, people: int, sessions: int) -> tuple[Path, list[int], list[int]]:
    """A scored demo warehouse with one campaign per session; (path, campaign ids, person ids to open)."""
    from core.campaigns import records
    from core.ops.bootstrap import write_demo_warehouse

    db = folder / "load.duckdb"
    cached = folder.parent / f"sway-load-{people}.duckdb"
    if not cached.exists():
        print(f"Building a scored {people:,}-person demo world (once)…", file=sys.stderr)
        write_demo_warehouse(cached, people=people, seed=7)
    shutil.copy(cached, db)
    con = warehouse.connect(db)
    try:
        template = records.get_campaign(con, LOCAL, warehouse.scalar(con, "SELECT min(campaign_id) FROM campaigns"))
        campaigns = [
            records.create_campaign(con, LOCAL, dataclasses.replace(template.spec, name=f"Load session {n}"))
            for n in range(sessions)
        ]
        top = [p for (p,) in warehouse.rows(con, "SELECT person_id FROM discovery ORDER BY score DESC LIMIT 50")]
    finally:
        con.close()
    return db, campaigns, top


def _start_server(db: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": str(db)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("the Streamlit server did not become healthy within 90 s")


async def _problems(page: Page) -> list[str]:
    """Exceptions and lock or conflict errors the page shows."""
    found = [f"exception: {t[:200]}" for t in await page.get_by_test_id("stException").all_inner_texts()]
    for text in await page.get_by_test_id("stAlert").all_inner_texts():
        if re.search(r"lock|conflict|TransactionException|Cannot open", text, re.IGNORECASE):
            found.append(f"error shown: {text[:200]}")
    return found


async def _timed(session: Session, step: str, page: Page, action) -> bool:
    started = time.perf_counter()
    session.requests += 1
    try:
        await action()
    except Exception as exc:  # a timeout or a failed expectation is an error of this step
        session.errors.append(f"{step}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
        return False
    session.times[step].append(time.perf_counter() - started)
    problems = await _problems(page)
    session.errors.extend(f"{step}: {p}" for p in problems)
    return not problems


async def _discover(page: Page, url: str) -> None:
    await page.goto(f"{url}/discover")
    await expect(page.get_by_role("heading", name=COUNT_HEADING)).to_be_visible(timeout=STEP_TIMEOUT_MS)


async def _profile(page: Page, url: str, person: int) -> None:
    await page.goto(f"{url}/profile?person={person}")
    await expect(page.get_by_text(re.compile(r"^Score \d+ of 100"))).to_be_visible(timeout=STEP_TIMEOUT_MS)


async def _rename_campaign(page: Page, url: str, session: Session, name: str) -> None:
    """Rename the session's campaign in Settings, then reload the page to see the new name stored."""
    address = f"{url}/campaigns?campaign={session.campaign_id}"
    runs = session.finished_runs
    await page.goto(address)
    picker = page.get_by_role("combobox", name="Campaign")
    await expect(picker).to_have_value(re.compile(rf"^Load session {session.number}\b"), timeout=STEP_TIMEOUT_MS)
    await _finished(session, runs)  # the page's own run is over: clicking now is a new run, not cut short
    await page.get_by_role("tab", name="Settings").click()
    await page.get_by_test_id("stForm").get_by_label("Campaign name").fill(name)
    runs = session.finished_runs
    await page.get_by_role("button", name="Save campaign").click()
    await _finished(session, runs)  # the run that saves (and its rerun) is over: saved, or refused with a message
    await page.goto(address)  # what a marketer does to check: open the campaign again
    await expect(picker).to_have_value(name, timeout=STEP_TIMEOUT_MS)


async def _finished(session: Session, runs: int) -> None:
    """Wait until the server reports a script run of this page finished after `runs` had."""
    deadline = time.monotonic() + STEP_TIMEOUT_MS / 1000
    while session.finished_runs == runs:
        if time.monotonic() > deadline:
            raise TimeoutError("the page's script run did not finish")
        await asyncio.sleep(0.1)


async def _session(browser: Browser, url: str, session: Session, people: list[int], rounds: int,
                   campaigns_page: bool) -> None:  # fmt: skip
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    session.watch(page)
    try:
        for round_no in range(rounds):
            person = people[(session.number * 7 + round_no) % len(people)]
            name = f"Load session {session.number} edit {round_no + 1}"
            await _timed(session, "discover", page, lambda: _discover(page, url))
            await _timed(session, "profile", page, lambda p=person: _profile(page, url, p))
            if campaigns_page:
                session.attempted.append(name)
                if await _timed(session, "campaign", page, lambda n=name: _rename_campaign(page, url, session, n)):
                    session.confirmed.append(name)
    finally:
        await context.close()


def _campaigns_page_available(url: str) -> bool:
    """The hook for the Campaigns page: used when app.py lists it, skipped (and said so) when it does not."""
    return (REPO_ROOT / "pages" / "campaigns.py").exists() and '"pages/campaigns.py"' in (
        REPO_ROOT / "app.py"
    ).read_text(encoding="utf-8")


async def _drive(url: str, db: Path, sessions: list[Session], people: list[int], rounds: int,
                 campaigns_page: bool) -> dict:  # fmt: skip
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise RuntimeError("Chromium is not installed (apt-get install chromium)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            started = time.perf_counter()
            tasks = [asyncio.create_task(_session(browser, url, s, people, rounds, campaigns_page)) for s in sessions]
            # Once the app has served pages (so it holds the warehouse) and every session is mid-flight,
            # the scheduled refresh arrives from the command line.
            while not any(s.times["discover"] for s in sessions) and not all(t.done() for t in tasks):
                await asyncio.sleep(0.2)
            await asyncio.sleep(2)
            refresh_started = time.perf_counter() - started
            refresh = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "core", "refresh", cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": str(db)},
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            out, err = await refresh.communicate()
            refresh_done = time.perf_counter() - started
            await asyncio.gather(*tasks)
            total = time.perf_counter() - started
        finally:
            await browser.close()
    handed = "asking it to run the job" in err.decode()
    return {
        "refresh_ok": refresh.returncode == 0,
        "refresh_handed_to_app": handed,
        "refresh_window_s": [round(refresh_started, 1), round(refresh_done, 1)],
        "refresh_message": (out.decode().strip().splitlines() or err.decode().strip().splitlines() or [""])[-1],
        "seconds": round(total, 1),
    }


def _edits(db: Path, sessions: list[Session]) -> tuple[int, int]:
    """(lost, stored late): confirmed renames missing from the warehouse (a wrong final name, or fewer stored
    edits than confirmed), and renames whose confirmation timed out that the warehouse nevertheless holds."""
    con = warehouse.connect(db)
    try:
        lost = late = 0
        for s in sessions:
            stored = warehouse.scalar(con, "SELECT name FROM campaigns WHERE campaign_id = ?", [s.campaign_id])
            edits = warehouse.scalar(
                con,
                "SELECT count(*) FROM audit_log WHERE action = 'campaign.edit' "
                "AND json_extract(details, '$.campaign_id')::BIGINT = ?",
                [s.campaign_id],
            )
            if s.confirmed:
                last_confirmed = s.attempted.index(s.confirmed[-1])
                final_ok = stored in s.attempted[last_confirmed:]  # a later, unconfirmed rename may have landed
                lost += max(0, len(s.confirmed) - edits) + (0 if final_ok else 1)
            late += max(0, edits - len(s.confirmed))
        return lost, late
    finally:
        con.close()


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def run(n: int, rounds: int, people: int, folder: Path) -> dict:
    """One load run with `n` sessions; its metrics."""
    run_folder = folder / f"n{n}"
    run_folder.mkdir()
    db, campaigns, top = _prepare(run_folder, people, n)
    port = _free_port()
    server = _start_server(db, port)
    url = f"http://127.0.0.1:{port}"
    sessions = [Session(i, campaigns[i]) for i in range(n)]
    available = _campaigns_page_available(url)
    try:
        with urllib.request.urlopen(url, timeout=30):  # warms the first script run
            pass
        outcome = asyncio.run(_drive(url, db, sessions, top, rounds, available))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lost, late = _edits(db, sessions) if available else (None, None)
    times = [t for s in sessions for step in s.times.values() for t in step]
    errors = [e for s in sessions for e in s.errors]
    result = {
        "sessions": n,
        "rounds": rounds,
        "requests": sum(s.requests for s in sessions),
        "errors": len(errors),
        "p50_s": round(_percentile(times, 50), 2),
        "p95_s": round(_percentile(times, 95), 2),
        "per_step_p95_s": {
            k: round(_percentile([t for s in sessions for t in s.times[k]], 95), 2)
            for k in ("discover", "profile", "campaign")
        },
        "campaign_edits_confirmed": sum(len(s.confirmed) for s in sessions),
        "lost_edits": lost,
        "edits_stored_after_confirmation_timed_out": late,
        "campaign_step": "ran" if available else "skipped: pages/campaigns.py is not listed in app.py yet",
        **outcome,
    }
    print(
        f"N={n}: {result['requests']} page loads, {result['errors']} errors, p50 {result['p50_s']} s, "
        f"p95 {result['p95_s']} s; refresh {'ok' if outcome['refresh_ok'] else 'FAILED'} "
        f"({'handed to the app' if outcome['refresh_handed_to_app'] else 'ran directly'}, "
        f"{outcome['refresh_window_s'][0]}–{outcome['refresh_window_s'][1]} s into the run); "
        f"campaign edits confirmed {result['campaign_edits_confirmed']}, lost {result['lost_edits']}"
    )
    for error in errors[:10]:
        print(f"  error: {error}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, action="append", help="concurrent sessions (default: 10 and 25)")
    parser.add_argument("--rounds", type=int, default=2, help="Discover → Profile → Campaign rounds per session")
    parser.add_argument("--people", type=int, default=3000, help="people in the demo world (default 3,000)")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="sway-load-") as folder:
        for n in args.sessions or [10, 25]:
            results.append(run(n, args.rounds, args.people, Path(folder)))
    print(json.dumps({"bench": "load", "people": args.people, "runs": results}))
    failed = any(r["errors"] or r["lost_edits"] or not r["refresh_ok"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
