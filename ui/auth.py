"""Sign-in and the workspace picker: who is using this session and where (Streamlit glue, no SQL).

With an [auth] section in .streamlit/secrets.toml, users sign in through that OpenID Connect provider
(st.login) and act in one of the workspaces they are members of. Without one, Sway is a single local
workspace and everyone using the server is its admin.
"""

from __future__ import annotations

import threading

import streamlit as st

from core.ops import handoff
from core.workspace import membership
from core.workspace.access import LOCAL, Access, PermissionDenied
from ui import backend

_WORKSPACE_KEY = "workspace_id"


def sign_in_configured() -> bool:
    """True when secrets.toml has an [auth] section, i.e. users sign in through an identity provider."""
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def _email() -> str:
    return str(st.user.get("email") or "").strip().lower()


def require_sign_in() -> None:
    """Show the sign-in screen and stop unless sign-in is off or the user has signed in."""
    if not sign_in_configured() or st.user.is_logged_in:
        return
    st.title("Sway")
    st.write("Sign in with your work account to see your brands' campaigns and find influencers.")
    st.button("Sign in", type="primary", icon=":material/login:", on_click=st.login)
    st.stop()


def _no_workspace(email: str) -> None:
    st.title("No workspace yet")
    st.warning(
        f"You are signed in as **{email or 'an account without an e-mail address'}**, but no Sway workspace "
        "has you as a member yet. Ask an admin of your brand's workspace to add you on its Workspace page, "
        "then reload this page.",
        icon=":material/group_off:",
    )
    st.button("Sign out", icon=":material/logout:", on_click=st.logout)
    st.stop()


def sidebar() -> None:
    """The sidebar's identity block: local mode, or who is signed in with a workspace picker and sign-out."""
    _job_worker()
    if not sign_in_configured():
        st.sidebar.caption("Local workspace — no sign-in configured, everyone using this server sees the same data.")
        return
    email = _email()
    mine = membership.memberships(backend.cursor(), email)
    if not mine:
        _no_workspace(email)
    with st.sidebar:
        ids = [m.workspace_id for m in mine]
        if st.session_state.get(_WORKSPACE_KEY) not in ids:
            st.session_state[_WORKSPACE_KEY] = ids[0]
        names = {m.workspace_id: f"{m.name} ({m.role})" for m in mine}
        st.selectbox("Workspace", ids, format_func=names.__getitem__, key=_WORKSPACE_KEY)
        st.caption(f"Signed in as {email}")
        st.button("Sign out", icon=":material/logout:", on_click=st.logout)


def access() -> Access:
    """This session's Access: LOCAL without sign-in, else the stored membership in the chosen workspace."""
    if not sign_in_configured():
        return LOCAL
    try:
        return membership.access_for(backend.cursor(), _email(), st.session_state.get(_WORKSPACE_KEY, -1))
    except PermissionDenied as denied:
        st.error(f"{denied} Choose another workspace in the sidebar.", icon=":material/block:")
        st.stop()
        raise  # st.stop() ends the run; this line only tells type checkers so


@st.cache_resource(on_release=lambda stop: stop.set())
def _job_worker() -> threading.Event:
    """Start the thread that runs refreshes, backups and erasures asked for on the command line (once)."""
    stop = threading.Event()
    shared = backend.shared_warehouse()
    worker = threading.Thread(
        target=handoff.serve_requests, args=(shared.cursor, lambda: shared.path, stop), name="sway-jobs", daemon=True
    )
    worker.start()
    return stop
