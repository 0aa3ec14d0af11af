"""`python -m core.cli.collect bluesky|mastodon`: the long-lived collector of a live network, beside the app.

Run as its own module it loads only the collector, the load and the hand-off: a process
that runs for weeks stays small. `python -m core collect` is the same command inside the full command line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.collect import bluesky
from core.collect.collector import Collector, Schedule
from core.collect.jetstream import BlueskyConnector
from core.collect.mastodon import POLL_SECONDS, TOKEN_ENV, MastodonConnector
from core.collect.params import APPVIEW, DEFAULT_PARAMS, JETSTREAMS
from core.db import warehouse
from core.ingest.errors import InputError
from core.ops import handoff
from core.ops.collect import ingest_job

_HELP = "watch a live network (Bluesky, Mastodon) and load what it sees"


def run_job(db: Path, job: str, params: dict[str, Any]) -> tuple[bool, list[str]]:
    """A warehouse job for the collector (directly, or handed to the app holding the file); never raises.

    Loads run here. The daily refresh runs as `python -m core refresh` in a child process, so the collector
    never loads the scoring and topic code (about 140 MB of a process that runs for weeks) and a refresh's
    memory goes back to the system when it ends.
    """
    try:
        if job == "refresh":
            return _refresh_in_child(db)
        if job != "ingest_collected":
            raise ValueError(f"the collector runs loads and refreshes, not {job!r}")
        outcome = handoff.run(job, params, ingest_job, db=db)
    except Exception as exc:  # the collector keeps collecting; its log and state file say why
        return False, [f"{type(exc).__name__}: {exc}"]
    return outcome.ok, outcome.lines


def _refresh_in_child(db: Path) -> tuple[bool, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "core", "refresh"],
        cwd=warehouse.REPO_ROOT, env={**os.environ, "SWAY_DB": str(db)}, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    if done.returncode == 0:
        return True, done.stdout.splitlines()
    return False, [line.removeprefix("error: ") for line in done.stderr.splitlines()[-5:]]


def _dids(path: str | None) -> list[str]:
    """DIDs from a watch-list file, one per line ('#' starts a comment)."""
    if path is None:
        return []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})", "Check the --dids path.") from None
    dids = [line.split("#", 1)[0].strip() for line in lines]
    bad = [(n, d) for n, d in enumerate(dids, 1) if d and not d.startswith("did:")]
    if bad:
        line, value = bad[0]
        raise InputError(
            path, f"{value!r} is not a DID", "Put one DID (did:plc:… or did:web:…) on each line.", line=line
        )
    return [d for d in dids if d]


def _collect(connector: Any, args: argparse.Namespace) -> int:
    params = DEFAULT_PARAMS
    if args.ingest_every is not None:
        params = type(params)(**{**params.__dict__, "ingest_seconds": args.ingest_every})
    collector = Collector(
        connector,
        warehouse.warehouse_path(),
        run_job,
        params=params,
        schedule=Schedule(ingest=not args.no_ingest, refresh=not args.no_refresh),
        stop_after_idle=args.stop_after_idle,
    )
    with contextlib.suppress(KeyboardInterrupt):
        state = asyncio.run(collector.run())
        print(f"Stopped: {state.events:,} events stored, cursor {state.cursor_us}. {state.last_ingest}")
    return 0


def _cmd_bluesky(args: argparse.Namespace) -> int:
    connector = BlueskyConnector(
        jetstreams=args.jetstream or JETSTREAMS,
        appview_url=None if args.appview == "none" else args.appview,
        collections=args.collections or bluesky.COLLECTIONS,
        dids=_dids(args.dids),
    )
    return _collect(connector, args)


def _cmd_mastodon(args: argparse.Namespace) -> int:
    if not args.tag and not args.account:
        print("error: name at least one --tag or --account to follow", file=sys.stderr)
        return 2
    token = args.token or os.environ.get(TOKEN_ENV) or None
    connector = MastodonConnector(args.instance, tags=args.tag or [], accounts=args.account or [], token=token)
    return _collect(connector, args)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--stop-after-idle", type=float, default=None, metavar="SECONDS",
        help="stop after this many seconds without an event (tests, cron, one-off catch-ups); default: run on",
    )  # fmt: skip
    parser.add_argument(
        "--ingest-every", type=float, default=None, metavar="SECONDS",
        help=f"load new events into the warehouse this often (default {DEFAULT_PARAMS.ingest_seconds:g})",
    )  # fmt: skip
    parser.add_argument("--no-ingest", action="store_true", help="only write the raw-event lake")
    parser.add_argument("--no-refresh", action="store_true", help="skip the daily refresh of scores and topics")


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add `collect bluesky` and `collect mastodon` to the CLI."""
    _add_networks(sub.add_parser("collect", help=_HELP))


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m core.cli.collect NETWORK ...`; a bad option or file is one line on stderr and a non-zero exit."""
    parser = argparse.ArgumentParser(prog="python -m core.cli.collect", description=_HELP[0].upper() + _HELP[1:] + ".")
    _add_networks(parser)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (InputError, warehouse.WarehouseError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _add_networks(collect: argparse.ArgumentParser) -> None:
    networks = collect.add_subparsers(dest="network", required=True, metavar="NETWORK")

    sky = networks.add_parser("bluesky", help="Bluesky through Jetstream (live) and the AppView (profiles)")
    sky.add_argument(
        "--jetstream", action="append", metavar="URL",
        help="Jetstream /subscribe URL; repeat to fail over between several (default: Bluesky's public ones)",
    )  # fmt: skip
    sky.add_argument(
        "--appview", default=APPVIEW, metavar="URL", help=f"AppView for profiles ('none': skip; {APPVIEW})"
    )
    sky.add_argument("--collections", nargs="+", metavar="NSID", help="collections to ask for (default: all Sway maps)")
    sky.add_argument("--dids", metavar="FILE", help="watch only these accounts (one DID a line), and backfill them")
    _common(sky)
    sky.set_defaults(run=_cmd_bluesky)

    masto = networks.add_parser("mastodon", help="a Mastodon instance's hashtags (live) and account timelines")
    masto.add_argument("--instance", required=True, metavar="URL", help="e.g. https://mastodon.social")
    masto.add_argument("--tag", action="append", metavar="TAG", help="a hashtag to follow (repeat for more)")
    masto.add_argument("--account", action="append", metavar="HANDLE", help="an account to follow, e.g. user@host")
    masto.add_argument(
        "--token", metavar="TOKEN",
        help=f"a user access token (scope read:statuses) for live hashtags: Mastodon 4.2 and later stream only with "
        f"one, else hashtags are polled every {POLL_SECONDS:g} s (default: ${TOKEN_ENV}, kept out of the process list)",
    )  # fmt: skip
    _common(masto)
    masto.set_defaults(run=_cmd_mastodon)


if __name__ == "__main__":
    raise SystemExit(main())
