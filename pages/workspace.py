"""Workspace page: who belongs to this workspace and with which role; for admins, members, new workspaces,
erasing a person on request and the audit log."""

from datetime import datetime

import streamlit as st

from core import privacy
from core.campaigns import records
from core.db.warehouse import WarehouseError
from core.numbers import UNKNOWN
from core.ops import backup as backup_ops
from core.ops import erase
from core.ops.lock import Busy
from core.workspace import audit, membership
from core.workspace.access import PermissionDenied
from ui import auth, backend, jobs, params, shell
from ui.text import plain

shell.ensure_app_shell()


def _operators_only(why: str) -> bool:
    """True for an instance operator; anyone else is told `why` not, and whom to ask."""
    if auth.operator(access):
        return True
    st.info(why, icon=":material/lock:")
    return False


access = auth.access()
cursor = backend.cursor()
signed_in = auth.sign_in_configured()

st.title(f"Workspace: {plain(membership.workspace_name(cursor, access))}")
article = "an" if access.role == "admin" else "a"
st.caption(f"You are **{access.role}** here ({article} {access.role} {membership.ROLE_HELP[access.role]}).")

for message in st.session_state.pop("workspace_messages", []):
    st.success(plain(message), icon=":material/check_circle:")

st.subheader("Members")
if not signed_in:
    st.info(
        "Sign-in is not configured, so this server has one local workspace and everyone using it is its admin. "
        "To give each brand its own workspace with its own members, ask whoever runs this Sway server to set up "
        'sign-in (the server\'s README, "Sign-in, workspaces and operations", says how).',
        icon=":material/info:",
    )
else:
    st.dataframe(
        [{"E-mail": email, "Role": role} for email, role in membership.members(cursor, access)],
        hide_index=True,
        placeholder=UNKNOWN,
    )

admin = access.allows("admin")
if signed_in and admin:
    with st.form("grant", clear_on_submit=True):
        st.markdown("**Add someone or change their role**")
        email_col, role_col = st.columns([3, 1])
        email = email_col.text_input("E-mail address they sign in with")
        role = role_col.selectbox("Role", membership.ROLES, format_func=str.capitalize)
        st.caption(" · ".join(f"**{r.capitalize()}** {text}" for r, text in membership.ROLE_HELP.items()))
        if st.form_submit_button("Save member", icon=":material/person_add:"):
            try:
                membership.grant(cursor, access, email, role)
            except (membership.WorkspaceError, PermissionDenied) as problem:
                st.error(plain(problem), icon=":material/error:")
            else:
                st.session_state["workspace_messages"] = [f"{email.strip()} is now {role} in this workspace."]
                st.rerun()
    others = [e for e, _ in membership.members(cursor, access) if e != access.user]
    if others:
        leaving_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
        leaving = leaving_col.selectbox("Remove a member", others, index=None, placeholder="Choose someone")
        if button_col.button("Remove", disabled=leaving is None, icon=":material/person_remove:"):
            try:
                membership.revoke(cursor, access, leaving)
            except (membership.WorkspaceError, PermissionDenied) as problem:
                st.error(plain(problem), icon=":material/error:")
            else:
                st.session_state["workspace_messages"] = [f"{leaving} was removed from this workspace."]
                st.rerun()

    if not auth.operator(access):
        st.info(
            "Workspaces for other brands or clients are created by the instance operator (the list of workspaces "
            "is the whole server's): ask whoever runs this Sway server.",
            icon=":material/lock:",
        )
    else:
        with st.form("create", clear_on_submit=True):
            st.markdown("**Create another workspace** (for another brand or client); you become its admin.")
            name = st.text_input("Name", placeholder="e.g. the brand's name")
            if st.form_submit_button("Create workspace", icon=":material/add_business:"):
                try:
                    membership.create_workspace(cursor, access, name, access.user)
                except (membership.WorkspaceError, PermissionDenied) as problem:
                    st.error(plain(problem), icon=":material/error:")
                else:
                    st.session_state["workspace_messages"] = [f"Created '{name.strip()}': pick it in the sidebar."]
                    st.rerun()
if not admin:
    st.stop()


st.subheader("Erase a person on request")
if _operators_only(
    "Erasing a person removes them from every workspace, so only an instance operator can do it: ask whoever "
    "runs this Sway server, giving them the person's id (the number after person= in their profile's address)."
):
    jobs.panel("finish_erasure", access, failure="The erasure is still not finished.")
    busy = jobs.busy()
    if erase.unfinished(cursor, backend.shared_warehouse().path):
        st.warning(
            "An earlier erasure is not finished: the person is gone from every table, but the warehouse file may "
            "still hold the bytes of their rows, because rewriting it failed (often a full disk: the rewrite needs "
            "as much free space as the warehouse) or the server stopped during it. Free disk space if it is short, "
            "then finish it.",
            icon=":material/warning:",
        )
        if st.button("Finish erasing", icon=":material/delete_sweep:", disabled=bool(busy), help=busy):
            shared = backend.shared_warehouse()
            jobs.start(
                "finish_erasure",
                access,
                lambda progress: erase.finish(shared, access, progress=progress),
                (Busy, PermissionDenied),
            )
    st.markdown(
        "Removes the person's accounts, posts, reactions, scores, topics and campaign list entries **everywhere** "
        "(every workspace), blanks their @handle where others' posts, bios and display names on the same network "
        "mention it (the same @name on another network may be someone else, so it stays), and keeps them out of "
        "later imports. It cannot be undone. The audit log keeps only that an erasure happened and how many rows it "
        "removed."
    )
    erasing = jobs.panel("erase", access, failure="Nothing was erased.")
    if erasing and not erasing.running and not erasing.error:
        st.query_params.pop("person", None)
        st.session_state.pop("erase_person", None)  # the id is gone: "no such person" would read as a failure
    asked = params.id_param("person")
    if asked is None and st.query_params.get("person"):
        st.info("No such person — type the id from their profile's address.")
    person_id = st.number_input(
        "Person id (the number after person= in their profile's address)",
        min_value=1,
        max_value=params.ID_MAX,
        step=1,
        value=asked,
        key="erase_person",
    )
    label = privacy.person_label(cursor, int(person_id)) if person_id else None
    if person_id and label is None:
        st.warning(f"There is no person {int(person_id)} in Sway. Check the id on their profile page.")
    elif label:
        st.markdown(f"Person {int(person_id)}: **{plain(label)}**")
        confirmed = st.checkbox("I have checked that this is the person who asked to be erased")
        if st.button(
            "Erase this person",
            type="primary",
            disabled=not confirmed or bool(busy),
            help=busy,
            icon=":material/delete_forever:",
        ):
            shared = backend.shared_warehouse()
            jobs.start(
                "erase",
                access,
                lambda progress: erase.erase(shared, access, person_id=int(person_id), progress=progress),
                (Busy, privacy.ErasureError, PermissionDenied),
            )

st.subheader("Back up the warehouse")
if _operators_only(
    "A backup holds every workspace's data, so only an instance operator can make one: ask whoever runs this "
    "Sway server."
):
    jobs.panel("backup", access, failure="No backup was written.")
    last = backup_ops.last_backup(cursor)
    st.markdown(plain(last.words()) if last else "The warehouse has not been backed up yet.")
    shared = backend.shared_warehouse()
    folder = backup_ops.default_folder(shared.path, datetime.now())
    busy = jobs.busy()
    if st.button("Back up now", icon=":material/backup:", disabled=bool(busy), help=busy):
        jobs.start(
            "backup",
            access,
            lambda progress: backup_ops.backup(
                shared.cursor(), access, db=shared.path, target=str(folder), progress=progress
            ),
            (Busy, PermissionDenied, WarehouseError),
        )
    st.caption(
        f"Writes every table as Parquet files, with their checksums, to a new folder in {folder.parent}. To restore "
        "one, stop the app and run `python -m core restore FOLDER`: people erased since the backup are erased again "
        "as it is restored."
    )

st.subheader("Audit log")
st.caption("Who did what in this workspace, and every import, refresh, backup and erasure (shared by all).")
st.dataframe(
    audit.readable_entries(cursor, access, campaigns=records.campaign_names(cursor, access)),
    hide_index=True,
    column_config={
        "happened_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
        "user_email": "Who",
        "action": "What",
        "details": "Details",
        "shared": st.column_config.CheckboxColumn("Shared data"),
    },
    placeholder=UNKNOWN,
)
