"""What a demo rebuild carries from the old warehouse into the new world, so it never loses a workspace's own
records or who may use the warehouse.

Kept as they were (the new world's rows of these tables are replaced): workspaces, members, instance operators,
the audit log and the suppression list with its secret; everyone on that list is then erased from the new world.

Kept and re-keyed into the new world (added beside the demo campaigns the new world brings, which are the demo
brands' past campaigns and are regenerated, not kept): every campaign a workspace made itself (source NULL)
with its settings, terms, members and member history, and every topic correction. Campaigns get new ids after
the new world's own. People and posts get new ids in a new world, so a member or a history row follows its
person to the new world by one of their accounts' (network, external id), and a correction follows its post by
the post's (network, external id); members, history rows and corrections whose person or post is not in the new
world are dropped (the campaign itself, its settings and terms are always kept). A rebuild with the same seed
makes the same accounts and posts, so then nothing is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from core import privacy
from core.db import warehouse
from core.db.warehouse import registered, scalar

# Who may use the warehouse and what happened to it: a rebuild of the demo world must not lose these.
KEPT_ACROSS_REBUILDS = (
    "workspaces",
    "workspace_members",
    "sign_in_subjects",
    "instance_operators",
    "audit_log",
    "suppressed_keys",
)
_OWN_CAMPAIGNS = "SELECT campaign_id FROM campaigns WHERE source IS NULL"


@dataclass(frozen=True)
class Kept:
    """What was read from the old warehouse before a rebuild.

    `tables`: whole tables that replace the new world's rows; `records`: the workspaces' own campaigns and
    corrections, with the (network, external id) keys of the people and posts they refer to.
    """

    tables: dict[str, pl.DataFrame]
    records: dict[str, pl.DataFrame]


def kept_tables(con: duckdb.DuckDBPyConnection) -> Kept:
    """Read everything a rebuild keeps (see the module docstring) from the current warehouse."""
    tables = {t: con.sql(f"SELECT * FROM {t}").pl() for t in KEPT_ACROSS_REBUILDS}  # noqa: S608 - fixed names
    tables["warehouse_meta"] = con.sql("SELECT * FROM warehouse_meta WHERE key = ?", params=[privacy.SECRET_KEY]).pl()
    own = f"campaign_id IN ({_OWN_CAMPAIGNS})"
    people = (
        "SELECT DISTINCT person_id, network::VARCHAR AS network, external_id FROM accounts WHERE person_id IN "  # noqa: S608
        f"(SELECT person_id FROM campaign_members WHERE {own} "
        f"UNION SELECT person_id FROM campaign_member_history WHERE {own} "
        "UNION SELECT person_id FROM person_topic_removals)"
    )
    records = {
        "campaigns": con.sql("SELECT * FROM campaigns WHERE source IS NULL").pl(),
        "terms": con.sql(f"SELECT * FROM campaign_terms WHERE {own}").pl(),  # noqa: S608 - fixed text
        "members": con.sql(f"SELECT * FROM campaign_members WHERE {own}").pl(),  # noqa: S608
        "history": con.sql(f"SELECT * FROM campaign_member_history WHERE {own}").pl(),  # noqa: S608
        "person_keys": con.sql(people).pl(),
        "corrections": con.sql(
            "SELECT c.*, p.network::VARCHAR AS post_network, p.external_id AS post_external_id "
            "FROM topic_corrections c LEFT JOIN posts p USING (post_id)"
        ).pl(),
        "removals": con.sql("SELECT * FROM person_topic_removals").pl(),
    }
    return Kept(tables, records)


def erasure_list(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    """The suppression list and its secret, read before a rebuild's long build (only an erasure changes them, and
    none runs while a rebuild holds the job lock), so the new world drops the erased before it is scored."""
    return {
        "suppressed_keys": con.sql("SELECT * FROM suppressed_keys").pl(),
        "warehouse_meta": con.sql("SELECT * FROM warehouse_meta WHERE key = ?", params=[privacy.SECRET_KEY]).pl(),
    }


def erase_listed(con: duckdb.DuckDBPyConnection, listed: dict[str, pl.DataFrame]) -> None:
    """Write `listed` (erasure_list) into a new world and erase everyone on it, before the world is scored:
    otherwise the others' scores would count the reactions of people erased on request until the next refresh."""
    with warehouse.transaction(con):
        _replace_tables(con, listed)
    privacy.erase_suppressed(con)


def _replace_tables(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    for table, frame in tables.items():
        with registered(con, {"sway_kept_rows": frame}):
            if table == "warehouse_meta":
                con.execute("INSERT OR REPLACE INTO warehouse_meta SELECT * FROM sway_kept_rows")
            else:
                con.execute(f"DELETE FROM {table}")  # noqa: S608 - names from KEPT_ACROSS_REBUILDS
                con.execute(f"INSERT INTO {table} SELECT * FROM sway_kept_rows")  # noqa: S608


def put_back(con: duckdb.DuckDBPyConnection, kept: Kept) -> None:
    """Write `kept` into a freshly built warehouse (before it is swapped in), in one transaction.

    The new world's own audit entries (e.g. the demo campaigns it loaded) follow the kept ones. Last, the kept
    erasures are applied to the new world (privacy.erase_suppressed), so a person erased before the rebuild is not
    generated again.
    """
    with warehouse.transaction(con):
        own_audit = con.sql("SELECT * EXCLUDE (audit_id) FROM audit_log ORDER BY audit_id").pl()
        _replace_tables(con, kept.tables)
        top = scalar(con, "SELECT coalesce(max(audit_id), 0) FROM audit_log")
        # DuckDB sequences cannot be set: draw ids until the next one is past every kept entry.
        scalar(con, "SELECT max(nextval('audit_ids')) FROM range(?)", [top])
        with registered(con, {"sway_kept_audit": own_audit}):
            con.execute(
                "INSERT INTO audit_log (happened_at, user_email, workspace_id, action, details) "
                "SELECT happened_at, user_email, workspace_id, action, details FROM sway_kept_audit"
            )
        with registered(con, {f"sway_kept_{name}": frame for name, frame in kept.records.items()}):
            _put_back_records(con)
        # A generated world's posts and bios mention brands, not people: should one name an erased handle, the
        # blanking rewrites Discover's copy of it in place, and the next refresh indexes that post again.
        privacy.erase_suppressed(con)


def _put_back_records(con: duckdb.DuckDBPyConnection) -> None:
    """Insert the kept campaigns (new ids), their terms, the members and history whose person is in the new world,
    and the corrections whose post is, each re-keyed to the new world's ids."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sway_campaign_ids AS "
        "SELECT campaign_id AS old_id, nextval('campaign_ids') AS new_id FROM sway_kept_campaigns"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sway_person_ids AS "
        "SELECT k.person_id AS old_id, min(a.person_id) AS new_id FROM sway_kept_person_keys k "
        "JOIN accounts a ON a.network::VARCHAR = k.network AND a.external_id = k.external_id GROUP BY k.person_id"
    )
    con.execute(
        "INSERT INTO campaigns BY NAME SELECT c.* EXCLUDE (campaign_id), i.new_id AS campaign_id "
        "FROM sway_kept_campaigns c JOIN sway_campaign_ids i ON i.old_id = c.campaign_id"
    )
    con.execute(
        "INSERT INTO campaign_terms BY NAME SELECT t.* EXCLUDE (campaign_id), i.new_id AS campaign_id "
        "FROM sway_kept_terms t JOIN sway_campaign_ids i ON i.old_id = t.campaign_id"
    )
    # Two old people on one list could be one person in the new world: the latest-changed row is kept.
    con.execute(
        "INSERT INTO campaign_members BY NAME "
        "SELECT m.* EXCLUDE (campaign_id, person_id), i.new_id AS campaign_id, p.new_id AS person_id "
        "FROM sway_kept_members m JOIN sway_campaign_ids i ON i.old_id = m.campaign_id "
        "JOIN sway_person_ids p ON p.old_id = m.person_id "
        "QUALIFY row_number() OVER (PARTITION BY i.new_id, p.new_id ORDER BY m.updated_at DESC) = 1"
    )
    con.execute(
        "INSERT INTO campaign_member_history BY NAME "
        "SELECT h.* EXCLUDE (campaign_id, person_id), i.new_id AS campaign_id, p.new_id AS person_id "
        "FROM sway_kept_history h JOIN sway_campaign_ids i ON i.old_id = h.campaign_id "
        "JOIN sway_person_ids p ON p.old_id = h.person_id"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE sway_correction_ids AS "
        "SELECT c.correction_id AS old_id, nextval('topic_correction_ids') AS new_id, p.post_id "
        "FROM sway_kept_corrections c JOIN (SELECT network::VARCHAR AS network, external_id, min(post_id) AS post_id "
        "FROM posts GROUP BY ALL) p ON p.network = c.post_network AND p.external_id = c.post_external_id "
        "ORDER BY c.correction_id"
    )
    con.execute(
        "INSERT INTO topic_corrections BY NAME "
        "SELECT c.* EXCLUDE (correction_id, post_id, post_network, post_external_id), i.new_id AS correction_id, "
        "i.post_id FROM sway_kept_corrections c JOIN sway_correction_ids i ON i.old_id = c.correction_id "
        "ORDER BY i.new_id"
    )
    # A topic a workspace removed from a person stays removed in the new world; the post corrections it added
    # follow it under their new ids, so an undo still withdraws them.
    con.execute(
        "INSERT INTO person_topic_removals BY NAME "
        "WITH mapped AS (SELECT u.removal_id, list(i.new_id ORDER BY i.new_id) AS ids "
        "FROM (SELECT removal_id, unnest(correction_ids) AS old_id FROM sway_kept_removals) u "
        "JOIN sway_correction_ids i USING (old_id) GROUP BY u.removal_id) "
        "SELECT r.* EXCLUDE (removal_id, person_id, correction_ids), p.new_id AS person_id, "
        "coalesce(m.ids, []::BIGINT[]) AS correction_ids "
        "FROM sway_kept_removals r JOIN sway_person_ids p ON p.old_id = r.person_id "
        "LEFT JOIN mapped m USING (removal_id) ORDER BY r.removal_id"
    )
    con.execute("DROP TABLE sway_correction_ids")
    con.execute("DROP TABLE sway_campaign_ids")
    con.execute("DROP TABLE sway_person_ids")
