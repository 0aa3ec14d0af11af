"""Whether Sway serves with sign-in, without it, or not at all: the sign-in settings checked before any page.

Fail closed. Without any secrets file Sway is one local workspace (everyone using the server is its admin), so
it then serves only on a loopback address (`make run` listens on 127.0.0.1): without sign-in on any other
address, everyone who can reach the machine would be an admin. As soon as a secrets file exists, sign-in is
what its owner meant: a file that does not parse, an [auth] section that is missing or misspelt, a required
setting left out, or a cookie secret that is the example's, short or repetitive refuses to serve, with what to
fix. A cookie secret anyone can guess lets anyone forge Streamlit's identity cookie and sign in as any member.
A server that started with sign-in never drops to the local workspace while it runs (the file deleted or
renamed behind it): behind a proxy, even a loopback server faces the network.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

EXAMPLE_COOKIE_SECRET = "replace-with-a-long-random-string"  # noqa: S105 - the placeholder refused below
MIN_SECRET_CHARS = 32
MIN_DISTINCT_CHARS = 12  # a 32-character run of a few letters is not random
GENERATE = 'python -c "import secrets; print(secrets.token_hex(32))"'
_SERVER_KEYS = ("redirect_uri", "cookie_secret")
_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class SignInCheck:
    """The outcome: 'local' (no secrets file), 'sign_in' (usable settings) or 'refuse' with the problem."""

    mode: Literal["local", "sign_in", "refuse"]
    problem: str = ""


def _refuse(problem: str) -> SignInCheck:
    return SignInCheck("refuse", f"{problem} Sway will not serve until this is fixed, then restarted.")


def _cookie_secret_problem(secret: object) -> str | None:
    text = str(secret or "")
    if text == EXAMPLE_COOKIE_SECRET:
        return "the cookie_secret is still the example's placeholder"
    if len(text) < MIN_SECRET_CHARS or len(set(text)) < MIN_DISTINCT_CHARS:
        return f"the cookie_secret is too short or too simple (it needs {MIN_SECRET_CHARS}+ random characters)"
    return None


def check_auth(auth: Mapping[str, Any]) -> SignInCheck:
    """Check an [auth] section: server settings, a strong cookie secret and at least one complete provider.

    Streamlit accepts the provider's settings in [auth] itself or in named sections such as [auth.google].
    """
    missing = [key for key in _SERVER_KEYS if not auth.get(key)]
    if missing:
        return _refuse(f"The [auth] section of the secrets file lacks {', '.join(missing)}.")
    problem = _cookie_secret_problem(auth.get("cookie_secret"))
    if problem:
        return _refuse(
            f"In the secrets file's [auth] section {problem}: anyone could forge a sign-in with it. "
            f"Put a new one there, generated with: {GENERATE}"
        )
    providers = [auth] + [value for value in auth.values() if isinstance(value, Mapping)]
    if not any(all(p.get(key) for key in _PROVIDER_KEYS) for p in providers):
        return _refuse(
            "The [auth] section of the secrets file names no complete identity provider: it needs client_id, "
            "client_secret and server_metadata_url (in [auth] or in a section such as [auth.google])."
        )
    return SignInCheck("sign_in")


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine reaches; an unset one is not (Streamlit then listens everywhere)."""
    if not address:
        return False
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def check_sign_in(
    secret_files: Sequence[Path],
    loaded: Mapping[str, Any] | None,
    address: str | None,
    *,
    served_before: Collection[str] = (),
) -> SignInCheck:
    """Decide how to serve from the secrets files Streamlit reads, the secrets it loaded (if any), the address the
    server listens on, and the modes this server process has served in before.

    A process that once served with sign-in, or refused to serve, never falls back to local mode: a secrets file
    deleted or moved aside while it runs (even to mend it) must not open the app to everyone behind a proxy.

    `loaded` is what Streamlit parsed (it may hold an [auth] section even without a file, e.g. in tests);
    the files are read again here because Streamlit treats a file that does not parse as no file at all.
    """
    check = _from_secrets(secret_files, loaded)
    if check.mode != "local":
        return check
    if {"sign_in", "refuse"} & set(served_before):
        return _refuse(
            "This server has served with sign-in (or refused sign-in settings it could not use), and its secrets "
            "file is now gone: the file was deleted or moved while Sway was running. It will not fall back to "
            "serving everyone without sign-in. Put the mended secrets file back, or, to run Sway as one local "
            "workspace, restart it with `make run` (listening on 127.0.0.1 only)."
        )
    if not is_loopback(address):
        where = f"the address {address}" if address else "every network address of this machine"
        return _refuse(
            f"There is no secrets file, so Sway has no sign-in and everyone using it is an admin, but the server "
            f"listens on {where}: anyone who can reach the machine would be an admin. Start it with `make run` "
            "(without sign-in it listens on 127.0.0.1 only) or with --server.address 127.0.0.1, or set up sign-in "
            "in .streamlit/secrets.toml as .streamlit/secrets.toml.example shows."
        )
    return check


def _from_secrets(secret_files: Sequence[Path], loaded: Mapping[str, Any] | None) -> SignInCheck:
    """The mode the secrets alone ask for."""
    if loaded and "auth" in loaded:
        return check_auth(loaded["auth"])
    existing = [Path(p) for p in secret_files if Path(p).is_file()]
    for path in existing:
        try:
            parsed = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return _refuse(f"The secrets file {path} cannot be read ({exc}). Fix it as the example file shows.")
        if isinstance(parsed.get("auth"), Mapping):
            return check_auth(parsed["auth"])
    if existing:
        return _refuse(
            f"The secrets file {existing[0]} has no [auth] section, so nobody could sign in. Put the sign-in "
            "settings under [auth] as .streamlit/secrets.toml.example shows, or delete the file to run Sway "
            "without sign-in as one local workspace."
        )
    return SignInCheck("local")
