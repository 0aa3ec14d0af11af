"""Every operation that changes data authorizes against the stored membership (or, for data every workspace
shares, the stored instance operators), never the role an Access claims.

Each case runs one mutating operation as a caller whose stored membership lacks the role it needs (a viewer
claiming to be an admin, and someone who is not a member at all) and checks that it is refused with
PermissionDenied and that nothing was written: every table's row count and the full contents of the tables
an operation could touch (the audit log among them) are the same before and after.
"""

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from core.campaigns import members, records
from core.campaigns.model import CampaignSpec
from core.campaigns.terms import parse_terms
from core.db import warehouse
from core.db.connections import SharedWarehouse
from core.ops import backup, campaigns, erase, imports, lock, rebuild, refresh, retrain
from core.profile import mark_topic_wrong, undo_topic_wrong
from core.topics.corrections import correct_post
from core.workspace import membership
from core.workspace.access import LOCAL, LOCAL_WORKSPACE_ID, Access, PermissionDenied

VIEWER_CLAIMING_ADMIN = Access(user="viewer@x.example", workspace_id=LOCAL_WORKSPACE_ID, role="admin")
NOT_A_MEMBER = Access(user="stranger@x.example", workspace_id=LOCAL_WORKSPACE_ID, role="admin")
FORGED = pytest.mark.parametrize("who", [VIEWER_CLAIMING_ADMIN, NOT_A_MEMBER], ids=["viewer-claims-admin", "stranger"])
# Everything the operations below write besides the row counts of every table, compared in full.
WATCHED = (
    "audit_log",
    "campaigns",
    "campaign_terms",
    "campaign_members",
    "campaign_member_history",
    "topic_corrections",
    "person_topic_removals",
    "workspaces",
    "workspace_members",
    "load_log",
    "score_runs",
    "discovery_builds",
    "suppressed_keys",
    "warehouse_meta",
)
ACCOUNTS_CSV = b"network,account_id,handle\ntwitter,acc_new,newcomer\n"


class World:
    """The small demo warehouse with a stored viewer in the local workspace and one archived campaign."""

    def __init__(self, path: Path, tmp: Path) -> None:
        self.path, self.tmp = path, tmp
        self.con = warehouse.connect(path)
        membership.bootstrap(self.con, "Local workspace", VIEWER_CLAIMING_ADMIN.user, "viewer")
        listing = records.list_campaigns(self.con, LOCAL).sort("members", "campaign_id", descending=True)
        self.campaign, self.archived = int(listing["campaign_id"][0]), int(listing["campaign_id"][1])
        records.archive_campaign(self.con, LOCAL, self.archived, int(listing["version"][1]))
        self.listed = members.members(self.con, LOCAL, self.campaign)["person_id"].to_list()
        self.outsider = warehouse.scalar(
            self.con,
            "SELECT min(person_id) FROM people WHERE person_id NOT IN "
            "(SELECT person_id FROM campaign_members WHERE campaign_id = ?)",
            [self.campaign],
        )
        self.topic_person, self.topic = warehouse.rows(
            self.con, "SELECT person_id, topic FROM topic_evidence ORDER BY ALL LIMIT 1"
        )[0]
        self.post = warehouse.scalar(self.con, "SELECT min(post_id) FROM posts")

    @property
    def version(self) -> int:
        return records.get_campaign(self.con, LOCAL, self.campaign).version

    def state(self) -> tuple[dict[str, int], dict[str, list[tuple]]]:
        """(row count of every table, full rows of the watched tables)."""
        tables = [
            t
            for (t,) in warehouse.rows(
                self.con,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                "AND table_type = 'BASE TABLE' AND table_catalog = current_database()",
            )
        ]
        counts = {t: warehouse.scalar(self.con, f'SELECT count(*) FROM "{t}"') for t in tables}  # noqa: S608
        full = {t: warehouse.rows(self.con, f"SELECT * FROM {t} ORDER BY ALL") for t in WATCHED}  # noqa: S608
        return counts, full


@pytest.fixture(scope="module")
def world(small_demo_file, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ops_authorization")
    path = tmp / "sway.duckdb"
    shutil.copy(small_demo_file, path)
    w = World(path, tmp)
    yield w
    w.con.close()


def _spec() -> CampaignSpec:
    return CampaignSpec(
        name="Forged launch",
        brand="Voltwise",
        perk="free charger",
        cost_per_perk=40.0,
        budget=200.0,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 14),
        terms=parse_terms("#voltwise"),
    )


def _refused(world: World, operation: Callable[[], object]) -> None:
    """Run `operation`, expect PermissionDenied, and prove the warehouse is unchanged."""
    before = world.state()
    with pytest.raises(PermissionDenied):
        operation()
    assert world.state() == before


@FORGED
def test_refresh_is_refused(world, who):
    _refused(world, lambda: refresh.refresh(world.con, who, db=world.path))


@FORGED
def test_previewing_and_applying_a_scoring_change_are_refused(world, who):
    _refused(world, lambda: refresh.preview_settings(world.con, who, {"weight_like": "0.1"}))
    _refused(world, lambda: refresh.refresh(world.con, who, db=world.path, settings={"weight_like": "0.1"}))


@FORGED
def test_import_of_uploads_and_of_files_is_refused(world, who):
    _refused(world, lambda: imports.import_uploads(world.con, who, [("accounts.csv", ACCOUNTS_CSV)], db=world.path))
    file = world.tmp / "accounts.csv"
    file.write_bytes(ACCOUNTS_CSV)
    _refused(world, lambda: imports.import_files(world.con, who, [file], db=world.path))


@FORGED
def test_backup_is_refused_and_writes_no_folder(world, who):
    target = world.tmp / f"backup-{who.user}"
    _refused(world, lambda: backup.backup(world.con, who, db=world.path, target=str(target)))
    assert not target.exists()


@FORGED
def test_erasure_is_refused(world, who):
    shared = SharedWarehouse(world.path)
    try:
        _refused(world, lambda: erase.erase(shared, who, person_id=world.outsider))
    finally:
        shared.close()


@FORGED
def test_demo_rebuild_is_refused_and_the_file_is_not_swapped(world, who):
    shared = SharedWarehouse(world.path)
    identity = warehouse.file_identity(world.path)
    try:
        _refused(world, lambda: rebuild.rebuild_demo(shared, who, people=100, seed=1))
    finally:
        shared.close()
    assert warehouse.file_identity(world.path) == identity


@FORGED
def test_retrain_is_refused_and_saves_no_model(world, who):
    model = world.tmp / f"model-{who.user}.skops"
    _refused(world, lambda: retrain.retrain(world.con, who, db=world.path, path=model))
    assert not model.exists()


@FORGED
def test_creating_a_campaign_with_people_is_refused(world, who):
    _refused(world, lambda: campaigns.create_campaign(world.con, who, _spec(), [world.outsider]))


@FORGED
def test_adding_people_to_a_campaign_is_refused(world, who):
    _refused(world, lambda: campaigns.add_people(world.con, who, world.campaign, [world.outsider], world.version))


@FORGED
def test_refreshing_the_suggestions_is_refused(world, who):
    _refused(world, lambda: campaigns.refresh_suggestions(world.con, who, world.campaign, world.version))


@FORGED
def test_editing_a_campaign_is_refused(world, who):
    _refused(world, lambda: records.update_campaign(world.con, who, world.campaign, _spec(), world.version))


@FORGED
def test_archiving_a_campaign_is_refused(world, who):
    _refused(world, lambda: records.archive_campaign(world.con, who, world.campaign, world.version))


@FORGED
def test_restoring_a_campaign_is_refused(world, who):
    _refused(world, lambda: records.restore_campaign(world.con, who, world.archived))


@FORGED
def test_removing_members_is_refused(world, who):
    _refused(world, lambda: members.remove_members(world.con, who, world.campaign, world.listed[:1], world.version))


@FORGED
def test_changing_member_statuses_is_refused(world, who):
    _refused(
        world,
        lambda: members.set_status(world.con, who, world.campaign, world.listed[:1], "invited", world.version),
    )


@FORGED
def test_writing_member_notes_is_refused(world, who):
    _refused(world, lambda: members.set_notes(world.con, who, world.campaign, world.listed[0], "forged", world.version))


@FORGED
def test_locking_members_is_refused(world, who):
    _refused(world, lambda: members.set_locked(world.con, who, world.campaign, world.listed[:1], True, world.version))


@FORGED
def test_setting_a_members_cost_is_refused(world, who):
    _refused(
        world,
        lambda: campaigns.set_member_cost(world.con, who, world.campaign, world.listed[:1], 99.0, world.version),
    )


@FORGED
def test_changing_the_workspace_currency_is_refused(world, who):
    _refused(world, lambda: campaigns.set_currency(world.con, who, "EUR"))


@FORGED
def test_correcting_a_posts_topics_is_refused(world, who):
    _refused(world, lambda: correct_post(world.con, who, world.post, add=["gaming"]))


@FORGED
def test_marking_a_topic_wrong_is_refused(world, who):
    _refused(world, lambda: mark_topic_wrong(world.con, who, world.topic_person, world.topic))


@FORGED
def test_undoing_a_topic_marked_wrong_is_refused(world, who):
    mark_topic_wrong(world.con, LOCAL, world.topic_person, world.topic)
    _refused(world, lambda: undo_topic_wrong(world.con, who, world.topic_person, world.topic))


@FORGED
def test_granting_a_role_is_refused(world, who):
    _refused(world, lambda: membership.grant(world.con, who, "eve@x.example", "admin"))


@FORGED
def test_revoking_a_member_is_refused(world, who):
    _refused(world, lambda: membership.revoke(world.con, who, VIEWER_CLAIMING_ADMIN.user))


@FORGED
def test_creating_a_workspace_is_refused(world, who):
    _refused(world, lambda: membership.create_workspace(world.con, who, "Forged brand", who.user))


def test_the_stored_role_is_what_counts_and_the_message_says_what_to_do(world):
    viewer = membership.access_for(world.con, VIEWER_CLAIMING_ADMIN.user, LOCAL_WORKSPACE_ID)
    assert viewer.role == "viewer"
    needs_admin = r"managing members needs the admin role\. Ask a workspace admin"
    with pytest.raises(PermissionDenied, match=needs_admin):
        membership.grant(world.con, viewer, "eve@x.example", "viewer")
    needs_operator = r"refreshing scores and topics changes data every workspace shares, so it needs the instance "
    with pytest.raises(PermissionDenied, match=needs_operator + r"operator\. Ask whoever runs the Sway server"):
        refresh.refresh(world.con, viewer, db=world.path)
    with pytest.raises(PermissionDenied, match="not a member of this workspace"):
        membership.members(world.con, NOT_A_MEMBER)


def test_retrain_refuses_to_start_while_a_refresh_holds_the_job_lock(world):
    model = world.tmp / "model-busy.skops"
    before = world.state()
    with (
        lock.exclusive(world.path, "refresh", "alice@a.example"),
        pytest.raises(lock.Busy, match=r"A refresh started at .* by alice@a\.example"),
    ):
        retrain.retrain(world.con, LOCAL, db=world.path, path=model)
    assert world.state() == before and not model.exists()
