"""The UI's cache key changes with every change of stored data, so no cache serves what was erased or replaced."""

from core import privacy
from core.db import warehouse
from core.workspace import audit
from core.workspace.access import LOCAL


def test_an_erasure_changes_the_cache_key_even_without_a_refresh(demo_copy):
    con = warehouse.connect(demo_copy)
    try:
        before = warehouse.data_version(con)
        person = warehouse.scalar(con, "SELECT min(person_id) FROM people")
        privacy.erase_person(con, LOCAL, person)
        assert warehouse.data_version(con) != before
    finally:
        con.close()


def test_a_workspace_action_such_as_an_export_keeps_the_cache_key(demo_copy):
    # Shared data did not change, so Discover's cached answers stay valid.
    con = warehouse.connect(demo_copy)
    try:
        before = warehouse.data_version(con)
        audit.record_export(con, LOCAL, "discover.csv")
        assert warehouse.data_version(con) == before
    finally:
        con.close()
