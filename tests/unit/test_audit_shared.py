"""Shared-data audit entries (imports, backups) name files and folders of every workspace: shown in full only to
instance operators and to whoever made them, never because their author is a member of the reader's workspace
(an admin can add anyone's address as a member)."""

import pytest

from core.db import warehouse
from core.workspace import audit, membership, operators
from core.workspace.access import LOCAL

OPS, EVE, ALICE = "ops@agency.example", "eve@brand-a.example", "alice@brand-c.example"


@pytest.fixture
def con(tmp_path):
    """An operator with shared entries of Brand B's, Eve the admin of Brand A, Alice the admin of Brand C."""
    connection = warehouse.connect(tmp_path / "w.duckdb")
    b = membership.bootstrap(connection, "Brand B", OPS)
    operators.grant(connection, OPS)
    ops = membership.access_for(connection, OPS, b)
    with warehouse.transaction(connection):
        audit.record(connection, ops, "import", {"files": ["brandB_confidential_creators.csv"]}, shared=True)
        audit.record(connection, ops, "backup", {"folder": "/srv/backups/brandB"}, shared=True)
    membership.bootstrap(connection, "Brand A", EVE)
    membership.bootstrap(connection, "Brand C", ALICE)
    yield connection
    connection.close()


def _access(con, email: str, workspace: str):
    found = {name: ws for ws, name, _ in membership.all_workspaces(con)}
    return membership.access_for(con, email, found[workspace])


def _shared(con, access) -> list[tuple]:
    seen = audit.entries(con, access)
    return seen.filter(seen["action"].is_in(["import", "backup"])).select("user_email", "details").rows()


def test_adding_the_author_as_a_member_does_not_reveal_their_shared_entries(con):
    eve = _access(con, EVE, "Brand A")
    hidden = [(audit.OUTSIDER, "{}"), (audit.OUTSIDER, "{}")]
    assert _shared(con, eve) == hidden
    membership.grant(con, eve, OPS, "viewer")  # no consent needed from the operator
    assert _shared(con, eve) == hidden


def test_operators_and_the_author_see_shared_entries_in_full(con):
    text = " ".join(d for _, d in _shared(con, _access(con, OPS, "Brand B")))
    assert "brandB_confidential_creators.csv" in text and "/srv/backups/brandB" in text
    assert "/srv/backups/brandB" in " ".join(d for _, d in _shared(con, LOCAL))

    alice = _access(con, ALICE, "Brand C")  # an operator once: her own entry stays hers to read
    operators.grant(con, ALICE)
    with warehouse.transaction(con):
        audit.record(con, alice, "import", {"files": ["brandC_list.csv"]}, shared=True)
    operators.revoke(con, ALICE)
    seen = _shared(con, alice)
    assert (ALICE, '{"files": ["brandC_list.csv"]}') in seen
    assert "brandB" not in " ".join(d for _, d in seen)
