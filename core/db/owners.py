"""Who may write each warehouse table: one owning module per table, and the few documented exceptions.

The owner alone inserts, updates and deletes a table's rows, and offers the reads that carry its rules (which
score run is current, who counts as a campaign member, what the latest load is); other modules call those
rather than re-deriving them. tests/unit/test_table_owners.py checks every SQL write in the code against this.
"""

from __future__ import annotations

from core.db.warehouse import CORE_TABLES

# table -> the module (dotted name) that alone may write it.
OWNERS: dict[str, str] = {
    # The warehouse itself: its migrations, its key/value facts and the record of every load.
    "schema_migrations": "core.db.warehouse",
    "warehouse_meta": "core.db.warehouse",
    "load_log": "core.db.warehouse",
    # What was loaded: only an import adds rows (see FRESH_WAREHOUSE_BUILDERS for the demo world).
    **dict.fromkeys(CORE_TABLES, "core.ingest.load"),
    "account_former_handles": "core.ingest.load",  # kept as a live network renames an account
    # The demo world's planted truth, written once when the world is built.
    **dict.fromkeys(
        ("truth_people", "truth_posts", "truth_gaming", "demo_brands", "demo_campaigns", "demo_campaign_members"),
        "core.demo.write",
    ),
    # A score refresh (or backfill) and everything it stores.
    **dict.fromkeys(
        (
            "score_runs",
            "scores",
            "score_history",
            "score_explanations",
            "score_top_posts",
            "authenticity",
            "authenticity_flags",
        ),
        "core.scoring.runs",
    ),
    "post_topics": "core.topics.tagging",
    "post_tagging": "core.topics.tagging",
    "topic_influence": "core.topics.influence",
    "topic_evidence": "core.topics.influence",
    "topic_corrections": "core.topics.corrections",
    "person_topic_removals": "core.topics.removals",
    **dict.fromkeys(
        (
            "discovery",
            "discovery_topic_slots",
            "discovery_accounts",
            "profile_reactions",
            "discovery_builds",
        ),
        "core.discover.build",
    ),
    **dict.fromkeys(("discovery_terms", "discovery_documents", "discovery_text_stats"), "core.discover.index"),
    "workspaces": "core.workspace.membership",
    "workspace_members": "core.workspace.membership",
    "sign_in_subjects": "core.workspace.membership",
    "audit_log": "core.workspace.audit",
    # Granted on the command line only: no page or ui module may write it.
    "instance_operators": "core.workspace.operators",
    "campaigns": "core.campaigns.records",
    "campaign_terms": "core.campaigns.records",
    "campaign_members": "core.campaigns.members",
    "campaign_member_history": "core.campaigns.members",
    "suppressed_keys": "core.privacy",
    # A live network's bookkeeping: which lake segments are loaded, the record behind each collected interaction,
    # deletions seen, accounts hidden, how far the lake is scrubbed of erased people. The collected rows themselves
    # go through core.ingest.load like an import's.
    **dict.fromkeys(
        ("collect_segments", "collect_records", "collect_deleted", "collect_hidden", "collect_lake_scrubs"),
        "core.collect.ingest",
    ),
}

# The exceptions: module -> tables it may write besides its own, each with why. Keep them few.
# Builders of a fresh warehouse write into a new, empty file that warehouse.rebuild (or the restore) swaps in
# only once it is complete, so no reader ever sees their rows half written and there is nothing to match:
# - the demo generator fills the core tables (build_demo refuses a file that holds any);
# - a restore loads every table from the backup's checked files, and an erasure copies every table into the new
#   file it rewrites the warehouse into, so no byte of the erased rows is left (core/backups/folder.py);
# - a demo rebuild puts back the workspaces, members, operators, audit log and suppressions it keeps across, and
#   the workspaces' own campaigns, topic corrections and topic removals re-keyed to the new world
#   (core/backups/carry.py).
FRESH_WAREHOUSE_BUILDERS: dict[str, frozenset[str]] = {
    "core.demo.write": frozenset(CORE_TABLES),
    "core.backups.folder": frozenset(OWNERS),
    "core.backups.carry": frozenset(
        {
            "workspaces",
            "workspace_members",
            "sign_in_subjects",
            "instance_operators",
            "audit_log",
            "suppressed_keys",
            "warehouse_meta",
            "campaigns",
            "campaign_terms",
            "campaign_members",
            "campaign_member_history",
            "topic_corrections",
            "person_topic_removals",
        }
    ),
}
# Erasure deletes a person's rows from every table that refers to them (and unlinks replies to their posts), found
# by reading the catalog, so a new person-keyed table is covered without anyone remembering to add it.
CATALOG_ERASURE = "core.privacy"
ERASURE_STATEMENTS = frozenset({"DELETE", "UPDATE"})


def may_write(module: str, table: str, statement: str) -> bool:
    """True when `module` may run `statement` (INSERT, UPDATE, DELETE, ...) on `table`: it owns the table, or one
    of the exceptions above allows it."""
    if OWNERS.get(table) == module or (module == CATALOG_ERASURE and statement in ERASURE_STATEMENTS):
        return True
    return table in FRESH_WAREHOUSE_BUILDERS.get(module, frozenset())
