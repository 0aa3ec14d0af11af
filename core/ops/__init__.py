"""User operations: a page (or a CLI command) calls ONE core/ops function per user action.

Each operation takes the lock it needs (core.ops.lock.exclusive for whole-warehouse jobs), runs in one
transaction (core.db.warehouse.transaction, which nests), authorizes against the stored membership, or for
changes to shared data against the stored instance operators (core.workspace.authorize), and writes the audit
log (core.workspace.audit.record) in that same transaction:
refresh, imports, erase, backup, rebuild, retrain, campaigns (create with people, add people, refresh the
suggestions). Single-step edits that already do all of that in their domain module (campaign settings and
member changes in core.campaigns, topic corrections, workspace members) are called there directly.
core.ops.handoff runs the same functions for the command line while the app holds the warehouse.
"""
