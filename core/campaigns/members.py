"""A campaign's list: who is on it, adding from Discover, removing, locking, notes and status changes.

Every change is one transaction through store.editing (version check, audit entry) and writes one
campaign_member_history row per member and field changed, so the page can show who changed what and when.
Bulk changes are all-or-nothing: if one member cannot move, nobody moves and the message names them.

This module alone writes campaign_members and campaign_member_history (core/db/owners.py), and it holds the
rules about them that others read: who counts as a member in results, whose perk is spent, who the brand
approached, and who a refresh of the suggested list may replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from core.campaigns.model import BACK, STATUS_DATES, STATUSES, TRANSITIONS, CampaignError, InvalidTransition
from core.campaigns.records import editing, get_campaign
from core.db.warehouse import rows
from core.topics.removed import KEPT_TOPICS, REMOVED_TOPICS
from core.workspace import audit
from core.workspace.access import LOCAL, LOCAL_USER_WORDS, Access

_SELECTED = "campaign_members.campaign_id = ? AND campaign_members.person_id IN (SELECT unnest(?::BIGINT[]))"
# Who counts as a campaign member when measuring results: people who were contacted and did not decline
# (those who did not post count too, with no mentions: leaving them out would flatter the campaign).
COUNTED = ("invited", "accepted", "perk_shipped", "posted", "no_post")
# Members whose perk (or fee) counts as spent: they accepted it.
PERK_GIVEN = ("accepted", "perk_shipped", "posted", "no_post")
# Members who use no perk: removed people are off the list; declined people stay on it (so they are never
# suggested again) but will not get the perk. Everyone else on the list is planned to get one.
NO_PERK = ("removed", "declined")
# Members a tracked mention marks as posted: they have the perk (or agreed to it) and have not been marked yet.
AWAITING_POST = ("accepted", "perk_shipped", "no_post")
TRACKER = "Sway (tracked mention)"  # who the history names when a tracked mention marked someone posted


def members(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """The campaign's list (removed people left out), best expected first, with names, handles, scores and
    topics (without those the workspace marked as wrong for them)."""
    get_campaign(con, access, campaign_id)  # not found in this workspace -> nothing is read
    return con.sql(
        f"""
        SELECT m.person_id, coalesce(d.name, p.name) AS name, d.handles, d.score, d.audience, d.flagged,
               {KEPT_TOPICS} AS topics,
               m.status, m.locked, m.origin, m.suggested_rank, m.expected_mentions, m.expected_low,
               m.expected_high, coalesce(m.cost, c.cost_per_perk) AS cost, m.cost IS NOT NULL AS own_cost, m.notes,
               m.added_at, m.invited_at, m.responded_at, m.shipped_at, m.posted_at, m.post_url, m.updated_at
        FROM campaign_members m
        JOIN campaigns c USING (campaign_id)
        LEFT JOIN people p USING (person_id)
        LEFT JOIN discovery d USING (person_id)
        LEFT JOIN {REMOVED_TOPICS} r USING (person_id)
        WHERE m.campaign_id = ? AND c.workspace_id = ? AND m.status <> 'removed'
        ORDER BY m.expected_mentions DESC NULLS LAST, m.person_id
        """,  # noqa: S608 - fixed SQL of core.topics.removals
        params=[access.workspace_id, campaign_id, access.workspace_id],
    ).pl()


def counted_members(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """The members results measure (status in COUNTED): person_id, name, handles, status, suggested_rank,
    expected_mentions, cost (their own, else the campaign's cost per perk). Empty for another workspace's."""
    return con.sql(
        """
        SELECT m.person_id, coalesce(d.name, p.name) AS name, d.handles, m.status, m.suggested_rank,
               m.expected_mentions, coalesce(m.cost, c.cost_per_perk) AS cost
        FROM campaign_members m JOIN campaigns c USING (campaign_id) LEFT JOIN people p USING (person_id)
        LEFT JOIN discovery d USING (person_id)
        WHERE m.campaign_id = ? AND c.workspace_id = ? AND m.status IN (SELECT unnest(?::VARCHAR[]))
        """,
        params=[campaign_id, access.workspace_id, list(COUNTED)],
    ).pl()


def approached(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> set[int]:
    """Everyone the campaign's brand approached: on its list, or ever on a list (removed too) of any of the
    workspace's campaigns tracking one of its terms. Results never take them as controls."""
    return {
        pid
        for (pid,) in rows(
            con,
            """
            SELECT DISTINCT m.person_id
            FROM campaign_members m JOIN campaigns c USING (campaign_id)
            WHERE c.workspace_id = ?
              AND ((m.campaign_id = ? AND m.status <> 'removed')
                   OR m.campaign_id IN (SELECT campaign_id FROM campaign_terms
                                        WHERE (kind, term) IN (SELECT (kind, term) FROM campaign_terms
                                                               WHERE campaign_id = ?)))
            """,
            [access.workspace_id, campaign_id, campaign_id],
        )
    }


@dataclass(frozen=True)
class Refill:
    """Who a refresh of the suggested list may replace, and who stays."""

    replaceable: list[int]  # unlocked people the list itself suggested and nobody has contacted yet
    taken: set[int]  # everyone else ever on the list (removed people too): never suggested again
    kept: int  # of those, the ones still on the list who did not decline: they use up perks


def refill(con: duckdb.DuckDBPyConnection, campaign_id: int) -> Refill:
    """The list as a refresh of its suggestions sees it: locked, hand-added and contacted people stay."""
    listed = con.sql(
        "SELECT person_id, status, locked, origin FROM campaign_members WHERE campaign_id = ?", params=[campaign_id]
    ).pl()
    replaceable = listed.filter(
        (pl.col("status") == "suggested") & ~pl.col("locked") & (pl.col("origin") == "suggested")
    )
    return Refill(
        replaceable["person_id"].to_list(),
        set(listed["person_id"]) - set(replaceable["person_id"]),
        listed.filter(~pl.col("status").is_in(NO_PERK)).height - replaceable.height,
    )


def overlap_note(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, shown: int = 5) -> str | None:
    """Who on the list is also on another of the workspace's campaigns whose dates (follow-up included) overlap,
    in words: a post of theirs may answer either campaign (and a rival brand's perk may be on its way). None if
    nobody."""
    get_campaign(con, access, campaign_id)
    overlaps = con.sql(
        """
        SELECT p.name, o.name AS campaign, o.starts_on, o.ends_on, om.status
        FROM campaign_members m
        JOIN campaigns c ON c.campaign_id = m.campaign_id
        JOIN campaign_members om ON om.person_id = m.person_id AND om.campaign_id <> m.campaign_id
        JOIN campaigns o ON o.campaign_id = om.campaign_id AND o.workspace_id = c.workspace_id
        JOIN people p ON p.person_id = m.person_id
        WHERE m.campaign_id = ? AND o.archived_at IS NULL
          AND m.status NOT IN ('removed', 'declined') AND om.status NOT IN ('removed', 'declined')
          AND o.starts_on <= c.ends_on + c.follow_up_days AND c.starts_on <= o.ends_on + o.follow_up_days
        ORDER BY p.name, o.starts_on, o.name
        """,
        params=[campaign_id],
    ).pl()
    if overlaps.is_empty():
        return None
    where: dict[str, list[str]] = {}
    for name, campaign, start, end, status in overlaps.iter_rows():
        days = f"{start.day} {start:%b} – {end.day} {end:%b}"
        where.setdefault(name, []).append(f"{campaign} ({days}, {STATUSES[status].lower()} there)")
    people = len(where)
    named = [f"{name} on {' and '.join(campaigns)}" for name, campaigns in list(where.items())[:shown]]
    more = f" and {people - shown:,} more" if people > shown else ""
    who = "1 person on this list is" if people == 1 else f"{people:,} people on this list are"
    return (
        f"{who} also on another campaign of this workspace whose dates overlap this one's, so a post of theirs may "
        f"answer either campaign: {'; '.join(named)}{more}."
    )


def history(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """Who changed what on the campaign's members and when, newest first."""
    get_campaign(con, access, campaign_id, include_archived=True)
    return con.sql(
        """
        SELECT h.changed_at, h.changed_by, coalesce(p.name, 'person ' || h.person_id) AS name, h.field,
               h.old_value, h.new_value, h.person_id
        FROM campaign_member_history h JOIN campaigns c USING (campaign_id) LEFT JOIN people p USING (person_id)
        WHERE h.campaign_id = ? AND c.workspace_id = ?
        ORDER BY h.changed_at DESC, h.person_id
        """,
        params=[campaign_id, access.workspace_id],
    ).pl()


# What each history field means, in the words of the Campaigns page.
HISTORY_FIELDS = {
    "added": "Put on the list",
    "removed": "Taken off the list",
    "locked": "Kept on the list",
    "notes": "Notes",
    "status": "Status",
    "cost": "Own cost",
}


def readable_history(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """history() as the Campaigns page shows it: what changed and its values in words, nothing shown as 'None'."""
    words = {**STATUSES, "removed": "Removed", "true": "Yes", "false": "No"}
    return history(con, access, campaign_id).with_columns(
        pl.col("changed_by").replace({LOCAL.user: LOCAL_USER_WORDS}),
        pl.col("field").replace(HISTORY_FIELDS),
        pl.col("old_value", "new_value").replace(words).fill_null(""),
    )


def _log(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    ids: list[int],
    field: str,
    old: str,
    new: str | None,
) -> None:
    """History rows for the selected members: `old` is a SQL expression over their current row."""
    con.execute(
        f"INSERT INTO campaign_member_history SELECT campaign_id, person_id, ?, ?, ?, {old}, ? "  # noqa: S608
        f"FROM campaign_members WHERE {_SELECTED}",
        [datetime.now(), access.user, field, new, campaign_id, ids],
    )


def _ids(person_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(int(p) for p in person_ids))
    if not ids:
        raise CampaignError("No people selected: tick at least one row first.")
    return ids


def _on_list(con: duckdb.DuckDBPyConnection, campaign_id: int, ids: list[int]) -> dict[int, tuple[str, bool, str]]:
    """person_id -> (status, locked, name) of the selected people who are on the list."""
    found = rows(
        con,
        "SELECT m.person_id, m.status, m.locked, coalesce(p.name, 'person ' || m.person_id) FROM campaign_members m "
        "LEFT JOIN people p USING (person_id) WHERE m.campaign_id = ? AND m.person_id IN (SELECT unnest(?::BIGINT[])) "
        "AND m.status <> 'removed'",
        [campaign_id, ids],
    )
    return {pid: (status, locked, name) for pid, status, locked, name in found}


def _require_on_list(on_list: dict, ids: list[int]) -> None:
    if missing := [i for i in ids if i not in on_list]:
        raise CampaignError(
            f"{len(missing)} of the selected people {'is' if len(missing) == 1 else 'are'} not on this campaign's "
            f"list (person ids {', '.join(map(str, missing[:5]))}): they were removed meanwhile, or never added. "
            "Look at the list again (reload the page) and pick from it."
        )


def add_members(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    expected_version: int,
    *,
    expected: dict[int, tuple[float, float, float]] | None = None,
) -> tuple[int, int]:
    """Put people on the list (as 'suggested', origin 'added'), e.g. a Discover selection; people already on it
    stay as they are, and removed people come back. Returns (how many were added, the new version)."""
    ids = _ids(person_ids)
    with editing(con, access, campaign_id, expected_version, "adding people to a campaign") as version:
        known = {
            pid
            for (pid,) in rows(
                con, "SELECT person_id FROM people WHERE person_id IN (SELECT unnest(?::BIGINT[]))", [ids]
            )
        }
        if unknown := [i for i in ids if i not in known]:
            raise CampaignError(
                f"These person ids are not in the warehouse: {unknown[:5]}. They were erased, or the data was "
                "replaced, since the people were found: search again in Discover and pick from what it finds."
            )
        on_list = _on_list(con, campaign_id, ids)
        new = [i for i in ids if i not in on_list]
        if new:
            now = datetime.now()
            estimate = [(expected or {}).get(i, (None, None, None)) for i in new]
            con.execute(
                "DELETE FROM campaign_members WHERE campaign_id = ? AND person_id IN (SELECT unnest(?::BIGINT[]))",
                [campaign_id, new],
            )
            con.execute(
                "INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, expected_mentions, "
                "expected_low, expected_high, notes, added_at, updated_at) SELECT ?, unnest(?::BIGINT[]), "
                "'suggested', false, 'added', unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), '', ?, ?",
                [campaign_id, new, *(list(column) for column in zip(*estimate, strict=True)), now, now],
            )
            _log(con, access, campaign_id, new, "added", "NULL", "suggested")
        audit.record(con, access, "campaign.add_members", {"campaign_id": campaign_id, "added": len(new)})
    return len(new), version


def remove_members(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, person_ids: Sequence[int], expected_version: int
) -> int:
    """Take people off the list (they are not suggested again); locked people must be unlocked first."""
    ids = _ids(person_ids)
    with editing(con, access, campaign_id, expected_version, "removing people from a campaign") as version:
        on_list = _on_list(con, campaign_id, ids)
        _require_on_list(on_list, ids)
        if locked := [name for status, is_locked, name in on_list.values() if is_locked]:
            raise CampaignError(
                f"{', '.join(locked[:5])} {'is' if len(locked) == 1 else 'are'} locked: unlock before removing."
            )
        _log(con, access, campaign_id, ids, "removed", "status", "removed")
        con.execute(
            f"UPDATE campaign_members SET status = 'removed', updated_at = ? WHERE {_SELECTED}",  # noqa: S608
            [datetime.now(), campaign_id, ids],
        )
        audit.record(con, access, "campaign.remove_members", {"campaign_id": campaign_id, "removed": len(ids)})
    return version


def set_locked(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    locked: bool,
    expected_version: int,
) -> int:
    """Lock people on the list (kept through list refreshes, cannot be removed) or unlock them."""
    ids = _ids(person_ids)
    with editing(con, access, campaign_id, expected_version, "locking people on a campaign") as version:
        _require_on_list(_on_list(con, campaign_id, ids), ids)
        _log(con, access, campaign_id, ids, "locked", "locked::VARCHAR", str(locked).lower())
        con.execute(
            f"UPDATE campaign_members SET locked = ?, updated_at = ? WHERE {_SELECTED}",  # noqa: S608
            [locked, datetime.now(), campaign_id, ids],
        )
        audit.record(con, access, "campaign.lock", {"campaign_id": campaign_id, "people": len(ids), "locked": locked})
    return version


def set_notes(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, person_id: int, notes: str, expected_version: int
) -> int:
    """Replace one member's notes."""
    ids = [int(person_id)]
    with editing(con, access, campaign_id, expected_version, "writing notes on a campaign") as version:
        _require_on_list(_on_list(con, campaign_id, ids), ids)
        _log(con, access, campaign_id, ids, "notes", "notes", notes)
        con.execute(
            f"UPDATE campaign_members SET notes = ?, updated_at = ? WHERE {_SELECTED}",  # noqa: S608
            [notes, datetime.now(), campaign_id, ids],
        )
        audit.record(con, access, "campaign.notes", {"campaign_id": campaign_id, "people": 1})
    return version


def transition_problems(current: dict[int, tuple[str, bool, str]], status: str) -> list[str]:
    """Why each of these members cannot move to `status` (empty when all can)."""
    problems = []
    for old, _locked, name in current.values():
        if status not in TRANSITIONS[old]:
            allowed = " or ".join(STATUSES[s] for s in TRANSITIONS[old])
            problems.append(f"{name} cannot go from {STATUSES[old]} to {STATUSES[status]}: allowed is {allowed}.")
    return problems


def _cleared(old_statuses: set[str], status: str) -> list[str]:
    """Date columns to empty when members step back to `status`: those of the statuses they leave behind."""
    if not any(BACK.get(old) == status for old in old_statuses):
        return []
    keep = STATUS_DATES.get(status)
    return sorted({STATUS_DATES[old] for old in old_statuses if old in STATUS_DATES and STATUS_DATES[old] != keep})


def set_status(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    status: str,
    expected_version: int,
) -> int:
    """Move members to the next status, or one step back to undo a mis-click (one or many at once; the history
    records either); an invalid move for anyone refuses them all."""
    if status not in STATUSES:
        raise InvalidTransition(f"Unknown status {status!r}; use one of {', '.join(STATUSES.values())}.")
    ids = _ids(person_ids)
    with editing(con, access, campaign_id, expected_version, "changing member statuses") as version:
        current = _on_list(con, campaign_id, ids)
        _require_on_list(current, ids)
        if problems := transition_problems(current, status):
            more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
            raise InvalidTransition(" ".join(problems[:5]) + more + " Nobody's status was changed.")
        _log(con, access, campaign_id, ids, "status", "status", status)
        date_column = STATUS_DATES.get(status)
        stamp = f", {date_column} = ?" if date_column else ""
        # Only a tracked post links to one: any change of status by hand leaves no post link behind.
        cleared = "".join(
            f", {column} = NULL" for column in (*_cleared({old for old, _, _ in current.values()}, status), "post_url")
        )
        now = datetime.now()
        con.execute(
            f"UPDATE campaign_members SET status = ?, updated_at = ?{stamp}{cleared} WHERE {_SELECTED}",  # noqa: S608
            [status, now, *([now] if date_column else []), campaign_id, ids],
        )
        audit.record(con, access, "campaign.status", {"campaign_id": campaign_id, "people": len(ids), "status": status})
    return version


def set_estimates(
    con: duckdb.DuckDBPyConnection, campaign_id: int, expected: dict[int, tuple[float, float, float]]
) -> None:
    """Give listed people new expected mentions (person_id -> mean, low, high) inside the caller's transaction,
    after the campaign's settings they depend on changed; what people did on the list is untouched."""
    if not expected:
        return
    ids, estimates = list(expected), list(expected.values())
    con.execute(
        "UPDATE campaign_members SET expected_mentions = n.expected, expected_low = n.low, expected_high = n.high "
        "FROM (SELECT unnest(?::BIGINT[]) AS person_id, unnest(?::DOUBLE[]) AS expected, unnest(?::DOUBLE[]) AS low, "
        "unnest(?::DOUBLE[]) AS high) n "
        "WHERE campaign_members.campaign_id = ? AND campaign_members.person_id = n.person_id",
        [ids, *(list(column) for column in zip(*estimates, strict=True)), campaign_id],
    )


_ESTIMATE_COLUMNS = ("person_id", "suggested_rank", "expected_mentions", "expected_low", "expected_high")


def replace_suggestions(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, old: list[int], chosen: pl.DataFrame
) -> None:
    """Swap the old unlocked suggestions for the new ones (`chosen`: person_id, suggested_rank, expected_mentions,
    expected_low, expected_high)
    inside the caller's transaction: people suggested again keep their row (and the date they were first
    suggested) with the new rank and estimate; who came and who went is logged."""
    new_ids = chosen["person_id"].to_list()
    dropped = sorted(set(old) - set(new_ids))
    fresh = chosen.filter(~pl.col("person_id").is_in(old))
    again = chosen.filter(pl.col("person_id").is_in(old))
    now = datetime.now()
    con.execute(
        "INSERT INTO campaign_member_history SELECT ?, unnest(?::BIGINT[]), ?, ?, 'suggested', 'suggested', NULL",
        [campaign_id, dropped, now, access.user],
    )
    con.execute(
        "DELETE FROM campaign_members WHERE campaign_id = ? AND person_id IN (SELECT unnest(?::BIGINT[]))",
        [campaign_id, dropped],
    )
    con.execute(
        "UPDATE campaign_members SET suggested_rank = n.suggested_rank, expected_mentions = n.expected, "
        "expected_low = n.low, expected_high = n.high, updated_at = ? "
        "FROM (SELECT unnest(?::BIGINT[]) AS person_id, unnest(?::INTEGER[]) AS suggested_rank, "
        "unnest(?::DOUBLE[]) AS expected, unnest(?::DOUBLE[]) AS low, unnest(?::DOUBLE[]) AS high) n "
        "WHERE campaign_members.campaign_id = ? AND campaign_members.person_id = n.person_id",
        [now, *(again[c].to_list() for c in _ESTIMATE_COLUMNS), campaign_id],
    )
    con.execute(
        "INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, suggested_rank, "
        "expected_mentions, expected_low, expected_high, notes, added_at, updated_at) SELECT ?, "
        "unnest(?::BIGINT[]), 'suggested', false, 'suggested', unnest(?::INTEGER[]), unnest(?::DOUBLE[]), "
        "unnest(?::DOUBLE[]), unnest(?::DOUBLE[]), '', ?, ?",
        [campaign_id, *(fresh[c].to_list() for c in _ESTIMATE_COLUMNS), now, now],
    )
    con.execute(
        "INSERT INTO campaign_member_history SELECT ?, unnest(?::BIGINT[]), ?, ?, 'added', NULL, 'suggested'",
        [campaign_id, fresh["person_id"].to_list(), now, access.user],
    )


def add_finished_list(con: duckdb.DuckDBPyConnection, campaign_id: int, listed: pl.DataFrame) -> None:
    """Put a whole list, statuses and dates included, on a new campaign inside the caller's transaction (the demo
    world's past campaigns): origin 'suggested', unlocked, no notes and no history, as nobody changed it here.

    `listed`: person_id, status, suggested_rank, expected_mentions, expected_low, expected_high, added_at,
    invited_at, responded_at, shipped_at, posted_at, post_url, updated_at.
    """
    con.register("_finished_list", listed)
    try:
        con.execute(
            """
            INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, suggested_rank,
                expected_mentions, expected_low, expected_high, notes, added_at, invited_at, responded_at,
                shipped_at, posted_at, post_url, updated_at)
            SELECT ?, person_id, status, false, 'suggested', suggested_rank, expected_mentions, expected_low,
                   expected_high, '', added_at, invited_at, responded_at, shipped_at, posted_at, post_url, updated_at
            FROM _finished_list
            """,
            [campaign_id],
        )
    finally:
        con.unregister("_finished_list")


def set_cost(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    cost: float | None,
    expected_version: int,
) -> int:
    """Give members their own fee or perk value (None: back to the campaign's cost per perk); only those whose cost
    this changes are updated and get a history row, and a change of nobody's is refused as such."""
    if cost is not None and not cost > 0:
        raise CampaignError("A member's cost must be more than 0 (or clear it to use the campaign's cost per perk).")
    ids = _ids(person_ids)
    with editing(con, access, campaign_id, expected_version, "setting what members cost") as version:
        _require_on_list(_on_list(con, campaign_id, ids), ids)
        changing = [
            person
            for (person,) in rows(
                con,
                f"SELECT person_id FROM campaign_members WHERE {_SELECTED} AND cost IS DISTINCT FROM ?",  # noqa: S608
                [campaign_id, ids, cost],
            )
        ]
        if not changing:
            one = len(ids) == 1
            who = "the selected person" if one else f"all {len(ids):,} selected people"
            has = (f"cost{'s' if one else ''} {cost:g}" if cost is not None
                   else f"use{'s' if one else ''} the campaign's cost per perk")  # fmt: skip
            raise CampaignError(f"Nothing changed: {who} already {has}.")
        ids = changing
        _log(con, access, campaign_id, ids, "cost", "format('{:g}', cost)", None if cost is None else f"{cost:g}")
        con.execute(
            f"UPDATE campaign_members SET cost = ?, updated_at = ? WHERE {_SELECTED}",  # noqa: S608
            [cost, datetime.now(), campaign_id, ids],
        )
        audit.record(con, access, "campaign.cost", {"campaign_id": campaign_id, "people": len(ids), "cost": cost})
    return version


def spent(con: duckdb.DuckDBPyConnection, campaign_id: int) -> float:
    """What the people on the list who use a perk (not NO_PERK) cost, open suggestions left out (their own cost,
    else the campaign's)."""
    return float(
        rows(
            con,
            "SELECT coalesce(sum(coalesce(m.cost, c.cost_per_perk)), 0) FROM campaign_members m "
            "JOIN campaigns c USING (campaign_id) WHERE m.campaign_id = ? "
            "AND m.status NOT IN (SELECT unnest(?::VARCHAR[])) "
            "AND NOT (m.status = 'suggested' AND NOT m.locked AND m.origin = 'suggested')",
            [campaign_id, list(NO_PERK)],
        )[0][0]
    )


def awaiting_post(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Members of live campaigns who have (or agreed to) the perk and are not marked posted yet: campaign_id,
    person_id, and the period a mention of theirs counts in ([starts, ends) incl. the follow-up)."""
    return con.sql(
        """
        SELECT m.campaign_id, m.person_id, c.starts_on::TIMESTAMP AS starts,
               c.ends_on::TIMESTAMP + to_days(1 + c.follow_up_days) AS ends
        FROM campaign_members m JOIN campaigns c USING (campaign_id)
        WHERE c.archived_at IS NULL AND m.status IN (SELECT unnest(?::VARCHAR[]))
        """,
        params=[list(AWAITING_POST)],
    ).pl()


def mark_posted(con: duckdb.DuckDBPyConnection, found: pl.DataFrame) -> int:
    """Mark members posted by the tracked post that shows it, inside the caller's transaction (a refresh or an
    import that brought the post): `found` holds campaign_id, person_id, posted_at and post_url of each one's first
    tracked mention. Each change is in the history as made by TRACKER and bumps the campaign's version.
    Returns how many members were marked."""
    if found.is_empty():
        return 0
    now = datetime.now()
    con.register("_tracked_posts", found)
    try:
        con.execute(
            "INSERT INTO campaign_member_history SELECT m.campaign_id, m.person_id, ?, ?, 'status', m.status, "
            "'posted' FROM campaign_members m JOIN _tracked_posts f USING (campaign_id, person_id) "
            "WHERE m.status IN (SELECT unnest(?::VARCHAR[]))",
            [now, TRACKER, list(AWAITING_POST)],
        )
        marked = rows(
            con,
            "UPDATE campaign_members SET status = 'posted', posted_at = f.posted_at, post_url = f.post_url, "
            "updated_at = ? FROM _tracked_posts f WHERE campaign_members.campaign_id = f.campaign_id "
            "AND campaign_members.person_id = f.person_id AND campaign_members.status IN "
            "(SELECT unnest(?::VARCHAR[])) RETURNING campaign_members.campaign_id",
            [now, list(AWAITING_POST)],
        )
    finally:
        con.unregister("_tracked_posts")
    return len(marked)


def person_campaigns(con: duckdb.DuckDBPyConnection, access: Access, person_id: int) -> pl.DataFrame:
    """The campaigns of the caller's workspace the person is on (removed left out, archived too), newest first:
    campaign_id, name, brand, starts_on, ends_on, status, expected_mentions, cost, posted_at, post_url."""
    return con.sql(
        """
        SELECT c.campaign_id, c.name, c.brand, c.starts_on, c.ends_on, m.status, m.expected_mentions,
               coalesce(m.cost, c.cost_per_perk) AS cost, m.posted_at, m.post_url
        FROM campaign_members m JOIN campaigns c USING (campaign_id)
        WHERE m.person_id = ? AND c.workspace_id = ? AND c.archived_at IS NULL AND m.status <> 'removed'
        ORDER BY c.starts_on DESC, c.campaign_id DESC
        """,
        params=[person_id, access.workspace_id],
    ).pl()
