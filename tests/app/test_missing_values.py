"""AppTest: an empty cell in any table reads "–" (not "None", which a marketer takes for a name or an error)."""

import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from core.numbers import UNKNOWN

APP = str(warehouse.REPO_ROOT / "app.py")


@pytest.mark.parametrize(
    "page", ["pages/discover.py", "pages/profile.py", "pages/campaigns.py", "pages/data.py", "pages/topics.py"]
)
def test_every_table_shows_a_missing_value_as_a_dash(demo_copy, page):
    at = AppTest.from_file(APP, default_timeout=120).run()
    con = warehouse.connect(demo_copy)
    try:  # the Profile shows whoever is asked for: the best-scored person, whose tables are all there
        at.query_params["person"] = str(
            warehouse.scalar(con, "SELECT person_id FROM scores WHERE network = 'all' ORDER BY score DESC LIMIT 1")
        )
    finally:
        con.close()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.dataframe, f"{page} shows no table to check"
    assert [frame.proto.placeholder for frame in at.dataframe] == [UNKNOWN] * len(at.dataframe)
