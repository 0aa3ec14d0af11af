"""Sign-in settings fail closed: a secrets file that is broken, misspelt or weak refuses to serve."""

from pathlib import Path

import pytest

from core.workspace.signin import EXAMPLE_COOKIE_SECRET, check_auth, check_sign_in

LOOPBACK = "127.0.0.1"
EXAMPLE = Path(__file__).resolve().parents[2] / ".streamlit" / "secrets.toml.example"
GOOD = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "9f2c4e1ab77d03c5e8a6f1b2d4c90e3a7b5d1f08c2e4a6b8",
    "client_id": "sway",
    "client_secret": "s3cr3t",
    "server_metadata_url": "https://idp.example/.well-known/openid-configuration",
}


def test_no_secrets_file_means_the_local_workspace(tmp_path):
    assert check_sign_in([tmp_path / "secrets.toml"], None, LOOPBACK).mode == "local"


def test_complete_settings_sign_in(tmp_path):
    assert check_sign_in([], {"auth": GOOD}, LOOPBACK).mode == "sign_in"
    named = {k: v for k, v in GOOD.items() if k in ("redirect_uri", "cookie_secret")}
    named["google"] = {k: GOOD[k] for k in ("client_id", "client_secret", "server_metadata_url")}
    assert check_sign_in([], {"auth": named}, LOOPBACK).mode == "sign_in"


def test_the_example_file_with_only_the_provider_filled_in_is_refused(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace(
            "https://accounts.google.com/.well-known/openid-configuration", "https://idp.example/.well-known/oidc"
        ),
        encoding="utf-8",
    )
    check = check_sign_in([secrets], None, LOOPBACK)
    assert check.mode == "refuse"
    assert "placeholder" in check.problem and "token_hex(32)" in check.problem


@pytest.mark.parametrize("secret", [EXAMPLE_COOKIE_SECRET, "short-secret", "a" * 64, "ab" * 16, ""])
def test_weak_cookie_secrets_are_refused(secret):
    check = check_auth(GOOD | {"cookie_secret": secret})
    assert check.mode == "refuse"
    assert "cookie_secret" in check.problem


def test_a_secrets_file_that_does_not_parse_is_refused_not_ignored(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://x\n', encoding="utf-8")
    check = check_sign_in([secrets], None, LOOPBACK)
    assert check.mode == "refuse"
    assert str(secrets) in check.problem


def test_a_misspelt_auth_section_is_refused(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[Auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in GOOD.items()), encoding="utf-8")
    check = check_sign_in([secrets], {"Auth": GOOD}, LOOPBACK)
    assert check.mode == "refuse"
    assert "no [auth] section" in check.problem


@pytest.mark.parametrize("missing", ["redirect_uri", "cookie_secret", "client_id", "server_metadata_url"])
def test_a_missing_setting_is_refused(missing):
    check = check_auth({k: v for k, v in GOOD.items() if k != missing})
    assert check.mode == "refuse"


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "192.168.1.20", "::", "sway.example.com"])  # noqa: S104
def test_without_sign_in_a_server_reachable_from_the_network_refuses(tmp_path, address):
    check = check_sign_in([tmp_path / "secrets.toml"], None, address)
    assert check.mode == "refuse"
    assert "127.0.0.1" in check.problem and "secrets.toml.example" in check.problem


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_without_sign_in_a_loopback_server_is_the_local_workspace(tmp_path, address):
    assert check_sign_in([tmp_path / "secrets.toml"], None, address).mode == "local"


def test_sign_in_on_any_address_is_allowed():
    assert check_sign_in([], {"auth": GOOD}, "0.0.0.0").mode == "sign_in"  # noqa: S104


def test_a_server_that_signed_in_never_drops_to_the_local_workspace(tmp_path):
    check = check_sign_in([tmp_path / "secrets.toml"], None, LOOPBACK, served_before={"sign_in"})
    assert check.mode == "refuse"
    assert "deleted or moved" in check.problem


def test_a_server_that_refused_broken_settings_stays_refused_when_the_file_is_moved_aside(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[auth\nredirect_uri = ", encoding="utf-8")
    first = check_sign_in([secrets], None, LOOPBACK)
    assert first.mode == "refuse"
    secrets.unlink()  # the operator moves the broken file aside to mend it
    again = check_sign_in([secrets], None, LOOPBACK, served_before={first.mode})
    assert again.mode == "refuse"
    assert "deleted or moved" in again.problem


def test_a_local_server_stays_local_without_a_secrets_file(tmp_path):
    assert check_sign_in([tmp_path / "secrets.toml"], None, LOOPBACK, served_before={"local"}).mode == "local"
