"""AppTest: a page that was reading when the warehouse file was swapped under it is drawn again on the new file."""

from streamlit.testing.v1 import AppTest

import core.home
from core.db import warehouse
from ui import backend

APP = str(warehouse.REPO_ROOT / "app.py")


def test_a_page_read_across_a_file_swap_is_drawn_again_instead_of_failing(demo_copy, monkeypatch):
    real = core.home.home
    calls: list[int] = []

    def read_across_a_swap(con, *args):
        calls.append(1)
        if len(calls) == 1:
            backend.shared_warehouse().close()  # what a rebuild's or an erasure's swap does to a reading page
        return real(con, *args)

    monkeypatch.setattr(core.home, "home", read_across_a_swap)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    assert len(calls) == 2 and at.title[0].value == "Sway" and at.markdown  # drawn again, on the reopened connection


def test_a_connection_that_keeps_failing_is_shown_not_retried_forever(demo_copy, monkeypatch):
    calls: list[int] = []

    def always_closed(con, *args):
        calls.append(1)
        backend.shared_warehouse().close()
        con.execute("SELECT 1")

    monkeypatch.setattr(core.home, "home", always_closed)
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert at.exception and len(calls) == 4  # the first run and three more, then the error
