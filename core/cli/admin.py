"""Command-line subcommands for operators: workspaces and members, instance operators, erasure, backup, restore.

Registered by add_subcommands. The operator has the warehouse file itself, so acts as the local admin.
Backup and erasure run the core/ops functions through core.ops.handoff: while the app holds the warehouse,
they are handed to it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core import progress
from core.db import warehouse
from core.ops import handoff, jobs
from core.ops.backup import restore_backup
from core.privacy import ErasureError
from core.workspace import operators
from core.workspace.access import LOCAL, PermissionDenied
from core.workspace.membership import WorkspaceError, all_workspaces, bootstrap, release_subject

USER_ERRORS = (WorkspaceError, PermissionDenied, ErasureError)  # one line on stderr, exit code 1


def _cmd_workspace_add(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        workspace_id = bootstrap(con, args.name, args.admin, "admin")
    print(f"Workspace '{args.name}' (id {workspace_id}): {args.admin} is an admin.")
    return 0


def _cmd_workspace_grant(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        bootstrap(con, args.workspace, args.email, args.role)
    print(f"{args.email} is now {args.role} in '{args.workspace}'.")
    return 0


def _cmd_workspace_release(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        released = release_subject(con, args.email)
    print(
        f"{args.email} is released: the next account to sign in with it is bound to it."
        if released
        else f"{args.email} was not bound to any account; nothing to release."
    )
    return 0


def _cmd_workspace_list(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        found = all_workspaces(con)
    for workspace_id, name, members in found:
        print(f"{workspace_id:>4}  {name}  ({members} member{'s' if members != 1 else ''})")
    return 0


def _cmd_operator_grant(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        added = operators.grant(con, args.email)
    print(f"{args.email} is {'now' if added else 'already'} an instance operator.")
    return 0


def _cmd_operator_revoke(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        operators.revoke(con, args.email)
    print(f"{args.email} is no longer an instance operator.")
    return 0


def _cmd_operator_list(args: argparse.Namespace) -> int:
    with warehouse.connect() as con:
        found = operators.operators(con)
    if not found:
        print("No instance operators: only this command line can rebuild, import, erase, refresh, retrain and back up.")
    for email, granted_at in found:
        print(f"{email}  (since {granted_at:%Y-%m-%d %H:%M})")
    return 0


def _report(outcome: handoff.Outcome) -> int:
    stream = sys.stdout if outcome.ok else sys.stderr
    for line in outcome.lines:
        print(line if outcome.ok else f"error: {line}", file=stream)
    return 0 if outcome.ok else 1


def _cmd_erase(args: argparse.Namespace) -> int:
    if args.finish:
        return _report(jobs.run("finish_erasure", {}, progress=progress.to_stderr))
    return _report(jobs.run("erase", {"person_id": args.person}, progress=progress.to_stderr))


def _cmd_backup(args: argparse.Namespace) -> int:
    target = str(Path(args.path).expanduser().resolve())
    return _report(jobs.run("backup", {"target": target}, progress=progress.to_stderr))


def _cmd_restore(args: argparse.Namespace) -> int:
    info = restore_backup(Path(args.path), db=warehouse.warehouse_path(), user=LOCAL.user)
    print(info.restored(warehouse.warehouse_path()))
    return 0


def add_subcommands(sub: argparse._SubParsersAction) -> None:
    """Add `workspace`, `operator`, `erase`, `backup` and `restore` to the `python -m core` parser."""
    ws = sub.add_parser("workspace", help="create workspaces and give people roles in them (sign-in mode)")
    ws_sub = ws.add_subparsers(dest="workspace_command", required=True, metavar="ACTION")
    add = ws_sub.add_parser("add", help="create a workspace (or reuse one of that name) with an admin")
    add.add_argument("name", help="the workspace's name, e.g. the brand")
    add.add_argument("--admin", required=True, metavar="EMAIL", help="e-mail address its admin signs in with")
    add.set_defaults(run=_cmd_workspace_add)
    grant = ws_sub.add_parser("grant", help="give someone a role in a workspace")
    grant.add_argument("workspace", help="the workspace's name")
    grant.add_argument("email", help="the e-mail address they sign in with")
    grant.add_argument("role", choices=("viewer", "editor", "admin"))
    grant.set_defaults(run=_cmd_workspace_grant)
    lst = ws_sub.add_parser("list", help="list every workspace with its number of members")
    lst.set_defaults(run=_cmd_workspace_list)
    release = ws_sub.add_parser(
        "release", help="let another identity-provider account sign in with an address (it moved to someone else)"
    )
    release.add_argument("email", help="the e-mail address to release")
    release.set_defaults(run=_cmd_workspace_release)

    op = sub.add_parser(
        "operator",
        help="who may change data every workspace shares: rebuild, import, erase, refresh, retrain, back up",
    )
    op_sub = op.add_subparsers(dest="operator_command", required=True, metavar="ACTION")
    op_grant = op_sub.add_parser("grant", help="make someone an instance operator (signs in with this e-mail)")
    op_grant.add_argument("email", help="the e-mail address they sign in with")
    op_grant.set_defaults(run=_cmd_operator_grant)
    op_revoke = op_sub.add_parser("revoke", help="take the instance operator role away")
    op_revoke.add_argument("email")
    op_revoke.set_defaults(run=_cmd_operator_revoke)
    op_list = op_sub.add_parser("list", help="list the instance operators")
    op_list.set_defaults(run=_cmd_operator_list)

    erase = sub.add_parser(
        "erase", help="erase a person on request: accounts, posts, reactions, scores, list entries (cannot be undone)"
    )
    which = erase.add_mutually_exclusive_group(required=True)
    which.add_argument("--person", type=int, metavar="ID", help="the person's id (on their profile)")
    which.add_argument(
        "--finish",
        action="store_true",
        help="redo the rewrite of the warehouse file an earlier erasure could not complete (e.g. on a full disk)",
    )
    erase.set_defaults(run=_cmd_erase)

    backup = sub.add_parser("backup", help="write the whole warehouse as Parquet files to a new folder")
    backup.add_argument("path", metavar="PATH", help="a folder that does not exist yet")
    backup.set_defaults(run=_cmd_backup)

    restore = sub.add_parser("restore", help="replace the warehouse with a backup folder (stop the app first)")
    restore.add_argument("path", metavar="PATH", help="a folder written by `backup`")
    restore.set_defaults(run=_cmd_restore)
