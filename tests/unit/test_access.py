"""Workspaces, roles and the audit log: scoping cannot be bypassed through the core functions."""

import pytest

from core import audit, jobs, warehouse, workspaces
from core.access import LOCAL, Access, PermissionDenied


@pytest.fixture
def con(tmp_path):
    """An empty migrated warehouse with Brand A (alice admin, bob viewer) and Brand B (dave admin)."""
    connection = warehouse.connect(tmp_path / "w.duckdb")
    workspaces.bootstrap(connection, "Brand A", "alice@a.example")
    workspaces.bootstrap(connection, "Brand A", "bob@a.example", "viewer")
    workspaces.bootstrap(connection, "Brand B", "Dave@B.example")
    yield connection
    connection.close()


def _ids(con) -> tuple[int, int]:
    found = {name: ws for ws, name, _ in workspaces.all_workspaces(con)}
    return found["Brand A"], found["Brand B"]


def test_access_comes_from_the_stored_membership(con):
    a, b = _ids(con)
    assert workspaces.access_for(con, "ALICE@a.example ", a) == Access("alice@a.example", a, "admin")
    assert workspaces.access_for(con, "bob@a.example", a).role == "viewer"
    assert workspaces.access_for(con, "dave@b.example", b).role == "admin"
    with pytest.raises(PermissionDenied, match="not a member"):
        workspaces.access_for(con, "alice@a.example", b)
    with pytest.raises(PermissionDenied):
        workspaces.access_for(con, "", a)


def test_memberships_list_only_the_users_workspaces(con):
    a, _ = _ids(con)
    assert [(m.workspace_id, m.role) for m in workspaces.memberships(con, "alice@a.example")] == [(a, "admin")]
    assert workspaces.memberships(con, "stranger@x.example") == []


@pytest.mark.parametrize(
    "forged",
    [
        lambda a, b: Access("alice@a.example", b, "admin"),  # right person, other workspace
        lambda a, b: Access("bob@a.example", a, "admin"),  # viewer claiming admin
        lambda a, b: Access("mallory@x.example", a, "admin"),  # not a member at all
    ],
)
def test_a_made_up_access_gets_nowhere(con, forged):
    a, b = _ids(con)
    access = forged(a, b)
    before = warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL")
    with pytest.raises(PermissionDenied):
        workspaces.grant(con, access, "eve@x.example", "admin")
    with pytest.raises(PermissionDenied):
        workspaces.members(con, access)
    with pytest.raises(PermissionDenied):
        workspaces.create_workspace(con, access, "Brand C", "eve@x.example")
    with pytest.raises(PermissionDenied):
        audit.entries(con, access)
    assert warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL") == before


def test_roles_gate_member_management(con):
    a, _ = _ids(con)
    viewer = workspaces.access_for(con, "bob@a.example", a)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        workspaces.grant(con, viewer, "eve@x.example", "viewer")
    admin = workspaces.access_for(con, "alice@a.example", a)
    workspaces.grant(con, admin, "Eve@X.example", "editor")
    assert workspaces.access_for(con, "eve@x.example", a).role == "editor"
    with pytest.raises(workspaces.WorkspaceError, match="not a role"):
        workspaces.grant(con, admin, "eve@x.example", "owner")


def test_members_never_show_another_workspace(con):
    a, b = _ids(con)
    assert {e for e, _ in workspaces.members(con, workspaces.access_for(con, "bob@a.example", a))} == {
        "alice@a.example",
        "bob@a.example",
    }
    assert workspaces.members(con, workspaces.access_for(con, "dave@b.example", b)) == [("dave@b.example", "admin")]


def test_the_last_admin_cannot_leave_or_be_demoted(con):
    a, _ = _ids(con)
    alice = workspaces.access_for(con, "alice@a.example", a)
    with pytest.raises(workspaces.WorkspaceError, match="only admin"):
        workspaces.revoke(con, alice, "alice@a.example")
    with pytest.raises(workspaces.WorkspaceError, match="only admin"):
        workspaces.grant(con, alice, "alice@a.example", "viewer")
    workspaces.revoke(con, alice, "bob@a.example")
    assert workspaces.memberships(con, "bob@a.example") == []


def test_workspace_names_are_unique_and_creators_become_admins(con):
    a, _ = _ids(con)
    alice = workspaces.access_for(con, "alice@a.example", a)
    with pytest.raises(workspaces.WorkspaceError, match="already a workspace"):
        workspaces.create_workspace(con, alice, "brand a", "alice@a.example")
    new = workspaces.create_workspace(con, alice, "Brand C", "alice@a.example")
    assert workspaces.access_for(con, "alice@a.example", new).role == "admin"


def test_audit_entries_are_scoped_to_the_workspace_and_shared_data(con):
    a, b = _ids(con)
    alice, dave = workspaces.access_for(con, "alice@a.example", a), workspaces.access_for(con, "dave@b.example", b)
    with warehouse.transaction(con):
        audit.record(con, alice, "campaign.create", {"name": "A secret launch"})
        audit.record(con, dave, "campaign.create", {"name": "B secret launch"})
        audit.record(con, LOCAL, "import", {"files": 1}, shared=True)
    seen_by_a = audit.entries(con, alice)
    assert "B secret launch" not in " ".join(seen_by_a["details"].to_list())
    assert {"A secret launch" in d for d in seen_by_a["details"]} == {True, False}
    assert set(seen_by_a["action"]) >= {"campaign.create", "import"}
    with pytest.raises(PermissionDenied):
        audit.entries(con, workspaces.access_for(con, "bob@a.example", a))


def test_refresh_needs_an_admin(con, tmp_path):
    a, _ = _ids(con)
    viewer = workspaces.access_for(con, "bob@a.example", a)
    with pytest.raises(PermissionDenied, match="refreshing"):
        jobs.refresh(con, viewer, db=tmp_path / "w.duckdb")


def test_imports_need_an_admin_and_are_audited_with_the_load(con):
    from core.ingest import InputError

    a, _ = _ids(con)
    files = [("accounts.csv", b"network,account_id,handle\ntwitter,acc1,first\n")]
    with pytest.raises(PermissionDenied, match="importing data"):
        jobs.import_uploads(con, workspaces.access_for(con, "bob@a.example", a), files)
    assert warehouse.scalar(con, "SELECT count(*) FROM accounts") == 0

    alice = workspaces.access_for(con, "alice@a.example", a)
    with pytest.raises(InputError):
        jobs.import_uploads(con, alice, [("accounts.csv", b"network,account_id,handle\nmyspace,x,y\n")])
    assert warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'import'") == 0

    report = jobs.import_uploads(con, alice, files)
    assert report.added["accounts"] == 1
    who, details = warehouse.rows(con, "SELECT user_email, details FROM audit_log WHERE action = 'import'")[0]
    assert who == "alice@a.example" and "accounts.csv" in details


def test_an_export_is_logged_in_the_workspace_that_made_it(con):
    a, b = _ids(con)
    alice = workspaces.access_for(con, "alice@a.example", a)
    audit.record_export(con, alice, "sway-result.csv")
    sql = "SELECT user_email, workspace_id, action, details FROM audit_log WHERE action = 'export'"
    logged = warehouse.rows(con, sql)
    assert logged == [("alice@a.example", a, "export", '{"file": "sway-result.csv"}')]
    dave = workspaces.access_for(con, "dave@b.example", b)
    assert all(e["action"] != "export" for e in audit.entries(con, dave).to_dicts())
