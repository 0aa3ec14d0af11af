"""Sign-in and the workspace picker: who is using this session and where (Streamlit glue, no SQL).

With an [auth] section in .streamlit/secrets.toml, users sign in through that OpenID Connect provider
(st.login) and act in one of the workspaces they are members of, matched by an e-mail address the provider
has verified. Without any secrets file, Sway is a single local workspace and everyone using the server is its
admin. A secrets file whose sign-in settings are unusable refuses to serve (core/workspace/signin.py).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import streamlit as st

from core.ops import jobs
from core.workspace import membership
from core.workspace.access import LOCAL, Access, PermissionDenied
from core.workspace.authorize import is_operator
from core.workspace.signin import SignInCheck, check_sign_in
from ui import backend, shell
from ui.text import plain

_WORKSPACE_KEY = "workspace_id"
_LOG = logging.getLogger("sway")
_logged: set[str] = set()


@st.cache_resource
def _modes_served() -> set[str]:
    """The sign-in modes this server process has served so far (once with sign-in, never local again)."""
    return set()


def _check() -> SignInCheck:
    """How to serve, from the secrets files Streamlit reads, what it loaded from them and the server's address."""
    loaded = st.secrets.to_dict() if st.secrets.load_if_toml_exists() else None
    served = _modes_served()
    check = check_sign_in(
        [Path(p) for p in st.get_option("secrets.files")],
        loaded,
        st.get_option("server.address"),
        served_before=served,
    )
    served.add(check.mode)
    return check


def sign_in_configured() -> bool:
    """True when users sign in through an identity provider (the settings were checked by require_sign_in)."""
    return _check().mode == "sign_in"


def _email() -> str:
    """The signed-in e-mail address, only when the provider says it verified it (else anyone could claim one)."""
    if st.user.get("email_verified") is not True:
        return ""
    return str(st.user.get("email") or "").strip().lower()


def _screen(title: str) -> None:
    """Begin a screen shown instead of the app (before app.py's navigation): its pages are hidden, where Streamlit
    would list the pages/ folder's file names, and a deep link names a known page (no "Page not found")."""
    st.navigation(shell.pages(), position="hidden")
    st.title(title)


def _refuse(problem: str) -> None:
    if problem not in _logged:  # once per problem, not once per page view
        _logged.add(problem)
        _LOG.error("Sway refuses to serve: %s", problem)
    _screen("Sway is not set up correctly")
    st.error(f"{problem}\n\nAsk whoever runs this Sway server to fix it.", icon=":material/lock:")
    st.stop()


def _unverified() -> None:
    _screen("E-mail address not verified")
    st.warning(
        "Your identity provider signed you in but did not confirm that the e-mail address on this account is "
        "yours, so Sway cannot match it to a workspace. Verify the address with your provider (or ask its "
        "administrator), then sign in again.",
        icon=":material/mark_email_unread:",
    )
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def require_sign_in() -> None:
    """Refuse to serve on unusable sign-in settings; show the sign-in screen until the user has signed in."""
    check = _check()
    if check.mode == "refuse":
        _refuse(check.problem)
    if check.mode == "local":
        return
    if st.user.is_logged_in:
        if not _email() and st.user.get("email"):
            _unverified()
        return
    _screen("Sway")
    st.write("Sign in with your work account to see your brands' campaigns and find influencers.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    st.stop()


def _refused_account(problem: str) -> None:
    _screen("This account cannot use that address")
    st.error(problem, icon=":material/no_accounts:")
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def _no_workspace(email: str) -> None:
    _screen("No workspace yet")
    st.warning(
        f"You are signed in as **{plain(email) or 'an account without an e-mail address'}**, but no Sway workspace "
        "has you as a member yet. Ask an admin of your brand's workspace to add you on its Workspace page, "
        "then reload this page.",
        icon=":material/group_off:",
    )
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def require_membership() -> list[membership.Membership]:
    """The signed-in user's workspaces (none to check without sign-in); an account refused its address, or one no
    workspace has as a member, gets a screen of its own instead of the app. Call before app.py's navigation where
    the warehouse exists, so those screens list no pages either."""
    if not sign_in_configured():
        return []
    email = _email()
    try:
        membership.bind_subject(backend.cursor(), email, str(st.user.get("sub") or ""))
    except PermissionDenied as denied:
        _refused_account(str(denied))
    mine = membership.memberships(backend.cursor(), email)
    if not mine:
        _no_workspace(email)
    return mine


def sidebar(mine: list[membership.Membership]) -> None:
    """The sidebar's identity block: local mode, or who is signed in (`mine`: their workspaces, from
    require_membership) with a workspace picker and sign-out."""
    _job_worker()
    if not sign_in_configured():
        st.sidebar.caption("Local workspace — no sign-in configured, everyone using this server sees the same data.")
        return
    with st.sidebar:
        ids = [m.workspace_id for m in mine]
        if st.session_state.get(_WORKSPACE_KEY) not in ids:
            st.session_state[_WORKSPACE_KEY] = ids[0]
        names = {m.workspace_id: f"{m.name} ({m.role})" for m in mine}
        st.selectbox("Workspace", ids, format_func=names.__getitem__, key=_WORKSPACE_KEY)
        st.caption(f"Signed in as {plain(_email())}")
        st.button("Sign out", icon=":material/logout:", on_click=st.logout)


def access() -> Access:
    """This session's Access: LOCAL without sign-in, else the stored membership in the chosen workspace."""
    if not sign_in_configured():
        return LOCAL
    try:
        return membership.access_for(backend.cursor(), _email(), st.session_state.get(_WORKSPACE_KEY, -1))
    except PermissionDenied as denied:
        st.error(f"{plain(denied)} Choose another workspace in the sidebar.", icon=":material/block:")
        st.stop()
        raise  # st.stop() ends the run; this line only tells type checkers so


def operator(access: Access) -> bool:
    """True when `access` may change the data every workspace shares (no sign-in configured, or a stored instance
    operator): only for deciding what a page shows, as core authorizes every such change again."""
    return is_operator(backend.cursor(), access)


@st.cache_resource(on_release=lambda stop: stop.set())
def _job_worker() -> threading.Event:
    """Start the thread that runs refreshes, backups and erasures asked for on the command line (once)."""
    stop = threading.Event()
    shared = backend.shared_warehouse()
    # A job from the command line changed the warehouse behind the sessions: their cached results must go (after
    # an erasure, the person's rows with them).
    worker = threading.Thread(
        target=jobs.serve_requests, args=(shared, stop, backend.data_changed), name="sway-jobs", daemon=True
    )
    worker.start()
    return stop
