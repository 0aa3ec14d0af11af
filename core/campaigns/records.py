"""Campaigns of a workspace: create, read, edit, archive and restore, each scoped by the caller's Access.

Every statement filters on the workspace, so another workspace's campaign is "not found", never readable.
Every change runs in one transaction that first bumps the campaign's version from the one the writer saw:
if someone saved in between, the writer gets StaleCampaign ("reload") and nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

import duckdb
import polars as pl

from core.campaigns.model import (
    STATUSES,
    Campaign,
    CampaignError,
    CampaignNotFound,
    CampaignSpec,
    StaleCampaign,
    stage,
)
from core.campaigns.terms import KINDS, Term
from core.db.warehouse import rows, scalar, transaction
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize

_COLUMNS = (
    "campaign_id, workspace_id, name, brand, perk, cost_per_perk, budget, perks, target_topics, min_score, "
    "min_audience, networks, include_flagged, starts_on, ends_on, follow_up_days, expected_lift, source, version, "
    "created_by, created_at, updated_by, updated_at, archived_at"
)
_SPEC_COLUMNS = (
    "name",
    "brand",
    "perk",
    "cost_per_perk",
    "budget",
    "perks",
    "target_topics",
    "min_score",
    "min_audience",
    "networks",
    "include_flagged",
    "starts_on",
    "ends_on",
    "follow_up_days",
    "expected_lift",
)


def _spec_values(spec: CampaignSpec) -> list:
    return [
        spec.name.strip(),
        spec.brand.strip(),
        spec.perk.strip(),
        float(spec.cost_per_perk),
        spec.budget,
        spec.perks,
        list(spec.target_topics),
        int(spec.min_score),
        int(spec.min_audience),
        list(spec.networks),
        bool(spec.include_flagged),
        spec.starts_on,
        spec.ends_on,
        int(spec.follow_up_days),
        float(spec.expected_lift),
    ]


def _check(spec: CampaignSpec) -> None:
    if problems := spec.problems():
        raise CampaignError(" ".join(problems))


def _write_terms(con: duckdb.DuckDBPyConnection, campaign_id: int, terms: tuple[Term, ...]) -> None:
    con.execute("DELETE FROM campaign_terms WHERE campaign_id = ?", [campaign_id])
    con.execute(
        "INSERT INTO campaign_terms SELECT ?, unnest(?::VARCHAR[]), unnest(?::VARCHAR[])",
        [campaign_id, [t.kind for t in terms], [t.term for t in terms]],
    )


def create_campaign(
    con: duckdb.DuckDBPyConnection, access: Access, spec: CampaignSpec, *, source: str | None = None
) -> int:
    """Store a new campaign in the caller's workspace (editors only); returns its id."""
    with transaction(con):
        authorize(con, access, "editor", "creating a campaign")
        campaign_id = insert_campaign(con, access, spec, source=source)
        audit.record(con, access, "campaign.create", {"campaign_id": campaign_id, "name": spec.name})
    return campaign_id


def insert_campaign(
    con: duckdb.DuckDBPyConnection, access: Access, spec: CampaignSpec, *, source: str | None = None
) -> int:
    """The INSERT of create_campaign, for callers that hold their own transaction and have authorized the
    change (the demo import acts for the local workspace at build time)."""
    _check(spec)
    now = datetime.now()
    campaign_id = scalar(
        con,
        f"INSERT INTO campaigns (workspace_id, {', '.join(_SPEC_COLUMNS)}, source, version, created_by, "  # noqa: S608
        f"created_at, updated_by, updated_at) VALUES (?, {', '.join('?' for _ in _SPEC_COLUMNS)}, ?, 1, ?, ?, ?, ?) "
        "RETURNING campaign_id",
        [access.workspace_id, *_spec_values(spec), source, access.user, now, access.user, now],
    )
    _write_terms(con, campaign_id, spec.terms)
    return campaign_id


def _campaign(row: tuple, terms: tuple[Term, ...], counts: dict[str, int]) -> Campaign:
    values = dict(zip([c.strip() for c in _COLUMNS.split(",")], row, strict=True))
    spec = CampaignSpec(terms=terms, **{c: values[c] for c in _SPEC_COLUMNS})
    return Campaign(
        campaign_id=values["campaign_id"],
        workspace_id=values["workspace_id"],
        spec=spec,
        version=values["version"],
        source=values["source"],
        created_by=values["created_by"],
        created_at=values["created_at"],
        updated_by=values["updated_by"],
        updated_at=values["updated_at"],
        archived_at=values["archived_at"],
        counts=counts,
    )


def get_campaign(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, *, include_archived: bool = False
) -> Campaign:
    """One campaign of the caller's workspace; CampaignNotFound if it is not there (or archived, unless asked)."""
    found = rows(
        con,
        f"SELECT {_COLUMNS} FROM campaigns WHERE campaign_id = ? AND workspace_id = ?",  # noqa: S608 - fixed columns
        [campaign_id, access.workspace_id],
    )
    if not found or (found[0][-1] is not None and not include_archived):
        raise CampaignNotFound(
            f"Campaign {campaign_id} does not exist in this workspace (it may have been deleted). Pick another one."
        )
    terms = tuple(
        Term(kind, term)
        for kind, term in rows(
            con,
            "SELECT kind, term FROM campaign_terms WHERE campaign_id = ? "
            "ORDER BY list_position(?::VARCHAR[], kind), term",
            [campaign_id, list(KINDS)],
        )
    )
    counts = dict(
        rows(
            con,
            "SELECT status, count(*) FROM campaign_members WHERE campaign_id = ? AND status <> 'removed' GROUP BY 1",
            [campaign_id],
        )
    )
    return _campaign(found[0], terms, counts)


def list_campaigns(con: duckdb.DuckDBPyConnection, access: Access, *, archived: bool = False) -> pl.DataFrame:
    """The workspace's campaigns (or its archived ones), newest start first, with member counts per status."""
    status_columns = ", ".join(f"count(*) FILTER (WHERE m.status = '{s}') AS {s}" for s in STATUSES)
    return con.sql(
        f"""
        SELECT c.campaign_id, c.name, c.brand, c.perk, c.starts_on, c.ends_on, c.version, c.archived_at,
               count(m.person_id) FILTER (WHERE m.status <> 'removed') AS members, {status_columns}
        FROM campaigns c LEFT JOIN campaign_members m USING (campaign_id)
        WHERE c.workspace_id = ? AND (c.archived_at IS NOT NULL) = ?
        GROUP BY ALL ORDER BY c.starts_on DESC, c.campaign_id DESC
        """,  # noqa: S608 - fixed status names
        params=[access.workspace_id, archived],
    ).pl()


def campaign_names(con: duckdb.DuckDBPyConnection, access: Access) -> dict[int, str]:
    """Every campaign of the workspace (archived ones too) by id: its name, for logs that recorded only the id."""
    return dict(
        con.execute("SELECT campaign_id, name FROM campaigns WHERE workspace_id = ?", [access.workspace_id]).fetchall()
    )


def stages(campaigns: pl.DataFrame, today: date) -> pl.Series:
    """The stage (core.campaigns.model.stage) of each campaign of a list_campaigns frame on `today`."""
    return pl.Series(
        "stage",
        [
            stage(row["starts_on"], row["ends_on"], {s: row[s] for s in STATUSES}, today)
            for row in campaigns.iter_rows(named=True)
        ],
        dtype=pl.String,
    )


@contextmanager
def editing(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, expected_version: int, action: str
) -> Iterator[int]:
    """A transaction for changing a campaign the writer saw at `expected_version`; yields the new version.

    The version bump comes first, so a concurrent writer either finds the version moved (StaleCampaign) or
    collides in DuckDB's own conflict check, which is reported the same way; either way nothing is written.
    """
    try:
        with transaction(con):
            authorize(con, access, "editor", action)
            now = datetime.now()
            bumped = rows(
                con,
                "UPDATE campaigns SET version = version + 1, updated_by = ?, updated_at = ? "
                "WHERE campaign_id = ? AND workspace_id = ? AND version = ? AND archived_at IS NULL RETURNING version",
                [access.user, now, campaign_id, access.workspace_id, expected_version],
            )
            if not bumped:
                raise _why_not(con, access, campaign_id)
            yield bumped[0][0]
    except duckdb.TransactionException as exc:
        raise StaleCampaign(
            "Someone else is saving this campaign at the same moment, so your change was not saved. "
            "Reload the page to see their change, then make yours again."
        ) from exc


def _why_not(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> CampaignError:
    found = rows(
        con,
        "SELECT updated_by, updated_at, archived_at FROM campaigns WHERE campaign_id = ? AND workspace_id = ?",
        [campaign_id, access.workspace_id],
    )
    if not found:
        return CampaignNotFound(f"Campaign {campaign_id} does not exist in this workspace. Pick another one.")
    by, at, archived = found[0]
    if archived is not None:
        return CampaignError("This campaign was deleted (archived). Restore it from the archive to change it.")
    return StaleCampaign(
        f"{by} saved this campaign at {at:%H:%M:%S}, after you loaded it, so your change was not saved "
        "(nothing was overwritten). Reload the page to see their changes, then make yours again."
    )


def update_campaign(
    con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, spec: CampaignSpec, expected_version: int
) -> int:
    """Replace a campaign's settings and tracking terms; returns the new version."""
    _check(spec)
    with editing(con, access, campaign_id, expected_version, "editing a campaign") as version:
        con.execute(
            f"UPDATE campaigns SET {', '.join(f'{c} = ?' for c in _SPEC_COLUMNS)} WHERE campaign_id = ?",  # noqa: S608
            [*_spec_values(spec), campaign_id],
        )
        _write_terms(con, campaign_id, spec.terms)
        audit.record(con, access, "campaign.edit", {"campaign_id": campaign_id, "version": version})
    return version


def archive_campaign(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int, expected_version: int) -> None:
    """Delete a campaign by archiving it: hidden from lists and results, restorable with restore_campaign."""
    with editing(con, access, campaign_id, expected_version, "deleting a campaign") as version:
        con.execute(
            "UPDATE campaigns SET archived_at = ?, archived_by = ? WHERE campaign_id = ?",
            [datetime.now(), access.user, campaign_id],
        )
        audit.record(con, access, "campaign.archive", {"campaign_id": campaign_id, "version": version})


def restore_campaign(con: duckdb.DuckDBPyConnection, access: Access, campaign_id: int) -> int:
    """Undo a delete: the archived campaign comes back as it was; returns its new version."""
    with transaction(con):
        authorize(con, access, "editor", "restoring a campaign")
        restored = rows(
            con,
            "UPDATE campaigns SET archived_at = NULL, archived_by = NULL, version = version + 1, updated_by = ?, "
            "updated_at = ? WHERE campaign_id = ? AND workspace_id = ? AND archived_at IS NOT NULL RETURNING version",
            [access.user, datetime.now(), campaign_id, access.workspace_id],
        )
        if not restored:
            raise CampaignNotFound(f"There is no deleted campaign {campaign_id} in this workspace to restore.")
        audit.record(con, access, "campaign.restore", {"campaign_id": campaign_id})
    return restored[0][0]


def tracking_terms(con: duckdb.DuckDBPyConnection, campaign_ids: list[int]) -> dict[int, tuple[Term, ...]]:
    """campaign_id -> its tracking terms, for the mention tracker that serves every workspace after a refresh or
    an import (it reads no settings beyond the terms and writes only through core.campaigns.members)."""
    found: dict[int, list[Term]] = {c: [] for c in campaign_ids}
    for campaign_id, kind, term in rows(
        con,
        "SELECT campaign_id, kind, term FROM campaign_terms WHERE campaign_id IN (SELECT unnest(?::BIGINT[])) "
        "ORDER BY ALL",
        [campaign_ids],
    ):
        found[campaign_id].append(Term(kind, term))
    return {c: tuple(terms) for c, terms in found.items()}


def touch(con: duckdb.DuckDBPyConnection, campaign_ids: list[int], by: str) -> None:
    """Bump the version of campaigns changed by Sway itself (a tracked mention marked members posted), inside the
    caller's transaction, so a marketer who loaded one before is told to reload rather than overwrite it."""
    con.execute(
        "UPDATE campaigns SET version = version + 1, updated_by = ?, updated_at = ? "
        "WHERE campaign_id IN (SELECT unnest(?::BIGINT[]))",
        [by, datetime.now(), campaign_ids],
    )


def workspace_terms(con: duckdb.DuckDBPyConnection, access: Access) -> tuple[Term, ...]:
    """Every tracking term of the workspace's campaigns (deleted ones too): the brands it follows, whose mentions
    tell how often a person posts about brands at all."""
    return tuple(
        Term(kind, term)
        for kind, term in rows(
            con,
            "SELECT DISTINCT t.kind, t.term FROM campaign_terms t JOIN campaigns c USING (campaign_id) "
            "WHERE c.workspace_id = ? ORDER BY ALL",
            [access.workspace_id],
        )
    )
