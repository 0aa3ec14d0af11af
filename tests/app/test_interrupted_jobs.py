"""AppTest: a job whose server process stopped under it is reported to whoever started it, once, where they
started it."""

from streamlit.testing.v1 import AppTest

from core.db import warehouse
from core.workspace.access import LOCAL
from tests.conftest import kill_while_holding_the_lock

APP = str(warehouse.REPO_ROOT / "app.py")
STOPPED = "you started at"


def _errors(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_a_refresh_cut_off_by_a_server_stop_is_reported_once_on_the_data_page(demo_copy):
    kill_while_holding_the_lock(demo_copy, "refresh", LOCAL.user)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/workspace.py").run()
    assert not any(STOPPED in e for e in _errors(at))  # said where the refresh is started, not elsewhere

    at.switch_page("pages/data.py").run()

    assert not at.exception, at.exception
    said = [e for e in _errors(at) if STOPPED in e]
    assert len(said) == 1 and said[0].startswith("The refresh you started at") and "did not finish" in said[0]
    assert "the warehouse is as it was before it started. Start it again." in said[0]
    at.run()
    assert not any(STOPPED in e for e in _errors(at))  # told once


def test_an_erasure_someone_else_started_is_not_reported_to_this_user(demo_copy):
    kill_while_holding_the_lock(demo_copy, "erasure", "alice@a.example")
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert not any("did not finish" in e for e in _errors(at))
