"""The audit log: one row per thing a user did (imports, refreshes, campaign edits, exports, erasures)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import duckdb
import polars as pl

from core.db.warehouse import transaction
from core.scoring.params import describe_changes
from core.vocabulary import topic_label
from core.workspace.access import LOCAL, LOCAL_USER_WORDS, Access
from core.workspace.authorize import authorize, is_operator


def record(
    con: duckdb.DuckDBPyConnection, access: Access, action: str, details: dict[str, Any], *, shared: bool = False
) -> None:
    """Append an audit entry; `shared=True` for actions on data every workspace shares (no workspace id).

    Call it inside the same transaction as the change it records, so the log never claims an edit that
    was rolled back.
    """
    _insert(con, access.user, None if shared else access.workspace_id, action, details)


def record_shared(con: duckdb.DuckDBPyConnection, user: str, action: str, details: dict[str, Any]) -> None:
    """Append an entry for an action on shared data by `user`, taken outside any workspace (a restore: the
    warehouse whose memberships an Access would be checked against is the one being replaced)."""
    _insert(con, user, None, action, details)


def _insert(
    con: duckdb.DuckDBPyConnection, user: str, workspace_id: int | None, action: str, details: dict[str, Any]
) -> None:
    con.execute(
        "INSERT INTO audit_log (happened_at, user_email, workspace_id, action, details) VALUES (?, ?, ?, ?, ?)",
        [datetime.now(), user, workspace_id, action, json.dumps(details, default=str)],
    )


# What each recorded action means, in the words the Workspace page shows (an unknown code is shown as it is).
ACTION_WORDS: dict[str, str] = {
    "import": "Imported files",
    "import.failed": "An import was refused (nothing was added)",
    "refresh": "Refreshed scores and topics",
    "refresh.failed": "A refresh failed",
    "backup": "Backed up the warehouse",
    "restore": "Restored the warehouse from a backup",
    "demo.rebuild": "Rebuilt the demo world",
    "topics.retrain": "Retrained the topic model",
    "erase": "Erased a person on request",
    "export": "Downloaded an export",
    "topic.correct": "Corrected posts' topics",
    "topic.withdraw": "Withdrew topic corrections",
    "topic.person_remove": "Marked a person's topic as wrong",
    "topic.person_restore": "Gave a person back a topic marked wrong",
    "operator.grant": "Made someone an instance operator",
    "operator.revoke": "Removed an instance operator",
    "sign_in.bind": "Signed in for the first time",
    "sign_in.release": "Released an address's sign-in",
    "workspace.create": "Created a workspace",
    "workspace.currency": "Changed the workspace's currency",
    "member.grant": "Gave a member a role",
    "member.revoke": "Removed a member",
    "campaign.create": "Created a campaign",
    "campaign.edit": "Edited a campaign",
    "campaign.archive": "Archived a campaign",
    "campaign.restore": "Restored an archived campaign",
    "campaign.suggest": "Refreshed a campaign's suggested list",
    "campaign.add_members": "Added people to a campaign",
    "campaign.remove_members": "Removed people from a campaign",
    "campaign.lock": "Locked or unlocked people on a campaign",
    "campaign.notes": "Edited notes on a campaign member",
    "campaign.status": "Changed people's campaign status",
    "campaign.cost": "Set people's perk cost",
}

OUTSIDER = "someone else"  # shown instead of who made a shared-data entry the reader may not read in full

# Shared-data entries (imports, refreshes, backups, erasures) name files, folders and e-mail addresses; an
# admin sees in full only those they made themselves, and of the others only when and what. Not those of their
# workspace's members: an admin can add anyone's address as a member, without that person's consent.
_ENTRIES = """
    WITH seen AS (
        SELECT *, workspace_id = $workspace OR lower(user_email) = lower($user) OR $everything AS told
        FROM audit_log WHERE workspace_id = $workspace OR workspace_id IS NULL
    )
    SELECT happened_at,
           CASE WHEN told THEN user_email ELSE $outsider END AS user_email,
           action,
           CASE WHEN told THEN details::VARCHAR ELSE '{}' END AS details,
           workspace_id IS NULL AS shared
    FROM seen ORDER BY audit_id DESC LIMIT $limit
"""


def last_shared(con: duckdb.DuckDBPyConnection, action: str) -> tuple[datetime, dict[str, Any]] | None:
    """When the latest `action` on shared data happened and its details (None if never): e.g. the last backup."""
    found = con.execute(
        "SELECT happened_at, details FROM audit_log WHERE action = ? AND workspace_id IS NULL "
        "ORDER BY happened_at DESC, audit_id DESC LIMIT 1",
        [action],
    ).fetchone()
    return None if found is None else (found[0], json.loads(found[1]))


def entries(con: duckdb.DuckDBPyConnection, access: Access, *, limit: int = 200) -> pl.DataFrame:
    """The latest audit entries an admin of the workspace may read: its own, and those on shared data.

    Shared-data entries made by anyone else keep their time and action, but not who made them nor their details
    (file names, backup folders). Entries of other workspaces are never returned. Instance operators (the local
    operator, and those in the stored list) run the shared data and see every shared entry in full.
    """
    authorize(con, access, "admin", "reading the audit log")
    return con.sql(
        _ENTRIES,
        params={
            "workspace": access.workspace_id,
            "user": access.user or "",
            "everything": is_operator(con, access),
            "outsider": OUTSIDER,
            "limit": limit,
        },
    ).pl()


def _details_text(action: str, details: str, campaigns: Mapping[int, str]) -> str:
    """An entry's details as 'campaign: Spring (12) · added: 3' (plain text, in the order they were recorded); a
    refresh's scoring changes in the words the Data page uses for them; an erasure's per-table counts as one count
    of tables (their names are the warehouse's, not a marketer's; the stored entry keeps them)."""
    found = json.loads(details or "{}")
    if action == "erase":
        tables = [key for key in found if key not in _ERASURE_TOTALS]
        found = {key: found[key] for key in _ERASURE_TOTALS if key in found} | {"tables": len(tables)}
    if "name" in found and campaigns.get(found.get("campaign_id")) == found["name"]:
        del found["name"]  # the campaign is named already: 'campaign: Spring (12)', not '... · name: Spring'
    return " · ".join(
        f"scoring settings changed: {describe_changes(value)}"
        if key == "changed"
        else f"campaign: {_campaign_text(value, campaigns)}"
        if key == "campaign_id"
        else f"{_KEY_WORDS.get(key, key.replace('_', ' '))}: {_value_text(key, value)}"
        for key, value in found.items()
    )


# Recorded keys whose name alone says little to a marketer (others read well with '_' as a space).
_KEY_WORDS = {
    "marked_posted": "members marked posted by a tracked mention",
    "seconds": "seconds taken",
    "source": "made from",
}


_ERASURE_TOTALS = ("rows_removed", "audit_entries_scrubbed", "mentions_blanked")


def _campaign_text(campaign_id: Any, campaigns: Mapping[int, str]) -> str:
    """A campaign by its name and id; one deleted since (a demo rebuild) by its id alone."""
    name = campaigns.get(campaign_id) if isinstance(campaign_id, int) else None
    return f"{name} ({campaign_id})" if name is not None else f"id {campaign_id} (no longer in this workspace)"


def _value_text(key: str, value: Any) -> str:
    """A recorded value in words: lists joined, counts as 'people 2, accounts 3', topics by their names."""
    if value is None:
        return "–"  # e.g. a new member's earlier role
    if isinstance(value, list):
        return ", ".join(_value_text(key, item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {_value_text(k, v)}" for k, v in value.items()) or "none"
    if key in ("topic", "topics") and isinstance(value, str):
        return topic_label(value)
    if key == "source" and isinstance(value, str) and value.startswith("demo:"):
        return "the demo world's past campaigns"  # demo:12, the id of the demo campaign it was made from
    if isinstance(value, int) and not isinstance(value, bool) and not key.endswith("_id") and key != "seed":
        return f"{value:,}"  # counts: 83,713 training rows; ids and seeds as they are written
    return str(value)


def readable_entries(
    con: duckdb.DuckDBPyConnection, access: Access, *, campaigns: Mapping[int, str], limit: int = 200
) -> pl.DataFrame:
    """entries() as the Workspace page shows them: the action in words, the details as plain text, campaigns by
    name (`campaigns`: the workspace's campaign names by id, from core.campaigns.records.campaign_names)."""
    found = entries(con, access, limit=limit)
    return found.with_columns(
        pl.col("user_email").replace({LOCAL.user: LOCAL_USER_WORDS}),
        pl.col("action").replace_strict(ACTION_WORDS, default=pl.col("action")),
        pl.struct("action", "details")
        .map_elements(lambda entry: _details_text(entry["action"], entry["details"], campaigns), return_dtype=pl.String)
        .alias("details"),  # from the action's code, not the words it becomes beside it
    )


def forget_person(con: duckdb.DuckDBPyConnection, person_id: int) -> int:
    """Take person `person_id` out of every audit entry's details (erasure); returns how many entries changed.

    The log keeps that something happened and counts, never whom it was about. Call it inside the erasure's
    transaction.
    """
    changed = 0
    for audit_id, details in con.execute(
        "SELECT audit_id, details::VARCHAR FROM audit_log WHERE details->>'$.person_id' = ?", [str(person_id)]
    ).fetchall():
        kept = {k: v for k, v in json.loads(details).items() if k != "person_id"}
        con.execute(
            "UPDATE audit_log SET details = ? WHERE audit_id = ?", [json.dumps({**kept, "people": 1}), audit_id]
        )
        changed += 1
    return changed


def record_export(con: duckdb.DuckDBPyConnection, access: Access, file_name: str) -> None:
    """Log that the user downloaded an export (lists of people leave the app this way)."""
    with transaction(con):
        record(con, access, "export", {"file": file_name})
