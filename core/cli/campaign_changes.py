"""Command-line actions that change the local workspace's campaigns, as the Campaigns page does: `campaigns create`,
`edit`, `add`, `remove`, `status`, `refill`, `archive` and `restore`.

Each is the page's one core call (core.ops.campaigns or core.campaigns), so it is authorized, audited and all or
nothing the same way, and acts on the campaign as it is when the command runs. People come as ids or as a file
exported by Discover or a campaign's list (its "Sway person id" column, core.campaigns.people_file), so a search
can be trimmed in a spreadsheet before it becomes a campaign.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import fields, replace
from datetime import date
from pathlib import Path

import polars as pl

from core import discover, progress
from core.campaigns import dates, members, people_file, records
from core.campaigns.model import STATUSES, CampaignError, CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.ops import campaigns as campaign_ops
from core.results.plan import Plan, over_budget, plan
from core.vocabulary import NETWORKS, named_topics
from core.workspace.access import LOCAL


class SettingsRefused(CampaignError):
    """Campaign options that cannot make a campaign; the message lists each with what to do (exit code 1)."""


def _people(args: argparse.Namespace) -> list[int]:
    """The ids given, then those of --people FILE (read before the warehouse is opened: a bad file costs nothing)."""
    found = dict.fromkeys(args.person_ids)
    if args.people_from:
        found |= dict.fromkeys(people_file.person_ids(Path(args.people_from).expanduser()))
    return list(found)


# Options named as the CampaignSpec field they set, as they are (the rest are read by _spec).
_SETTINGS = tuple(f.name for f in fields(CampaignSpec) if f.name not in ("terms", "target_topics", "networks"))


def _spec(args: argparse.Namespace, base: CampaignSpec, topics: list[str], refused: str) -> CampaignSpec:
    """`base` with the settings the options give (an option not given keeps base's value); SettingsRefused lists
    every setting that is wrong, after `refused` (what did not happen)."""
    problems = []
    changes: dict = {name: getattr(args, name) for name in _SETTINGS if getattr(args, name) is not None}
    if args.track is not None:
        try:
            changes["terms"] = parse_terms(args.track)
        except ValueError as exc:
            changes["terms"] = ()
            problems.append(f"--track: {exc}")
    chosen, unknown = named_topics(args.topic or (), topics)
    if unknown:
        problems.append(unknown)
    for flag, given, cleared in (
        ("--topic", args.topic, args.any_topic),
        ("--network", args.network, args.any_network),
    ):
        if given and cleared:
            problems.append(f"{flag} and --any-{flag[2:]} contradict each other: give one of them.")
    for name, given, cleared in (
        ("target_topics", chosen if args.topic is not None else None, args.any_topic),
        ("networks", args.network, args.any_network),
    ):
        if given is not None or cleared:
            changes[name] = () if cleared else tuple(dict.fromkeys(given))
    for name in ("budget", "perks"):  # 0 is none, as on the page: a campaign may count in perks or money alone
        if name in changes:
            changes[name] = changes[name] or None
    spec = replace(base, **changes)
    unreadable = bool(problems)  # then "add at least one term" would only repeat the --track problem
    problems += [p for p in spec.problems() if not (unreadable and p.startswith("Add at least one tracking term"))]
    if problems:
        raise SettingsRefused(f"{refused}: " + " ".join(problems))
    return spec


def _new(defaults: dates.Dates) -> CampaignSpec:
    """What a new campaign starts from before its options: the page's empty form with its default dates."""
    return CampaignSpec(
        name="",
        brand="",
        perk="",
        cost_per_perk=0.0,
        starts_on=defaults.starts_on,
        ends_on=defaults.ends_on,
        terms=(),
        follow_up_days=defaults.follow_up_days,
    )


def _cmd_create(args: argparse.Namespace) -> int:
    people = _people(args)
    with warehouse.connect() as con:
        defaults = dates.default_dates(con, date.today())
        spec = _spec(args, _new(defaults), discover.facets(con).topics, "Nothing was created")
        created = campaign_ops.create_campaign(con, LOCAL, spec, people, progress=progress.to_stderr)
        checked = plan(con, LOCAL, created.campaign_id)
    cid = created.campaign_id
    print(f"Created campaign {cid} “{spec.name}”, {spec.starts_on:%d %b %Y} – {spec.ends_on:%d %b %Y}.")
    if defaults.note and not (args.starts_on or args.ends_on):
        print(defaults.note)
    print(f"{created.suggestions.created(len(people))}; {created.suggestions.expected()}.")
    _print_plan(checked, cid, spec)
    print(
        f"Next: the list, python -m core campaigns export {cid} list.csv; invite everyone suggested, "
        f"python -m core campaigns status {cid} invited --from suggested"
    )
    return 0


def _cmd_edit(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        spec = _spec(args, campaign.spec, discover.facets(con).topics, "Nothing was changed")
        if spec == campaign.spec:
            raise SettingsRefused(
                f"Nothing to change: “{campaign.spec.name}” already has these settings. Give the ones to change "
                "(python -m core campaigns edit --help)."
            )
        campaign_ops.save_settings(con, LOCAL, args.campaign, spec, campaign.version)
        checked = plan(con, LOCAL, args.campaign)
    print(f"Saved the settings of “{spec.name}”; the expected mentions of everyone on its list are worked out again.")
    _print_plan(checked, args.campaign, spec)
    return 0


def _print_warnings(checked: Plan, campaign_id: int, spec: CampaignSpec) -> None:
    """The plan's warnings, and the commands that act on a list longer than its perks or dearer than its budget."""
    for warning in checked.warnings:
        print(f"Warning: {warning}")
    if any(over_budget(spec, checked.people, checked.cost)):
        print(
            f"On the command line: python -m core campaigns edit {campaign_id} --perks N (or --budget AMOUNT), or "
            f"python -m core campaigns remove {campaign_id} PERSON_ID ..."
        )


def _print_plan(checked: Plan, campaign_id: int, spec: CampaignSpec) -> None:
    """The plan check the page shows above a list: dates, budget, whether it can show a result, unique reach."""
    _print_warnings(checked, campaign_id, spec)
    print(f"Can this list show a result? {checked.power.verdict()}")
    print(f"Unique reach: {checked.reach.verdict()}")


def _cmd_add(args: argparse.Namespace) -> int:
    people = _people(args)
    if not people:
        raise SettingsRefused("Name the people to add: their Sway person ids, or --people FILE (a Discover export).")
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        added, _ = campaign_ops.add_people(con, LOCAL, args.campaign, people, campaign.version)
        checked = plan(con, LOCAL, args.campaign)
    already = len(people) - added
    one = already == 1
    kept = f"; {already:,} {'was' if one else 'were'} already on it and keep{'s' if one else ''} their status"
    kept = kept if already else ""
    print(f"Put {added:,} {'person' if added == 1 else 'people'} on the list of “{campaign.spec.name}”{kept}.")
    _print_warnings(checked, args.campaign, campaign.spec)
    return 0


def _cmd_remove(args: argparse.Namespace) -> int:
    people = _people(args)
    if not people:
        raise SettingsRefused("Name the people to take off: their Sway person ids, or --people FILE.")
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        members.remove_members(con, LOCAL, args.campaign, people, campaign.version)
    taken = f"{len(people):,} {'person' if len(people) == 1 else 'people'}"
    print(f"Took {taken} off the list of “{campaign.spec.name}”: they are not suggested for it again.")
    return 0


def _cmd_status(args: argparse.Namespace) -> int:
    people = _people(args)
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        if args.source:
            listed = members.members(con, LOCAL, args.campaign)
            people += [p for p in listed.filter(pl.col("status") == args.source)["person_id"] if p not in people]
        if not people:
            raise SettingsRefused(
                f"Nobody to move: nobody on “{campaign.spec.name}” is {STATUSES[args.source]}."
                if args.source
                else "Name the people to move: their Sway person ids, --people FILE, or --from STATUS (all of them)."
            )
        members.set_status(con, LOCAL, args.campaign, people, args.status, campaign.version)
    moved = f"{len(people):,} {'person' if len(people) == 1 else 'people'}"
    print(f"Moved {moved} of “{campaign.spec.name}” to {STATUSES[args.status]}.")
    return 0


def _cmd_refill(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        report = campaign_ops.refresh_suggestions(
            con, LOCAL, args.campaign, campaign.version, progress=progress.to_stderr
        )
        checked = plan(con, LOCAL, args.campaign)
    print(f"{report.refreshed()}; {report.expected()}.")
    _print_plan(checked, args.campaign, campaign.spec)
    return 0


def _cmd_archive(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        campaign = records.get_campaign(con, LOCAL, args.campaign)
        records.archive_campaign(con, LOCAL, args.campaign, campaign.version)
    print(
        f"Deleted (archived) “{campaign.spec.name}”: it is out of lists and results. "
        f"Bring it back with python -m core campaigns restore {args.campaign}"
    )
    return 0


def _cmd_restore(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        records.restore_campaign(con, LOCAL, args.campaign)
        campaign = records.get_campaign(con, LOCAL, args.campaign)
    print(f"Restored “{campaign.spec.name}” as it was when it was deleted.")
    return 0


def _amount(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # 'nan' and 'inf' are floats to Python, not amounts
        raise argparse.ArgumentTypeError(f"not an amount: {text!r} (write it as 120 or 120.50)")
    return value


def _whole(text: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise argparse.ArgumentTypeError(f"not a whole number of 0 or more: {text!r}")
    return int(text)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (write it as YYYY-MM-DD, e.g. 2026-12-10)") from None


def _person(text: str) -> int:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a Sway person id: {text!r} (the numbers Discover's exports end with)")
    return int(text)


def _with_people(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("person_ids", nargs="*", type=_person, metavar="PERSON_ID", help=f"Sway person ids {what}")
    parser.add_argument(
        "--people",
        dest="people_from",
        metavar="FILE",
        help=f"a .csv or .xlsx with a '{people_file.COLUMN}' column (a Discover export)",
    )


def _settings_options(parser: argparse.ArgumentParser, *, new: bool) -> None:
    """The campaign's settings, as the page's form has them; required for a new campaign, else each optional."""
    parser.add_argument("--name", required=new, help="the campaign's name")
    parser.add_argument("--brand", required=new, help="the brand it promotes")
    parser.add_argument("--perk", required=new, help="what each person gets, e.g. 'Trail shoes'")
    parser.add_argument(
        "--cost-per-perk", required=new, type=_amount, metavar="AMOUNT", help="per person, in the workspace's currency"
    )
    parser.add_argument("--budget", type=_amount, metavar="AMOUNT", help="total to spend, 0 for none (give --perks)")
    parser.add_argument("--perks", type=_whole, metavar="N", help="perks to hand out, 0 for none (give --budget)")
    parser.add_argument(
        "--track", required=new, metavar="TERMS", help="what counts as a mention: '#brand, @brand, brand.com, Brand'"
    )
    parser.add_argument("--starts", dest="starts_on", type=_day, metavar="YYYY-MM-DD", help="first day")
    parser.add_argument("--ends", dest="ends_on", type=_day, metavar="YYYY-MM-DD", help="last day")
    parser.add_argument("--follow-up-days", type=_whole, metavar="N", help="days counted after the end (default 14)")
    parser.add_argument("--topic", action="append", metavar="TOPIC", help="a target topic (repeatable)")
    parser.add_argument("--network", action="append", choices=NETWORKS, help="a network (repeatable)")
    parser.add_argument("--min-score", type=_whole, metavar="N", help="minimum combined score, 1-100 (default 1)")
    parser.add_argument("--min-audience", type=_whole, metavar="N", help="minimum followers (default 0: any)")
    parser.add_argument(
        "--include-flagged",
        action=argparse.BooleanOptionalAction,
        help="also suggest accounts flagged as inauthentic (default: leave them out)",
    )
    parser.add_argument("--expected-lift", type=_amount, metavar="X", help="1 = twice as many mentions (default 1)")
    if new:
        parser.set_defaults(any_topic=False, any_network=False)
    else:
        parser.add_argument("--any-topic", action="store_true", help="target no topic in particular")
        parser.add_argument("--any-network", action="store_true", help="target every network")


def add_actions(actions: argparse._SubParsersAction, campaign_id) -> None:
    """Add create, edit, add, remove, status, refill, archive and restore to `campaigns`; `campaign_id` reads an id."""
    create = actions.add_parser(
        "create",
        help="create a campaign and fill its list with suggestions, as the Campaigns page does",
        description="Create a campaign; Sway fills its list up to the budget (or the number of perks) with the "
        "people expected to mention the brand most per unit of cost. Without dates it runs two weeks from today, or, "
        "when the data is not live, over the last weeks the data covers (as on the page).",
    )
    _settings_options(create, new=True)
    _with_people(create, "to put on the list first")
    create.set_defaults(run=_cmd_create)

    def on_campaign(name: str, **texts: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, **texts)
        where = "campaigns list --archived" if name == "restore" else "campaigns list"
        parser.add_argument("campaign", type=campaign_id, metavar="ID", help=f"the campaign's id (see `{where}`)")
        return parser

    edit = on_campaign(
        "edit",
        help="change a campaign's settings (only those given), as the page's Settings do",
        description="Change the settings given; the rest stay. Everyone's expected mentions are worked out again; "
        "refill the list (campaigns refill ID) to pick people by the new targeting.",
    )
    _settings_options(edit, new=False)
    edit.set_defaults(run=_cmd_edit)

    add = on_campaign("add", help="put people on a campaign's list")
    _with_people(add, "to add")
    add.set_defaults(run=_cmd_add)

    remove = on_campaign("remove", help="take people off a campaign's list (locked people stay)")
    _with_people(remove, "to take off")
    remove.set_defaults(run=_cmd_remove)

    status = on_campaign(
        "status",
        help="move people on a campaign's list to a status (invited, accepted, perk_shipped, posted ...)",
        description="Move people forward (suggested → invited → accepted or declined → perk_shipped → posted or "
        "no_post), or one step back to undo a mistake; a move that is not allowed for anyone moves nobody.",
    )
    status.add_argument("status", choices=list(STATUSES), metavar="STATUS", help=", ".join(STATUSES))
    _with_people(status, "to move")
    status.add_argument(
        "--from", dest="source", choices=list(STATUSES), metavar="STATUS", help="also everyone now at this status"
    )
    status.set_defaults(run=_cmd_status)

    on_campaign("refill", help="refill a campaign's suggested list up to its budget").set_defaults(run=_cmd_refill)

    on_campaign("archive", help="delete a campaign (it can be restored)").set_defaults(run=_cmd_archive)

    on_campaign("restore", help="bring back a deleted campaign").set_defaults(run=_cmd_restore)
