"""AppTest: an instance operator backs the warehouse up from the Workspace page and sees when it last was."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.backups.folder import read_manifest
from core.db import warehouse
from tests.app.waiting import until_jobs_end

APP = str(warehouse.REPO_ROOT / "app.py")


def test_back_up_now_writes_a_new_folder_beside_the_warehouse_and_says_when(demo_copy):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("pages/workspace.py").run()
    assert not at.exception, at.exception
    assert any(m.value == "The warehouse has not been backed up yet." for m in at.markdown)

    until_jobs_end(next(b for b in at.button if b.label == "Back up now").click().run())

    assert not at.exception, at.exception
    folders = list(Path(demo_copy + ".backups").iterdir())
    assert len(folders) == 1 and read_manifest(folders[0])["tables"]
    flash = [s.value.replace("\\", "") for s in at.success]
    assert any(f.startswith("Backed up ") and str(folders[0]) in f for f in flash), flash
    shown = [m.value.replace("\\", "") for m in at.markdown]  # as displayed: the escapes are not shown
    last = [m for m in shown if m.startswith("Last backup: ")]
    assert len(last) == 1 and last[0].endswith(f"to {folders[0]}.")
