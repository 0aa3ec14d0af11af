"""AppTest of sign-in, the workspace picker and the Workspace page, for each role (st.user mocked via at.user)."""

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from core.workspace import membership, operators
from tests.app.waiting import until_jobs_end

APP = str(warehouse.REPO_ROOT / "app.py")
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "a-test-cookie-secret-of-sufficient-length",
        "client_id": "sway",
        "client_secret": "test-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


@pytest.fixture
def agency(demo_copy) -> str:
    """Two brands: Brand A (alice admin, carol editor, bob viewer) and Brand B (dave admin, bob editor)."""
    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    membership.bootstrap(con, "Brand A", "carol@a.example", "editor")
    membership.bootstrap(con, "Brand A", "bob@both.example", "viewer")
    membership.bootstrap(con, "Brand B", "dave@b.example")
    membership.bootstrap(con, "Brand B", "bob@both.example", "editor")
    con.close()
    return demo_copy


def _app(user: dict | None, *, page: str | None = "pages/workspace.py") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = AUTH
    at.user = user if user is not None else {"is_logged_in": False}
    at.run()
    if page and not at.exception and at.user.get("is_logged_in"):
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _signed_in(email: str, *, verified: bool = True, sub: str | None = None) -> dict:
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": verified,
        "sub": sub or f"idp|{email}",
        "name": email.split("@")[0],
    }


def _member_emails(at: AppTest) -> set[str]:
    return set(at.dataframe[0].value["E-mail"])


def test_without_sign_in_configured_everyone_is_the_local_admin(demo_copy):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert any("no sign-in configured" in c.value for c in at.sidebar.caption)
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Workspace: Local workspace"
    assert "**admin**" in at.caption[0].value
    assert any(s.value == "Audit log" for s in at.subheader)


def test_signed_out_users_see_only_the_sign_in_button(agency):
    at = _app(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.dataframe and not at.metric
    assert at.title[0].value == "Sway"


def test_a_user_without_workspace_is_told_what_to_do(agency):
    at = _app(_signed_in("stranger@elsewhere.example"))
    assert at.title[0].value == "No workspace yet"
    assert "no Sway workspace has you as a member" in at.warning[0].value
    assert [b.label for b in at.button] == ["Sign out"]


def test_viewer_sees_members_of_their_workspace_only_and_no_admin_tools(agency):
    at = _app(_signed_in("bob@both.example"))
    # bob is in both brands; the picker lists exactly those, the first (Brand A) chosen.
    assert at.sidebar.selectbox[0].options == ["Brand A (viewer)", "Brand B (editor)"]
    assert at.title[0].value == "Workspace: Brand A"
    assert "**viewer**" in at.caption[0].value
    assert _member_emails(at) == {"alice@a.example", "carol@a.example", "bob@both.example"}
    assert not at.text_input and not any(s.value == "Audit log" for s in at.subheader)


def test_switching_workspace_changes_scope_and_role(agency):
    at = _app(_signed_in("bob@both.example"))
    at.sidebar.selectbox[0].select_index(1).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Workspace: Brand B"
    assert "**editor**" in at.caption[0].value
    assert _member_emails(at) == {"dave@b.example", "bob@both.example"}


def test_editor_has_no_admin_tools(agency):
    at = _app(_signed_in("carol@a.example"))
    assert "**editor**" in at.caption[0].value
    assert not any(b.label == "Save member" for b in at.button)
    assert not any(s.value.startswith("Erase") for s in at.subheader)


def test_admin_adds_a_member_and_the_audit_log_shows_it(agency):
    at = _app(_signed_in("alice@a.example"))
    assert any(s.value == "Audit log" for s in at.subheader)
    at.text_input[0].input("Erin@A.example ")
    next(s for s in at.selectbox if s.label == "Role").select("editor")
    next(b for b in at.button if b.label == "Save member").click().run()
    assert not at.exception, at.exception
    assert "erin@a.example" in _member_emails(at)
    con = warehouse.connect(agency)
    try:
        brand_b = membership.access_for(
            con, "dave@b.example", membership.memberships(con, "dave@b.example")[0].workspace_id
        )
        assert "erin@a.example" not in {e for e, _ in membership.members(con, brand_b)}
    finally:
        con.close()
    log = at.dataframe[-1].value
    assert "Gave a member a role" in set(log["action"]) and "alice@a.example" in set(log["user_email"])
    assert "email: erin@a.example · role: editor · was: –" in set(log["details"])


def test_admin_bad_email_is_refused_with_a_clear_message(agency):
    at = _app(_signed_in("alice@a.example"))
    at.text_input[0].input("not an address")
    next(b for b in at.button if b.label == "Save member").click().run()
    assert r"is not an e\-mail address" in at.error[0].value  # Markdown-escaped: shown as typed
    assert _member_emails(at) == {"alice@a.example", "carol@a.example", "bob@both.example"}


def _make_operator(path: str, email: str) -> None:
    con = warehouse.connect(path)
    try:
        operators.grant(con, email)
    finally:
        con.close()


def test_an_admin_who_is_not_an_operator_cannot_erase_and_is_told_whom_to_ask(agency):
    at = _app(_signed_in("alice@a.example"))
    assert not any(n.label.startswith("Person id") for n in at.number_input)
    assert any("only an instance operator" in i.value and "runs this Sway server" in i.value for i in at.info)
    assert at.dataframe  # she still reads her workspace's audit log


def test_an_operator_erases_a_person_after_confirming(agency):
    _make_operator(agency, "alice@a.example")
    at = _app(_signed_in("alice@a.example"))
    person = next(n for n in at.number_input if n.label.startswith("Person id"))
    person.set_value(3).run()
    erase = next(b for b in at.button if b.label == "Erase this person")
    assert erase.disabled
    next(c for c in at.checkbox if "asked to be erased" in c.label).check().run()
    until_jobs_end(next(b for b in at.button if b.label == "Erase this person").click().run())
    assert not at.exception, at.exception
    assert any("Erased one person" in s.value for s in at.success)
    assert not any("There is no person" in w.value for w in at.warning)  # the box is empty again, not "no such person"
    con = warehouse.connect(agency)
    try:
        assert warehouse.scalar(con, "SELECT count(*) FROM people WHERE person_id = 3") == 0
    finally:
        con.close()


SHARED_DATA_CONTROLS = ("Import", "Refresh scores and topics", "Rebuild demo world")


def test_data_page_shows_import_refresh_and_rebuild_to_operators_only(agency):
    for email in ("alice@a.example", "carol@a.example"):  # a workspace admin, an editor: neither is an operator
        at = _app(_signed_in(email), page="pages/data.py")
        assert any("only an instance operator" in i.value for i in at.info), email
        assert not {b.label for b in at.button} & set(SHARED_DATA_CONTROLS), email
        assert not at.get("file_uploader"), email
        assert not any("Warehouse file" in c.value for c in at.caption), email  # where the server keeps its data

    _make_operator(agency, "dave@b.example")
    operator = _app(_signed_in("dave@b.example"), page="pages/data.py")
    assert not any("only an instance operator" in i.value for i in operator.info)
    for label in SHARED_DATA_CONTROLS:
        assert any(b.label == label for b in operator.button), label
    assert operator.get("file_uploader")
    assert any("Warehouse file" in c.value for c in operator.caption)


def test_an_unverified_address_is_not_matched_to_its_members_role(agency):
    at = _app(_signed_in("alice@a.example", verified=False), page=None)
    assert at.title[0].value == "E-mail address not verified"
    assert not at.sidebar.selectbox  # no workspace picker: nothing of Brand A is reachable


def test_a_placeholder_cookie_secret_refuses_to_serve(agency):
    at = AppTest.from_file(APP, default_timeout=120)
    at.secrets = {"auth": {**AUTH["auth"], "cookie_secret": "replace-with-a-long-random-string"}}
    at.user = _signed_in("alice@a.example")
    at.run()
    assert at.title[0].value == "Sway is not set up correctly"
    assert "token_hex(32)" in at.error[0].value
    assert not at.sidebar.selectbox


def test_a_running_server_whose_sign_in_settings_vanish_refuses_rather_than_opening(agency):
    assert [b.label for b in _app(None).button] == ["Sign in"]
    after = AppTest.from_file(APP, default_timeout=120)  # same server process, the secrets file now gone
    after.run()
    assert after.title[0].value == "Sway is not set up correctly"
    assert "deleted or moved" in after.error[0].value
    assert not after.sidebar.caption and not after.sidebar.selectbox


def test_without_sign_in_a_server_on_every_address_refuses_to_serve(demo_copy):
    config.set_option("server.address", "0.0.0.0")  # noqa: S104 - the case under test; the fixture resets it
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert at.title[0].value == "Sway is not set up correctly"
    assert "anyone who can reach the machine would be an admin" in at.error[0].value
    assert not any("no sign-in configured" in c.value for c in at.sidebar.caption)


def test_another_account_presenting_a_bound_address_gets_no_role(agency):
    first = _app(_signed_in("alice@a.example"), page=None)  # alice's own account binds the address
    assert first.sidebar.selectbox
    at = _app(_signed_in("alice@a.example", sub="idp|someone-else"), page=None)
    assert at.title[0].value == "This account cannot use that address"
    assert "workspace release" in at.error[0].value
    assert not at.sidebar.selectbox
