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

from core.campaigns.model import STATUS_DATES, STATUSES, TRANSITIONS, CampaignError, InvalidTransition
from core.campaigns.records import editing, get_campaign
from core.db.warehouse import rows
from core.workspace import audit
from core.workspace.access import Access

_SELECTED = "campaign_members.campaign_id = ? AND campaign_members.person_id IN (SELECT unnest(?::BIGINT[]))"
# Who counts as a campaign member when measuring results: people who were contacted and did not decline.
COUNTED = ("invited", "accepted", "perk_shipped", "posted")
# Members whose perk counts as spent: they accepted it.
PERK_GIVEN = ("accepted", "perk_shipped", "posted")


def members(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """The campaign's list (removed people left out), best expected first, with names, handles and scores."""
    get_campaign(con, access, campaign_id)  # not found in this workspace -> nothing is read
    return con.sql(
        """
        SELECT m.person_id, coalesce(d.name, p.name) AS name, d.handles, d.score, d.audience, d.flagged, d.topics,
               m.status, m.locked, m.origin, m.suggested_rank, m.expected_mentions, m.notes, m.added_at,
               m.invited_at, m.responded_at, m.shipped_at, m.posted_at, m.updated_at
        FROM campaign_members m
        JOIN campaigns c USING (campaign_id)
        LEFT JOIN people p USING (person_id)
        LEFT JOIN discovery d USING (person_id)
        WHERE m.campaign_id = ? AND c.workspace_id = ? AND m.status <> 'removed'
        ORDER BY m.expected_mentions DESC NULLS LAST, m.person_id
        """,
        params=[campaign_id, access.workspace_id],
    ).pl()


def counted_members(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> pl.DataFrame:
    """The members results measure (status in COUNTED): person_id, name, handles, status, suggested_rank,
    expected_mentions. Empty for a campaign of another workspace."""
    return con.sql(
        """
        SELECT m.person_id, coalesce(d.name, p.name) AS name, d.handles, m.status, m.suggested_rank,
               m.expected_mentions
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
    kept: int  # of those, the ones still on the list: they use up perks


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
        listed.filter(pl.col("status") != "removed").height - replaceable.height,
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
            f"{len(missing)} of the selected people are not on this campaign's list (person ids "
            f"{', '.join(map(str, missing[:5]))}); reload the page."
        )


def add_members(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    expected_version: int,
    *,
    expected: dict[int, float] | None = None,
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
            raise CampaignError(f"These person ids are not in the warehouse: {unknown[:5]}. Reload Discover.")
        on_list = _on_list(con, campaign_id, ids)
        new = [i for i in ids if i not in on_list]
        if new:
            now = datetime.now()
            estimate = [(expected or {}).get(i) for i in new]
            con.execute(
                "DELETE FROM campaign_members WHERE campaign_id = ? AND person_id IN (SELECT unnest(?::BIGINT[]))",
                [campaign_id, new],
            )
            con.execute(
                "INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, expected_mentions, "
                "notes, added_at, updated_at) SELECT ?, unnest(?::BIGINT[]), 'suggested', false, 'added', "
                "unnest(?::DOUBLE[]), '', ?, ?",
                [campaign_id, new, estimate, now, now],
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
            allowed = " or ".join(STATUSES[s] for s in TRANSITIONS[old]) or "nothing (it is the last step)"
            problems.append(f"{name} cannot go from {STATUSES[old]} to {STATUSES[status]}: next is {allowed}.")
    return problems


def set_status(
    con: duckdb.DuckDBPyConnection,
    access: Access,
    campaign_id: int,
    person_ids: Sequence[int],
    status: str,
    expected_version: int,
) -> int:
    """Move members to the next status (one or many at once); an invalid move for anyone refuses them all."""
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
        now = datetime.now()
        con.execute(
            f"UPDATE campaign_members SET status = ?, updated_at = ?{stamp} WHERE {_SELECTED}",  # noqa: S608
            [status, now, *([now] if date_column else []), campaign_id, ids],
        )
        audit.record(con, access, "campaign.status", {"campaign_id": campaign_id, "people": len(ids), "status": status})
    return version


def replace_suggestions(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, old: list[int], chosen: pl.DataFrame
) -> None:
    """Swap the old unlocked suggestions for the new ones (`chosen`: person_id, suggested_rank, expected_mentions)
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
        "updated_at = ? FROM (SELECT unnest(?::BIGINT[]) AS person_id, unnest(?::INTEGER[]) AS suggested_rank, "
        "unnest(?::DOUBLE[]) AS expected) n WHERE campaign_members.campaign_id = ? "
        "AND campaign_members.person_id = n.person_id",
        [
            now,
            again["person_id"].to_list(),
            again["suggested_rank"].to_list(),
            again["expected_mentions"].to_list(),
            campaign_id,
        ],
    )
    con.execute(
        "INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, suggested_rank, "
        "expected_mentions, notes, added_at, updated_at) SELECT ?, unnest(?::BIGINT[]), 'suggested', false, "
        "'suggested', unnest(?::INTEGER[]), unnest(?::DOUBLE[]), '', ?, ?",
        [
            campaign_id,
            fresh["person_id"].to_list(),
            fresh["suggested_rank"].to_list(),
            fresh["expected_mentions"].to_list(),
            now,
            now,
        ],
    )
    con.execute(
        "INSERT INTO campaign_member_history SELECT ?, unnest(?::BIGINT[]), ?, ?, 'added', NULL, 'suggested'",
        [campaign_id, fresh["person_id"].to_list(), now, access.user],
    )


def add_finished_list(con: duckdb.DuckDBPyConnection, campaign_id: int, listed: pl.DataFrame) -> None:
    """Put a whole list, statuses and dates included, on a new campaign inside the caller's transaction (the demo
    world's past campaigns): origin 'suggested', unlocked, no notes and no history, as nobody changed it here.

    `listed`: person_id, status, suggested_rank, expected_mentions, added_at, invited_at, responded_at,
    shipped_at, posted_at, updated_at.
    """
    con.register("_finished_list", listed)
    try:
        con.execute(
            """
            INSERT INTO campaign_members (campaign_id, person_id, status, locked, origin, suggested_rank,
                expected_mentions, notes, added_at, invited_at, responded_at, shipped_at, posted_at, updated_at)
            SELECT ?, person_id, status, false, 'suggested', suggested_rank, expected_mentions, '', added_at,
                   invited_at, responded_at, shipped_at, posted_at, updated_at
            FROM _finished_list
            """,
            [campaign_id],
        )
    finally:
        con.unregister("_finished_list")
