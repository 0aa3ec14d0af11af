"""The instance operator: only they (or the command line) change what every workspace shares.

A workspace admin who is not an operator is refused every shared-data operation (rebuild, import, erase,
refresh, retrain, backup) with PermissionDenied and nothing written: every table's rows are the same before
and after. An operator may; the role is granted, listed and revoked only on the command line. A rebuild keeps
each workspace's own campaigns and topic corrections.
"""

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from core.backups import carry
from core.campaigns import records
from core.campaigns.model import CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.db.owners import OWNERS
from core.demo.world import build_demo
from core.ops import backup, campaigns, erase, imports, rebuild, refresh, retrain
from core.topics.corrections import correct_post
from core.topics.removals import mark_topic_wrong, undo_topic_wrong
from core.workspace import membership, operators
from core.workspace.access import LOCAL, PermissionDenied
from core.workspace.authorize import is_operator
from tests.conftest import SMALL_DEMO_PEOPLE, SMALL_DEMO_SEED

ADMIN, OPERATOR = "alice@a.example", "olga@ops.example"
ACCOUNTS_CSV = b"network,account_id,handle\ntwitter,acc_new,newcomer\n"


def _state(con) -> dict[str, list[tuple]]:
    """Every row of every table, to prove a refused operation wrote nothing."""
    tables = [t for (t,) in warehouse.rows(con, "SELECT table_name FROM duckdb_tables() WHERE NOT temporary")]
    return {t: warehouse.rows(con, f'SELECT * FROM "{t}" ORDER BY ALL') for t in tables}  # noqa: S608


@pytest.fixture(scope="module")
def world(small_demo_file, tmp_path_factory):
    """The small demo world with Brand A (alice, admin, not an operator) and olga, an operator and viewer."""
    tmp = tmp_path_factory.mktemp("operator")
    path = tmp / "sway.duckdb"
    shutil.copy(small_demo_file, path)
    con = warehouse.connect(path)
    brand = membership.bootstrap(con, "Brand A", ADMIN, "admin")
    membership.bootstrap(con, "Brand A", OPERATOR, "viewer")
    operators.grant(con, OPERATOR)
    admin, operator = membership.access_for(con, ADMIN, brand), membership.access_for(con, OPERATOR, brand)
    yield con, path, tmp, admin, operator
    con.close()


def _operations(con, path: Path, tmp: Path) -> dict[str, Callable]:
    """Each shared-data operation, as a function of the Access that runs it."""
    file = tmp / "accounts.csv"
    file.write_bytes(ACCOUNTS_CSV)
    person = warehouse.scalar(con, "SELECT max(person_id) FROM people")

    def rebuild_world(who) -> None:
        shared = SharedWarehouse(path)
        try:
            rebuild.rebuild_demo(shared, who, people=100, seed=1)
        finally:
            shared.close()

    def erase_person(who) -> list[str]:
        shared = SharedWarehouse(path)
        try:
            return erase.erase(shared, who, person_id=person)
        finally:
            shared.close()

    return {
        "rebuild": rebuild_world,
        "import uploads": lambda who: imports.import_uploads(con, who, [("accounts.csv", ACCOUNTS_CSV)], db=path),
        "import files": lambda who: imports.import_files(con, who, [file], db=path),
        "erase": erase_person,
        "refresh": lambda who: refresh.refresh(con, who, db=path),
        "retrain": lambda who: retrain.retrain(con, who, db=path, path=tmp / "model.skops"),
        "backup": lambda who: backup.backup(con, who, db=path, target=str(tmp / "backup")),
    }


@pytest.mark.parametrize(
    "operation", ["rebuild", "import uploads", "import files", "erase", "refresh", "retrain", "backup"]
)
def test_a_workspace_admin_who_is_not_an_operator_is_refused_and_nothing_is_written(world, operation):
    con, path, tmp, admin, _ = world
    identity = warehouse.file_identity(path)
    before = _state(con)
    with pytest.raises(PermissionDenied, match=r"needs the instance operator\. Ask whoever runs the Sway server"):
        _operations(con, path, tmp)[operation](admin)
    assert _state(con) == before
    assert warehouse.file_identity(path) == identity  # no rebuilt file swapped in
    assert not (tmp / "backup").exists() and not (tmp / "model.skops").exists()


def test_an_operator_may_import_erase_refresh_and_back_up(world):
    con, path, tmp, _, operator = world
    run = _operations(con, path, tmp)
    assert run["import uploads"](operator).added["accounts"] == 1
    assert run["erase"](operator)
    assert run["refresh"](operator)
    assert run["backup"](operator) and (tmp / "backup").exists()
    done = warehouse.rows(con, "SELECT action FROM audit_log WHERE user_email = ? ORDER BY audit_id", [OPERATOR])
    assert [a for (a,) in done] == ["import", "erase", "refresh", "backup"]


def test_is_operator_reads_the_stored_list(world):
    con, _, _, admin, operator = world
    assert is_operator(con, LOCAL) and is_operator(con, operator) and not is_operator(con, admin)
    operators.grant(con, ADMIN)
    assert is_operator(con, admin)
    operators.revoke(con, ADMIN)
    assert not is_operator(con, admin)
    with pytest.raises(membership.WorkspaceError, match="not an instance operator"):
        operators.revoke(con, ADMIN)


def test_no_page_or_ui_module_can_grant_the_role():
    """The owners test keeps every write to instance_operators in core.workspace.operators; only the command line
    imports that module, so nothing the app serves can make someone an operator."""
    assert OWNERS["instance_operators"] == "core.workspace.operators"
    importers = {
        str(path.relative_to(warehouse.REPO_ROOT))
        for path in warehouse.REPO_ROOT.glob("**/*.py")
        if ".venv" not in path.parts
        and path.parts[len(warehouse.REPO_ROOT.parts)] in {"core", "ui", "pages", "app.py"}
        and "core.workspace import operators" in path.read_text(encoding="utf-8")
    }
    assert importers == {"core/cli/admin.py"}


def _sway(*args: str, db: str) -> subprocess.CompletedProcess:
    env = {"SWAY_DB": db, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "core", *args], capture_output=True, text=True, cwd=warehouse.REPO_ROOT, env=env
    )


def test_the_command_line_grants_lists_and_revokes_operators(demo_copy):
    assert "No instance operators" in _sway("operator", "list", db=demo_copy).stdout
    granted = _sway("operator", "grant", "Olga@Ops.example", db=demo_copy)
    assert granted.returncode == 0, granted.stderr
    assert "now an instance operator" in granted.stdout
    assert "already" in _sway("operator", "grant", OPERATOR, db=demo_copy).stdout
    assert OPERATOR in _sway("operator", "list", db=demo_copy).stdout
    assert _sway("operator", "revoke", OPERATOR, db=demo_copy).returncode == 0
    again = _sway("operator", "revoke", OPERATOR, db=demo_copy)
    assert again.returncode == 1 and "not an instance operator" in again.stderr
    bad = _sway("operator", "grant", "not-an-address", db=demo_copy)
    assert bad.returncode == 1 and "is not an e-mail address" in bad.stderr
    con = warehouse.connect(demo_copy)
    try:
        logged = warehouse.rows(con, "SELECT action FROM audit_log WHERE action LIKE 'operator.%' ORDER BY audit_id")
        assert [a for (a,) in logged] == ["operator.grant", "operator.revoke"]
    finally:
        con.close()


def _spec() -> CampaignSpec:
    return CampaignSpec(
        name="Brand B launch",
        brand="Voltwise",
        perk="free charger",
        cost_per_perk=40.0,
        budget=200.0,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 14),
        terms=parse_terms("#voltwise, @voltwise"),
    )


def _brand_b(con):
    """Brand B with a campaign of three chosen people and one topic correction; (access, campaign id, post)."""
    brand = membership.bootstrap(con, "Brand B", "bea@b.example", "admin")
    bea = membership.access_for(con, "bea@b.example", brand)
    chosen = [p for (p,) in warehouse.rows(con, "SELECT person_id FROM people ORDER BY person_id LIMIT 3")]
    campaign = campaigns.create_campaign(con, bea, _spec(), chosen).campaign_id
    post = warehouse.scalar(con, "SELECT min(post_id) FROM posts")
    correct_post(con, bea, post, add=["gaming"])
    return bea, campaign, post


def _by_account(con, sql: str, params: list) -> set[tuple]:
    """The (network, external account id) of the people `sql` selects: who they are in any world."""
    query = f"SELECT network::VARCHAR, external_id FROM accounts WHERE person_id IN ({sql})"  # noqa: S608
    return set(warehouse.rows(con, query, params))


def test_a_rebuild_keeps_a_workspaces_own_campaigns_and_corrections(demo_copy):
    con = warehouse.connect(demo_copy)
    bea, campaign, post = _brand_b(con)
    person, topic = warehouse.rows(con, "SELECT person_id, topic FROM topic_influence ORDER BY ALL LIMIT 1")[0]
    assert mark_topic_wrong(con, bea, person, topic) > 0  # Brand B: this topic is wrong for this person
    removed_from = _by_account(con, "SELECT ?", [person])
    members_sql = "SELECT person_id FROM campaign_members WHERE campaign_id = ?"
    listed = _by_account(con, members_sql, [campaign])
    post_key = warehouse.rows(con, "SELECT network::VARCHAR, external_id FROM posts WHERE post_id = ?", [post])
    demo_campaigns = warehouse.scalar(con, "SELECT count(*) FROM campaigns WHERE source LIKE 'demo:%'")
    membership.bootstrap(con, "Brand B", OPERATOR, "viewer")
    operators.grant(con, OPERATOR)
    operator = membership.access_for(con, OPERATOR, bea.workspace_id)
    con.close()

    shared = SharedWarehouse(demo_copy)
    try:
        rebuild.rebuild_demo(shared, operator, people=SMALL_DEMO_PEOPLE, seed=SMALL_DEMO_SEED)
    finally:
        shared.close()

    con = warehouse.connect(demo_copy)
    try:
        kept = records.list_campaigns(con, bea)
        assert kept["name"].to_list() == ["Brand B launch"]
        new_id = int(kept["campaign_id"][0])
        assert _by_account(con, members_sql, [new_id]) == listed  # the same people, by their accounts
        terms = warehouse.rows(con, "SELECT kind, term FROM campaign_terms WHERE campaign_id = ? ORDER BY 1", [new_id])
        assert terms == [("handle", "voltwise"), ("hashtag", "voltwise")]
        # The demo brands' campaigns are made again by the new world, not kept beside it.
        assert warehouse.scalar(con, "SELECT count(*) FROM campaigns WHERE source LIKE 'demo:%'") == demo_campaigns
        corrected = warehouse.rows(
            con,
            "SELECT p.network::VARCHAR, p.external_id FROM topic_corrections c JOIN posts p USING (post_id) "
            "WHERE c.workspace_id = ?",
            [bea.workspace_id],
        )
        assert sorted(corrected) == sorted(
            post_key
            + warehouse.rows(
                con,
                "SELECT p.network::VARCHAR, p.external_id FROM topic_corrections c JOIN posts p USING (post_id) "
                "WHERE c.correction_id IN (SELECT unnest(correction_ids) FROM person_topic_removals)",
            )
        )
        removal = warehouse.rows(con, "SELECT person_id, topic, correction_ids FROM person_topic_removals")
        assert len(removal) == 1 and removal[0][1] == topic and removal[0][2]  # its corrections, re-keyed
        assert _by_account(con, "SELECT ?", [removal[0][0]]) == removed_from  # the same person, by their accounts
        assert undo_topic_wrong(con, bea, removal[0][0], topic) == len(removal[0][2])  # undo still withdraws them
        assert warehouse.rows(con, "SELECT email FROM instance_operators") == [(OPERATOR,)]
    finally:
        con.close()


def test_a_rebuild_into_another_world_keeps_the_campaign_and_drops_only_members_not_in_it(demo_copy):
    con = warehouse.connect(demo_copy)
    bea, campaign, _ = _brand_b(con)
    accounts_of = {
        person: _by_account(con, "SELECT ?", [person])
        for (person,) in warehouse.rows(con, "SELECT person_id FROM campaign_members WHERE campaign_id = ?", [campaign])
    }
    kept = carry.kept_tables(con)
    con.close()

    def build(new) -> None:
        build_demo(new, people=150, seed=3)
        carry.put_back(new, kept)

    warehouse.rebuild(demo_copy, build)
    con = warehouse.connect(demo_copy)
    try:
        found = records.list_campaigns(con, bea)
        assert found["name"].to_list() == ["Brand B launch"]  # kept with its settings, even if no one is left
        new_id = int(found["campaign_id"][0])
        assert warehouse.scalar(con, "SELECT count(*) FROM campaign_terms WHERE campaign_id = ?", [new_id]) == 2
        everyone = set(warehouse.rows(con, "SELECT network::VARCHAR, external_id FROM accounts"))
        still_here = sum(1 for keys in accounts_of.values() if keys & everyone)
        count = "SELECT count(*) FROM campaign_members WHERE campaign_id = ?"
        assert warehouse.scalar(con, count, [new_id]) == still_here < len(accounts_of)
    finally:
        con.close()
