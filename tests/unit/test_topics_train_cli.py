"""`topics train` changes the model every workspace shares: it runs as core.ops.retrain does, so it needs the
instance operator, never overlaps another whole-warehouse job, and writes nothing when refused."""

import argparse

import pytest

from core.cli import topics as topics_cli
from core.db import warehouse
from core.ops.lock import Busy, exclusive
from core.workspace import membership
from core.workspace.access import PermissionDenied


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    topics_cli.add_subcommands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["topics", *argv])
    return args.run(args)


def _retrains(db: str) -> int:
    con = warehouse.connect(db)
    try:
        return warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'topics.retrain'")
    finally:
        con.close()


def test_train_refuses_without_the_operator_role(raw_demo_copy, tmp_path, monkeypatch):
    con = warehouse.connect(raw_demo_copy)
    brand = membership.bootstrap(con, "Brand A", "alice@a.example", "admin")
    admin = membership.access_for(con, "alice@a.example", brand)  # a workspace admin, not an operator
    con.close()
    monkeypatch.setattr(topics_cli, "LOCAL", admin)
    model = tmp_path / "model.skops"
    with pytest.raises(PermissionDenied, match="instance operator"):
        run("train", "--model", str(model))
    assert not model.exists() and _retrains(raw_demo_copy) == 0


def test_train_does_not_run_while_another_job_holds_the_lock(raw_demo_copy, tmp_path):
    model = tmp_path / "model.skops"
    with exclusive(warehouse.warehouse_path(), "refresh", "olga@ops.example"), pytest.raises(Busy, match="refresh"):
        run("train", "--model", str(model))
    assert not model.exists() and _retrains(raw_demo_copy) == 0
