"""The app's long jobs on the server's own threads (core.ops.background): a button starts one, and its panel shows
its progress, moving on its own, and then how it ended, to whoever comes back to the page."""

from __future__ import annotations

from datetime import date, datetime

import streamlit as st

from core.ops import lock
from core.ops.background import BackgroundJobs, JobState, Work
from core.workspace.access import Access
from ui import backend
from ui.text import plain

LEAVE_NOTE = (
    "You can leave this page or close the tab: the job keeps running on the server, and this page shows how it "
    "ended when you come back."
)


@st.cache_resource
def _jobs() -> BackgroundJobs:
    """The server's background jobs, shared by every session; each one's end forgets the cached query results."""
    return BackgroundJobs(after=backend.data_changed)


def start(kind: str, access: Access, work: Work, explained: tuple[type[Exception], ...]) -> None:
    """Start the job `kind` (or join the one running) and draw the page again, now with its progress."""
    _jobs().start(kind, access.user, work, explained)
    st.rerun()


def panel(kind: str, access: Access, *, failure: str) -> JobState | None:
    """Show the job `kind` here: its progress while it runs; once ended, its result or `failure` and the reason.

    The end is shown once, to the user who started the job, in the first of their sessions to come by (the one
    that started it, or a new one if they closed that tab); so is a job of this kind whose process stopped before
    it ended (core.ops.lock.interrupted). Returns the job while it runs or when its end was shown in this run (so
    the page can clear what the job used up).
    """
    job = _jobs().state(kind)
    if job is not None and job.running:
        _progress(kind, job.id)
        return job
    _interrupted(kind, access)
    if job is None:
        return None
    ending = f"_sway_job_end_{kind}"
    if st.session_state.get(ending) != job.id:
        if job.owner == access.user and _jobs().show_end(kind, job.id):
            st.session_state[ending] = job.id
            backend.data_changed()  # a run that overlapped the job's end may have cached what the job replaced
            st.rerun()  # so this page is drawn once more, on the new data, and shows the end there
        return None
    del st.session_state[ending]
    if job.error:
        st.error(f"{failure}\n\n{plain(job.error)}", icon=":material/error:")
        st.caption(f"Asked for {_when(job.started_at)}.")
    else:
        for line in job.lines:
            st.success(plain(line), icon=":material/check_circle:")
        st.caption(f"Started {_when(job.started_at)}, ended {_when(job.finished_at)}.")
    return job


def _interrupted(kind: str, access: Access) -> None:
    """Tell the user who started a job of `kind` that its process stopped before it ended (once: then forgotten)."""
    db = backend.shared_warehouse().path
    stopped = lock.interrupted(db)
    if stopped is None or _LOCK_JOBS.get(stopped.job) != kind or stopped.user != access.user:
        return
    lock.dismiss(db, stopped)
    st.error(plain(stopped.words(access.user)), icon=":material/error:")


# The lock's job names (core.ops.*) to the kind of the page's panel that starts that job.
_LOCK_JOBS = {
    "refresh": "refresh",
    "import": "import",
    "demo rebuild": "rebuild",
    "topic retrain": "retrain",
    "erasure": "erase",
}


def busy() -> str | None:
    """Why the job buttons are greyed out: a job of the app is running (two never run at once); None when not."""
    job = _jobs().running()
    if job is None:
        return None
    return f"Wait until the {_NAMES.get(job.kind, job.kind)} started {_when(job.started_at)} has finished."


_NAMES = {
    "refresh": "refresh",
    "import": "import",
    "rebuild": "rebuild of the demo world",
    "retrain": "topic retrain",
    "erase": "erasure",
    "finish_erasure": "erasure",
    "backup": "backup",
}


@st.fragment(run_every=1)
def _progress(kind: str, job_id: int) -> None:
    job = _jobs().state(kind)
    if job is None or job.id != job_id or not job.running:
        st.rerun(scope="app")  # it ended: draw the whole page again, with the new data and how the job ended
    st.progress(job.fraction, text=plain(job.message))
    st.caption(f"Started {_when(job.started_at)}. {LEAVE_NOTE}")


def _when(moment: datetime) -> str:
    """'at 14:05' today; 'on 06 Dec at 14:05' for a job that ended before today, as the end is shown only once."""
    return f"at {moment:%H:%M}" if moment.date() == date.today() else f"on {moment:%d %b} at {moment:%H:%M}"
