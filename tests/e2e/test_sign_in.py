"""Signing in through a real OpenID Connect provider on loopback (oidc-provider-mock) and seeing only one's own
workspace. The server's secrets.toml lives in a temporary folder, never in the repository."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import oidc_provider_mock
import pytest
from playwright.sync_api import Page, expect

from core.db import warehouse
from core.db.warehouse import REPO_ROOT
from core.workspace import membership
from tests.e2e.conftest import _free_port, _wait_healthy

pytestmark = pytest.mark.e2e


@pytest.fixture
def provider() -> Iterator[str]:
    """A mock OpenID Connect provider on a free loopback port; any e-mail typed in its form signs in.

    The listed people's provider has verified their address; anyone else typed in gets an unverified e-mail claim.
    """
    verified = ("alice@a.example", "bob@a.example", "dave@b.example", "stranger@elsewhere.example")
    users = [oidc_provider_mock.User(sub=e, claims={"email": e, "email_verified": True}) for e in verified]
    with oidc_provider_mock.run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def _serve(db: str, secrets: Path, port: int) -> Iterator[str]:
    """The real app on `port` with `secrets` as its only secrets file, until the test ends."""
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--secrets.files", str(secrets)],
        cwd=REPO_ROOT, env={**os.environ, "SWAY_DB": db},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://localhost:{port}"
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", server)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert not (REPO_ROOT / ".streamlit" / "secrets.toml").exists()


@pytest.fixture
def signed_in_app(demo_copy, provider, tmp_path) -> Iterator[str]:
    """The real app with sign-in configured, serving two brands' membership."""
    con = warehouse.connect(demo_copy)
    membership.bootstrap(con, "Brand A", "alice@a.example")
    membership.bootstrap(con, "Brand A", "bob@a.example", "viewer")
    membership.bootstrap(con, "Brand B", "dave@b.example")
    membership.bootstrap(con, "Brand B", "erin@b.example", "editor")
    con.close()
    port = _free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
        'cookie_secret = "an-e2e-cookie-secret-that-is-long-enough"\n'
        'client_id = "sway-e2e"\n'
        'client_secret = "sway-e2e-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    yield from _serve(demo_copy, secrets, port)


def _sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(email)  # the provider's own authorization form
    page.get_by_role("button", name="Authorize").click()
    # The address reads as written; an invisible word joiner after its @ keeps it from becoming a mailto link.
    user, domain = email.split("@")
    shown = re.compile(rf"Signed in as {re.escape(user)}@\u2060?{re.escape(domain)}")
    expect(page.get_by_text(shown)).to_be_visible(timeout=60_000)


def test_signed_in_user_sees_only_their_own_workspace(signed_in_app, page: Page):
    _sign_in(page, signed_in_app, "bob@a.example")
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Workspace")
    expect(picker).to_have_value("Brand A (viewer)")
    picker.click()  # the open list offers bob's only workspace
    expect(page.get_by_role("option")).to_have_count(1)
    page.keyboard.press("Escape")

    page.goto(f"{signed_in_app}/workspace")
    expect(page.get_by_role("heading", name="Workspace: Brand A")).to_be_visible(timeout=30_000)
    members = page.get_by_test_id("stDataFrame")
    expect(members).to_be_visible()
    page_text = page.get_by_test_id("stMain").inner_text()
    assert "viewer" in page_text
    assert "Brand B" not in page_text and "dave@b.example" not in page.content()
    expect(page.get_by_role("heading", name="Audit log")).to_have_count(0)  # viewers get no admin tools


def test_a_stranger_signs_in_but_sees_no_workspace(signed_in_app, page: Page):
    page.goto(f"{signed_in_app}/profile?person=3")  # a shared link, before signing in: the sign-in screen alone
    expect(page.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill("stranger@elsewhere.example")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_text("no Sway workspace has you as a member")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Brand A")).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no pages listed that would refuse them anyway


def test_an_address_the_provider_did_not_verify_gets_no_workspace(signed_in_app, page: Page):
    # erin is an editor of Brand B, but her provider never confirmed the address: anyone could have typed it.
    page.goto(signed_in_app)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill("erin@b.example")
    page.get_by_role("button", name="Authorize").click()
    expect(page.get_by_role("heading", name="E-mail address not verified")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Brand B")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Workspace")).to_have_count(0)


EXAMPLE = REPO_ROOT / ".streamlit" / "secrets.toml.example"


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("the example with only the provider filled in", lambda text: text.replace("accounts.google", "idp.example")),
        ("a file that does not parse", lambda text: text.replace('client_id = "your-client-id"', "client_id = ")),
        ("a misspelt auth section", lambda text: text.replace("[auth]", "[Auth]")),
    ],
)
def test_unusable_sign_in_settings_serve_no_workspace(demo_copy, tmp_path, page: Page, name, make):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(make(EXAMPLE.read_text(encoding="utf-8")), encoding="utf-8")
    for url in _serve(demo_copy, secrets, _free_port()):
        page.goto(url)
        expect(page.get_by_role("heading", name="Sway is not set up correctly")).to_be_visible(timeout=60_000)
        # No page list: Streamlit would otherwise list the pages/ folder's file names, links into nothing.
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        page.goto(f"{url}/discover")  # a deep link gets no further
        expect(page.get_by_role("heading", name="Sway is not set up correctly")).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Page not found")).to_have_count(0)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
        expect(page.get_by_role("heading", name="Discover", exact=True)).to_have_count(0)
        expect(page.get_by_test_id("stDataFrame")).to_have_count(0)
