"""Command-line subcommands for a workspace's campaigns and their results: `campaigns list`, `campaigns export`,
`results`, registered by add_subcommands (the actions that change campaigns are in core.cli.campaign_changes).

They read what the Campaigns and Results pages show, as the local workspace (the operator has the warehouse file),
and write files only where asked: an existing file is never overwritten.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import polars as pl

from core import progress
from core.campaigns import export, members, records
from core.campaigns.model import CampaignError
from core.cli import campaign_changes
from core.cli.output import TABLE, FileRefused, check_new, write_new
from core.db import warehouse
from core.results import report
from core.results.compute import Results, campaign_results
from core.workspace.access import LOCAL

USER_ERRORS = (CampaignError, FileRefused)  # one line on stderr, exit code 1


def _cmd_list(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        found = records.list_campaigns(con, LOCAL, archived=args.archived)
    if found.is_empty():
        if args.archived:
            print("No archived (deleted) campaigns in the local workspace.")
        else:
            print(
                "No campaigns in the local workspace. Create one on the Campaigns page or with "
                "python -m core campaigns create (see --help)."
            )
        return 0
    shown = found.with_columns(stage=records.stages(found, date.today())).select(
        pl.col("campaign_id").alias("id"),
        pl.col("name").alias("campaign"),
        pl.col("brand"),
        pl.format(
            "{} – {}", pl.col("starts_on").dt.strftime("%d %b %Y"), pl.col("ends_on").dt.strftime("%d %b %Y")
        ).alias("dates"),
        pl.col("stage"),
        pl.col("members").alias("people"),
        pl.col("posted"),
    )
    with pl.Config(**TABLE):
        print(shown)
    print("Export one's list: python -m core campaigns export ID FILE.csv; its results: python -m core results ID")
    return 0


_LIST_KINDS = {"csv": export.list_csv, "xlsx": export.list_xlsx}
_REPORT_KINDS = {"xlsx": report.results_xlsx, "html": report.results_html}


def _cmd_export(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser()
    check_new(path, _LIST_KINDS)  # before the work: a wrong name costs nothing
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        people = members.members(con, LOCAL, args.campaign)
    write_new(path, {kind: lambda make=make: make(people) for kind, make in _LIST_KINDS.items()})
    print(f"Wrote the list of “{campaign.name}” ({people.height:,} people) to {path}.")
    return 0


def _cmd_results(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser() if args.file else None
    if path is not None:
        check_new(path, _REPORT_KINDS)  # before measuring: a wrong name costs nothing
    with warehouse.connect() as con:
        results: Results = campaign_results(con, LOCAL, args.campaign, progress=progress.to_stderr)
    summary = report.summary_rows(results)
    width = max(len(what) for what, _ in summary)
    for what, value in summary:
        print(f"{what:<{width}}  {value}")
    for note in results.notes:
        print(f"Note: {note}")
    if path is not None:
        write_new(path, {kind: lambda make=make: make(results) for kind, make in _REPORT_KINDS.items()})
        print(f"Wrote the report to {path}.")
    return 0


def _campaign_id(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a campaign id: {text!r} (the numbers `campaigns list` shows)")
    return int(text)


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add `campaigns` (list, export) and `results` to the `python -m core` parser."""
    campaigns = sub.add_parser("campaigns", help="the local workspace's perk campaigns: list, create, change, export")
    actions = campaigns.add_subparsers(dest="campaigns_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="every campaign with its dates, stage and people")
    listing.add_argument("--archived", action="store_true", help="the archived (deleted) campaigns instead")
    listing.set_defaults(run=_cmd_list)
    out = actions.add_parser("export", help="write a campaign's list for outreach, as the Campaigns page exports it")
    out.add_argument("campaign", type=_campaign_id, metavar="ID", help="the campaign's id (see `campaigns list`)")
    out.add_argument("file", metavar="FILE", help="a new .csv or .xlsx file")
    out.set_defaults(run=_cmd_export)
    campaign_changes.add_actions(actions, _campaign_id)

    res = sub.add_parser("results", help="a campaign's results: mentions, cost, lift against baseline and control")
    res.add_argument("campaign", type=_campaign_id, metavar="ID", help="the campaign's id (see `campaigns list`)")
    res.add_argument("--file", metavar="FILE", help="also write the report to a new .xlsx or .html file")
    res.set_defaults(run=_cmd_results)
