"""The app's background jobs: they run on their own thread, report progress, and keep how they ended."""

import logging
import threading

from core.ops.background import BackgroundJobs, JobState
from core.ops.lock import Busy


def _ended(jobs: BackgroundJobs, kind: str) -> JobState:
    """The job `kind` once its thread has ended (as a page would find it on a later visit)."""
    for thread in threading.enumerate():
        if thread.name.startswith(f"sway-{kind}-"):
            thread.join(30)
    state = jobs.state(kind)
    assert state is not None and not state.running
    return state


def test_a_job_reports_its_progress_while_it_runs_and_its_lines_once_ended():
    step = threading.Event()
    release = threading.Event()
    ended_first: list[str] = []
    jobs = BackgroundJobs(after=lambda: ended_first.append("after"))

    def work(progress):
        progress(0.4, "Scoring")
        step.set()
        release.wait(30)
        return ["Scored 600 people."]

    started = jobs.start("refresh", "ann@a.example", work)
    assert step.wait(30)
    running = jobs.state("refresh")
    assert running.running and (running.fraction, running.message) == (0.4, "Scoring")
    assert running.owner == "ann@a.example" and running.id == started.id
    release.set()
    ended = _ended(jobs, "refresh")
    assert not ended.running and ended.lines == ("Scored 600 people.",) and ended.error is None
    assert ended_first == ["after"]  # the app forgot its cached results before the end could be shown


def test_asking_again_while_a_job_runs_joins_it_instead_of_starting_a_second():
    release = threading.Event()
    calls: list[int] = []

    def work(progress):
        calls.append(1)
        release.wait(30)
        return []

    jobs = BackgroundJobs()
    first = jobs.start("refresh", "ann@a.example", work)
    again = jobs.start("refresh", "bob@a.example", work)
    release.set()
    _ended(jobs, "refresh")
    assert again.id == first.id and again.owner == "ann@a.example" and calls == [1]
    later = jobs.start("refresh", "bob@a.example", work)  # once it has ended, a new one may start
    assert later.id != first.id
    assert _ended(jobs, "refresh").owner == "bob@a.example" and calls == [1, 1]


def test_a_job_of_another_kind_runs_beside_it():
    release = threading.Event()
    jobs = BackgroundJobs()
    jobs.start("refresh", "ann@a.example", lambda progress: release.wait(30) and [])
    retrain = jobs.start("retrain", "ann@a.example", lambda progress: ["Retrained."])
    assert _ended(jobs, "retrain").lines == ("Retrained.",) and retrain.kind == "retrain"
    assert jobs.state("refresh").running
    release.set()
    assert _ended(jobs, "refresh").finished_at is not None


def test_an_explained_error_is_kept_in_its_own_words():
    def work(progress):
        raise Busy("A refresh started by bob@a.example at 10:02 is running: try again when it has finished.")

    jobs = BackgroundJobs()
    jobs.start("retrain", "ann@a.example", work, explained=(Busy,))
    ended = _ended(jobs, "retrain")
    assert ended.error.startswith("A refresh started by bob@a.example") and ended.lines == ()


def test_an_unexpected_error_is_named_as_such_and_logged_with_its_traceback(caplog):
    def work(progress):
        raise KeyError("person_id")

    jobs = BackgroundJobs()
    with caplog.at_level(logging.ERROR, logger="core.ops.background"):
        jobs.start("erase", "ann@a.example", work, explained=(Busy,))
        ended = _ended(jobs, "erase")
    assert "unexpected error" in ended.error and "KeyError" in ended.error and "log" in ended.error
    assert any(record.exc_info for record in caplog.records)


def test_no_job_of_a_kind_never_started():
    jobs = BackgroundJobs()
    assert jobs.state("refresh") is None and jobs.running() is None


def test_the_end_is_shown_once_and_a_running_job_of_any_kind_is_found():
    release = threading.Event()
    jobs = BackgroundJobs()
    assert jobs.running() is None
    started = jobs.start("retrain", "ann@a.example", lambda progress: release.wait(30) and ["Retrained."])
    assert jobs.running().id == started.id
    assert not jobs.show_end("retrain", started.id)  # not while it runs
    release.set()
    _ended(jobs, "retrain")
    assert jobs.running() is None
    assert jobs.show_end("retrain", started.id)  # the first session to come by shows it
    assert not jobs.show_end("retrain", started.id)  # no other, later, shows it again
    assert jobs.state("retrain").shown
