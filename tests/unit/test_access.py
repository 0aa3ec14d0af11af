"""Workspaces, roles and the audit log: scoping cannot be bypassed through the core functions."""

import json

import pytest

from core.db import warehouse
from core.ops import imports, refresh
from core.workspace import audit, membership, operators
from core.workspace.access import LOCAL, Access, PermissionDenied


@pytest.fixture
def con(tmp_path):
    """An empty migrated warehouse with Brand A (alice admin, bob viewer) and Brand B (dave admin)."""
    connection = warehouse.connect(tmp_path / "w.duckdb")
    membership.bootstrap(connection, "Brand A", "alice@a.example")
    membership.bootstrap(connection, "Brand A", "bob@a.example", "viewer")
    membership.bootstrap(connection, "Brand B", "Dave@B.example")
    yield connection
    connection.close()


def _ids(con) -> tuple[int, int]:
    found = {name: ws for ws, name, _ in membership.all_workspaces(con)}
    return found["Brand A"], found["Brand B"]


def test_access_comes_from_the_stored_membership(con):
    a, b = _ids(con)
    assert membership.access_for(con, "ALICE@a.example ", a) == Access("alice@a.example", a, "admin")
    assert membership.access_for(con, "bob@a.example", a).role == "viewer"
    assert membership.access_for(con, "dave@b.example", b).role == "admin"
    with pytest.raises(PermissionDenied, match="not a member"):
        membership.access_for(con, "alice@a.example", b)
    with pytest.raises(PermissionDenied):
        membership.access_for(con, "", a)


def test_memberships_list_only_the_users_workspaces(con):
    a, _ = _ids(con)
    assert [(m.workspace_id, m.role) for m in membership.memberships(con, "alice@a.example")] == [(a, "admin")]
    assert membership.memberships(con, "stranger@x.example") == []


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
        membership.grant(con, access, "eve@x.example", "admin")
    with pytest.raises(PermissionDenied):
        membership.members(con, access)
    with pytest.raises(PermissionDenied):
        membership.create_workspace(con, access, "Brand C", "eve@x.example")
    with pytest.raises(PermissionDenied):
        audit.entries(con, access)
    assert warehouse.rows(con, "SELECT * FROM workspace_members ORDER BY ALL") == before


def test_roles_gate_member_management(con):
    a, _ = _ids(con)
    viewer = membership.access_for(con, "bob@a.example", a)
    with pytest.raises(PermissionDenied, match="needs the admin role"):
        membership.grant(con, viewer, "eve@x.example", "viewer")
    admin = membership.access_for(con, "alice@a.example", a)
    membership.grant(con, admin, "Eve@X.example", "editor")
    assert membership.access_for(con, "eve@x.example", a).role == "editor"
    with pytest.raises(membership.WorkspaceError, match="not a role"):
        membership.grant(con, admin, "eve@x.example", "owner")


def test_members_never_show_another_workspace(con):
    a, b = _ids(con)
    assert {e for e, _ in membership.members(con, membership.access_for(con, "bob@a.example", a))} == {
        "alice@a.example",
        "bob@a.example",
    }
    assert membership.members(con, membership.access_for(con, "dave@b.example", b)) == [("dave@b.example", "admin")]


def test_the_last_admin_cannot_leave_or_be_demoted(con):
    a, _ = _ids(con)
    alice = membership.access_for(con, "alice@a.example", a)
    with pytest.raises(membership.WorkspaceError, match="only admin"):
        membership.revoke(con, alice, "alice@a.example")
    with pytest.raises(membership.WorkspaceError, match="only admin"):
        membership.grant(con, alice, "alice@a.example", "viewer")
    membership.revoke(con, alice, "bob@a.example")
    assert membership.memberships(con, "bob@a.example") == []


def test_workspace_names_are_unique_and_creators_become_admins(con):
    a, _ = _ids(con)
    operators.grant(con, "alice@a.example")
    alice = membership.access_for(con, "alice@a.example", a)
    with pytest.raises(membership.WorkspaceError, match="already a workspace"):
        membership.create_workspace(con, alice, "brand a", "alice@a.example")
    new = membership.create_workspace(con, alice, "Brand C", "alice@a.example")
    assert membership.access_for(con, "alice@a.example", new).role == "admin"


def test_a_workspace_admin_cannot_create_workspaces_nor_learn_other_clients_names(con):
    a, _ = _ids(con)
    alice = membership.access_for(con, "alice@a.example", a)
    assert alice.role == "admin"
    names = warehouse.rows(con, "SELECT name FROM workspaces ORDER BY ALL")
    for name in ("brand b", "Brand C"):  # a taken name and a free one get the same refusal
        with pytest.raises(PermissionDenied, match="instance operator"):
            membership.create_workspace(con, alice, name, "alice@a.example")
    assert warehouse.rows(con, "SELECT name FROM workspaces ORDER BY ALL") == names


def test_audit_entries_are_scoped_to_the_workspace_and_shared_data(con):
    a, b = _ids(con)
    alice, dave = membership.access_for(con, "alice@a.example", a), membership.access_for(con, "dave@b.example", b)
    with warehouse.transaction(con):
        audit.record(con, alice, "campaign.create", {"name": "A secret launch"})
        audit.record(con, dave, "campaign.create", {"name": "B secret launch"})
        audit.record(con, LOCAL, "import", {"files": 1}, shared=True)
    seen_by_a = audit.entries(con, alice)
    assert "B secret launch" not in " ".join(seen_by_a["details"].to_list())
    assert {"A secret launch" in d for d in seen_by_a["details"]} == {True, False}
    assert set(seen_by_a["action"]) >= {"campaign.create", "import"}
    with pytest.raises(PermissionDenied):
        audit.entries(con, membership.access_for(con, "bob@a.example", a))


def test_the_audit_log_reads_in_words_for_the_workspace_page_and_keeps_its_scope(con):
    a, b = _ids(con)
    alice, dave = membership.access_for(con, "alice@a.example", a), membership.access_for(con, "dave@b.example", b)
    with warehouse.transaction(con):
        audit.record(con, alice, "campaign.create", {"campaign_id": 12, "name": "Spring launch"})
        audit.record(con, alice, "campaign.add_members", {"campaign_id": 12, "added": 3})
        audit.record(con, alice, "campaign.archive", {"campaign_id": 99})
        audit.record(con, alice, "campaign.edit", {"campaign_id": 13, "name": "Autumn"})
        audit.record(con, LOCAL, "topics.retrain", {"training_rows": 83713, "corrections_used": 2}, shared=True)
        audit.record(
            con,
            LOCAL,
            "erase",
            {"rows_removed": 1300, "discovery_terms": 866, "truth_people": 1, "posts": 433, "mentions_blanked": 4},
            shared=True,
        )
        audit.record(con, alice, "topic.correct", {"corrections": 2, "topics": ["music", "diaries_&_daily_life"]})
        audit.record(con, alice, "import", {"files": ["a.csv", "b.csv"], "added": {"people": 2}}, shared=True)
        audit.record(con, LOCAL, "backup", {"tables": 49}, shared=True)
        audit.record(con, LOCAL, "refresh", {"seconds": 12.5, "marked_posted": 0}, shared=True)
        audit.record(con, alice, "campaign.archive", {"campaign_id": 13, "source": "demo:12"})
        audit.record(con, alice, "someday.new_action", {})
        audit.record(con, dave, "campaign.create", {"name": "B secret launch"})
    shown = audit.readable_entries(con, alice, campaigns={12: "Spring launch (renamed)", 13: "Autumn"})
    rows = dict(zip(shown["action"], shown["details"], strict=True))
    assert rows["Created a campaign"] == "campaign: Spring launch (renamed) (12) · name: Spring launch"
    assert rows["Added people to a campaign"] == "campaign: Spring launch (renamed) (12) · added: 3"  # not just an id
    assert rows["Archived a campaign"] == "campaign: id 99 (no longer in this workspace)"
    assert rows["Edited a campaign"] == "campaign: Autumn (13)"  # its name once, not twice
    assert rows["Corrected posts' topics"] == "corrections: 2 · topics: Music, Diaries & daily life"
    assert "files: a.csv, b.csv · added: people 2" in shown["details"].to_list()  # her own shared entry
    operator = audit.readable_entries(con, LOCAL, campaigns={})  # shared entries in full: the operator runs them
    who = dict(zip(operator["action"], operator["user_email"], strict=True))
    told = dict(zip(operator["action"], operator["details"], strict=True))
    assert told["Retrained the topic model"] == "training rows: 83,713 · corrections used: 2"  # counts as counts
    assert told["Erased a person on request"] == "rows removed: 1,300 · mentions blanked: 4 · tables: 3"  # no names
    assert who["Backed up the warehouse"] == "this server's operator (no sign-in)"
    # Keys in words ("marked posted: 0" and "source: demo:12" read as code on the Workspace page).
    assert told["Refreshed scores and topics"] == "seconds taken: 12.5 · members marked posted by a tracked mention: 0"
    assert "campaign: Autumn (13) · made from: the demo world's past campaigns" in shown["details"].to_list()
    assert rows["someday.new_action"] == ""  # an action without words yet is shown by its code, never dropped
    assert "B secret launch" not in " ".join(shown["details"])
    with pytest.raises(PermissionDenied):
        audit.readable_entries(con, membership.access_for(con, "bob@a.example", a), campaigns={})


def test_refresh_needs_an_operator(con, tmp_path):
    a, _ = _ids(con)
    viewer = membership.access_for(con, "bob@a.example", a)
    with pytest.raises(PermissionDenied, match="refreshing"):
        refresh.refresh(con, viewer, db=tmp_path / "w.duckdb")


def test_imports_need_an_operator_and_are_audited_with_the_load(con, tmp_path):
    from core.ingest import InputError

    a, _ = _ids(con)
    files, db = [("accounts.csv", b"network,account_id,handle\ntwitter,acc1,first\n")], tmp_path / "w.duckdb"
    with pytest.raises(PermissionDenied, match="importing data"):
        imports.import_uploads(con, membership.access_for(con, "bob@a.example", a), files, db=db)
    assert warehouse.scalar(con, "SELECT count(*) FROM accounts") == 0

    alice = membership.access_for(con, "alice@a.example", a)
    with pytest.raises(PermissionDenied, match="instance operator"):
        imports.import_uploads(con, alice, files, db=db)  # an admin of her workspace only
    operators.grant(con, "alice@a.example")
    assert not warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action LIKE 'import%'")  # refused callers
    with pytest.raises(InputError):
        imports.import_uploads(con, alice, [("accounts.csv", b"network,account_id,handle\nmyspace,x,y\n")], db=db)
    assert warehouse.scalar(con, "SELECT count(*) FROM audit_log WHERE action = 'import'") == 0
    # A refused file is noted by where its problem is, not by the values it quotes (they may name people).
    [(who, failed)] = warehouse.rows(con, "SELECT user_email, details FROM audit_log WHERE action = 'import.failed'")
    assert who == "alice@a.example" and json.loads(failed) == {
        "files": ["accounts.csv"],
        "file": "accounts.csv",
        "line": 2,
        "field": "network",
    }

    report = imports.import_uploads(con, alice, files, db=db)
    assert report.added["accounts"] == 1
    who, details = warehouse.rows(con, "SELECT user_email, details FROM audit_log WHERE action = 'import'")[0]
    assert who == "alice@a.example" and "accounts.csv" in details


def test_an_export_is_logged_in_the_workspace_that_made_it(con):
    a, b = _ids(con)
    alice = membership.access_for(con, "alice@a.example", a)
    audit.record_export(con, alice, "sway-result.csv")
    sql = "SELECT user_email, workspace_id, action, details FROM audit_log WHERE action = 'export'"
    logged = warehouse.rows(con, sql)
    assert logged == [("alice@a.example", a, "export", '{"file": "sway-result.csv"}')]
    dave = membership.access_for(con, "dave@b.example", b)
    assert all(e["action"] != "export" for e in audit.entries(con, dave).to_dicts())


def test_shared_entries_of_other_workspaces_hide_who_and_details(con):
    a, b = _ids(con)
    alice, dave = membership.access_for(con, "alice@a.example", a), membership.access_for(con, "dave@b.example", b)
    with warehouse.transaction(con):
        audit.record(con, alice, "import", {"files": ["a-brand-people.csv"]}, shared=True)
        audit.record(con, dave, "import", {"files": ["b-brand-secret-list.csv"]}, shared=True)
        audit.record(con, dave, "backup", {"folder": "/srv/backups/brand-b"}, shared=True)
    seen_by_a = audit.entries(con, alice)
    text = " ".join([*seen_by_a["details"], *seen_by_a["user_email"]])
    assert "a-brand-people.csv" in text and "alice@a.example" in text
    assert "b-brand-secret-list.csv" not in text and "/srv/backups" not in text and "dave@b.example" not in text
    assert set(seen_by_a.filter(user_email=audit.OUTSIDER)["action"]) == {"import", "backup"}
    seen_by_b = " ".join(audit.entries(con, dave)["details"])
    assert "b-brand-secret-list.csv" in seen_by_b and "a-brand-people.csv" not in seen_by_b
    everything = " ".join(audit.entries(con, LOCAL)["details"])  # the operator of the whole server
    assert "a-brand-people.csv" in everything and "b-brand-secret-list.csv" in everything


def test_an_address_is_bound_to_the_first_account_that_signs_in_with_it(con):
    membership.bind_subject(con, "Alice@A.example", "idp|1")
    membership.bind_subject(con, "alice@a.example", "idp|1")  # the same account again: fine
    with pytest.raises(PermissionDenied, match="another account"):
        membership.bind_subject(con, "alice@a.example", "idp|2")
    assert membership.release_subject(con, "alice@a.example")
    membership.bind_subject(con, "alice@a.example", "idp|2")  # released: the next account binds it
    with pytest.raises(PermissionDenied, match="no account id"):
        membership.bind_subject(con, "bob@a.example", "")
