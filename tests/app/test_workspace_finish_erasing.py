"""AppTest: an erasure whose rewrite of the warehouse file failed is finished from the Workspace page."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.db import warehouse
from tests.app.waiting import until_jobs_end
from tests.conftest import erase_with_failed_rewrite

APP = str(warehouse.REPO_ROOT / "app.py")


def test_finish_erasing_rewrites_the_file_and_says_so(demo_copy, monkeypatch):
    erase_with_failed_rewrite(demo_copy, "APPFIN-unique-3307", monkeypatch)
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert any("An earlier erasure is not finished" in w.value for w in at.warning)

    until_jobs_end(next(b for b in at.button if b.label == "Finish erasing").click().run())

    assert not at.exception, at.exception
    flash = [s.value.replace("\\", "") for s in at.success]  # as shown: the escapes are not displayed
    assert any(f.startswith("Finished: the warehouse file was rewritten") for f in flash), flash
    assert not any("An earlier erasure is not finished" in w.value for w in at.warning)
    assert not any(b.label == "Finish erasing" for b in at.button)
    assert b"APPFIN-unique-3307" not in Path(demo_copy).read_bytes()
