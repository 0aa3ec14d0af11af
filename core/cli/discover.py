"""Command-line subcommand `discover`: the Discover page's search, printed as a table or written to a file.

Each option is one of the page's filters and is read strictly: a value the page would never offer (an unknown
topic, a range that is not 'from-to', a score outside 1-100) is refused with what to type instead, where the
page's shared links drop such values quietly. It searches as the local workspace (the operator has the file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from core import discover
from core.cli.output import TABLE, check_new, write_new
from core.db import warehouse
from core.discover.filters import MAX_TEXT, SORT_KEYS
from core.numbers import rate_texts
from core.vocabulary import NETWORKS, named_topics, topic_label
from core.workspace.access import LOCAL

_SHOWN = ("person_id", "name", "handles", "score", "audience", "engagement_rate", "topics", "matching_post")
_KINDS = ("csv", "xlsx")


class SearchRefused(ValueError):
    """A search option the page would not offer; the message says what to type (one line, exit code 1)."""


def _range(text: str, low: int, high: int | None, what: str) -> tuple[int | None, int | None]:
    """'30-100', '5000-' or '-80' as whole numbers within [low, high]; an open end is None."""
    first, dash, last = text.partition("-")
    ends = [part.strip() for part in (first, last)]
    if not dash or not all(not e or (e.isascii() and e.isdigit()) for e in ends) or not any(ends):
        raise SearchRefused(f"--{what} {text!r} is not a range: write FROM-TO in whole numbers, e.g. 30-100 or 5000-.")
    lo, hi = (int(e) if e else None for e in ends)
    for value in (lo, hi):
        if value is not None and (value < low or (high is not None and value > high)):
            limit = f"{low} to {high}" if high is not None else f"{low} or more"
            raise SearchRefused(f"--{what} {text!r}: each end must be {limit}.")
    if lo is not None and hi is not None and lo > hi:
        raise SearchRefused(f"--{what} {text!r}: 'from' is above 'to': swap them.")
    return lo, hi


def _filters(args: argparse.Namespace, topics: list[str]) -> discover.Filters:
    """The search the options describe; SearchRefused names the first option that is wrong and what to type."""
    if len(args.words) > MAX_TEXT:
        raise SearchRefused(f"--words is {len(args.words):,} characters long: search with at most {MAX_TEXT}.")
    chosen, unknown = named_topics(args.topic, topics)
    if unknown:
        raise SearchRefused(unknown)
    score_min, score_max = _range(args.score, 1, 100, "score") if args.score else (1, 100)
    audience_min, audience_max = _range(args.audience, 0, None, "audience") if args.audience else (None, None)
    return discover.Filters(
        text=args.words,
        score_network=args.score_on,
        score_min=1 if score_min is None else score_min,
        score_max=100 if score_max is None else score_max,
        topics=tuple(chosen),
        topic_mode=args.topic_mode,
        networks=tuple(dict.fromkeys(args.network)),
        audience_min=audience_min,
        audience_max=audience_max,
        hide_flagged=args.hide_flagged,
        hide_uncertain=args.hide_uncertain,
        sort=args.sort,
    )


def _printable(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows as the page shows them: its headers, topics as names, followers with separators, rates in %."""
    shown = discover.readable(rows.select(c for c in _SHOWN if c in rows.columns))
    return shown.with_columns(
        pl.col("Topics").list.join(", "),
        pl.col("Audience (all networks)").map_elements(lambda n: f"{n:,}", return_dtype=pl.String),
        rate_texts(pl.col("Engagement")),
    )


def _cmd_discover(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser() if args.file else None
    if path is not None:
        check_new(path, _KINDS)  # before the search: a wrong name costs nothing
    with warehouse.connect() as con:
        filters = _filters(args, discover.facets(con).topics)
        total, _ = discover.search(con, filters.on_page(1), LOCAL.workspace_id)
        wanted = discover.EXPORT_LIMIT if path is not None else args.limit
        rows = discover.result_rows(con, filters, wanted, LOCAL.workspace_id)
    if not total:
        print(f"Nobody found. {discover.nothing_found(filters)}")
        return 0
    print(f"{total:,} {'person' if total == 1 else 'people'} found; the first {min(args.limit, total):,}, best first:")
    with pl.Config(**TABLE):
        print(_printable(rows.head(args.limit)))
    if path is not None:
        everyone = discover.readable(rows)
        write_new(path, {"csv": lambda: discover.export_csv(everyone), "xlsx": lambda: discover.export_xlsx(everyone)})
        cut = f" (the first {discover.EXPORT_LIMIT:,})" if total > discover.EXPORT_LIMIT else ""
        print(f"Wrote {everyone.height:,} people{cut} to {path}.")
    return 0


def _limit(text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= discover.EXPORT_LIMIT:
        raise argparse.ArgumentTypeError(f"not a number of rows from 1 to {discover.EXPORT_LIMIT:,}: {text!r}")
    return int(text)


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add `discover` to the `python -m core` parser."""
    find = sub.add_parser(
        "discover",
        help="find people by score, topics, networks, audience and words, as the Discover page does",
        description="Find people as the Discover page does, best first. A topic is named as the page shows it "
        f"('{topic_label('fitness_&_health')}', any capitals) or by the classifier's label (fitness_&_health); an "
        "unknown one is refused with the list.",
    )
    find.add_argument("--words", default="", help="whole words in names, handles, bios or posts (all must occur)")
    find.add_argument("--topic", action="append", default=[], metavar="TOPIC", help="a topic (repeatable)")
    find.add_argument("--topic-mode", choices=("any", "all"), default="any", help="people with any or all topics")
    find.add_argument(
        "--network", action="append", default=[], choices=NETWORKS, help="an account on this network (repeatable)"
    )
    find.add_argument("--score", metavar="FROM-TO", help="score range, e.g. 30-100 (1 to 100)")
    find.add_argument(
        "--score-on",
        choices=("all", *NETWORKS),
        default="all",
        help="the score the range and order use (all: combined)",
    )
    find.add_argument(
        "--audience", metavar="FROM-TO", help="followers, e.g. 5000- (with --network: of one account there)"
    )
    find.add_argument("--hide-flagged", action="store_true", help="leave out accounts flagged as inauthentic")
    find.add_argument("--hide-uncertain", action="store_true", help="leave out scores with too little data")
    find.add_argument("--sort", choices=list(SORT_KEYS), default="relevance", help="order (default: best match)")
    find.add_argument("--limit", type=_limit, default=20, help="rows to print (default 20)")
    find.add_argument(
        "--file",
        metavar="FILE",
        help=f"also write every match (up to {discover.EXPORT_LIMIT:,}) to a new .csv or .xlsx",
    )
    find.set_defaults(run=_cmd_discover)
