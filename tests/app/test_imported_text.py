"""AppTest: imported text is shown literally — no links, images, headings or HTML from a file's content.

A person's name, handles, place and posts come from files anyone can write; Streamlit renders Markdown in
titles, captions, alerts and labels, so unescaped they would become a fake "Verify your login" link and a
tracking pixel.
"""

import pytest
from streamlit.testing.v1 import AppTest

from core.db import warehouse
from tests.unit import discover_world as world
from tests.unit.discover_world import EVIL, MIRA
from ui.text import WORD_JOINER

APP = str(warehouse.REPO_ROOT / "app.py")
NAME = "# Verify your Sway login [click](http://evil.example/x) ![px](http://evil.example/p.png) <b>hi</b>"
ESCAPED_NAME = (
    r"\# Verify your Sway login \[click\]\(http\:\/\/evil\.example\/x\) "
    r"\!\[px\]\(http\:\/\/evil\.example\/p\.png\) \<b\>hi\<\/b\>"
)
POST = "Great deal ![t](http://evil.example/t.png)\n===\n[win](javascript:alert(1))"
HANDLE = "@‮nimda [x](http://evil.example)"  # with a right-to-left override


@pytest.fixture
def hostile_world(tmp_path, monkeypatch) -> str:
    """The known world with Mira's name, handles, place and posts replaced by hostile Markdown."""
    path = world.file_warehouse(tmp_path / "hostile.duckdb")
    con = warehouse.connect(path)
    try:
        con.execute(
            "UPDATE discovery SET name = ?, handles = ?, location = ? WHERE person_id = ?",
            [NAME, HANDLE, "**Bold** $x^2$ town", MIRA],
        )
        con.execute("UPDATE people SET name = ? WHERE person_id = ?", [NAME, MIRA])
        con.execute("UPDATE accounts SET handle = ? WHERE person_id = ?", [HANDLE, EVIL])
        con.execute("UPDATE posts SET text = ?, url = 'javascript:alert(1)'", [POST])
    finally:
        con.close()
    monkeypatch.setenv("SWAY_DB", path)
    return path


def _open(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def _visible(text: str) -> str:
    """The text as it reads: the word joiners that keep addresses from becoming links (ui.text) are invisible."""
    return text.replace(WORD_JOINER, "")


def _rendered_markdown(at: AppTest) -> list[str]:
    """Every value Streamlit renders as Markdown: titles, headers, captions, markdown, alerts, labels."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "toast")
    values = [e.value for kind in kinds for e in at.get(kind)]
    return [_visible(v) for v in values + [e.label for e in at.expander] + [e.label for e in at.metric]]


def test_the_profile_shows_an_imported_name_literally(hostile_world):
    at = _open("pages/profile.py", person=str(MIRA))
    assert _visible(at.title[0].value) == ESCAPED_NAME
    shown = _rendered_markdown(at)
    assert not [v for v in shown if "](http" in v or "![" in v or "<b>" in v]
    assert not any(v.lstrip().startswith("#") for v in shown)
    caption = _visible(at.caption[0].value)
    assert r"\[x\]\(http\:\/\/evil\.example\)" in caption and "\u202e" not in caption
    assert r"\*\*Bold\*\* \$x\^2\$ town" in caption


def test_the_profile_links_only_web_addresses(hostile_world):
    at = _open("pages/profile.py", person=str(MIRA))
    posts = at.dataframe[-1].value
    # javascript: never becomes a link: with no web address left among the posts, there is no link column at all.
    assert "url" not in posts.columns
    assert POST in posts["text"].tolist()  # tables show the text as it is


def test_a_flag_label_shows_the_handle_literally(hostile_world):
    at = _open("pages/profile.py", person=str(EVIL))
    labels = [_visible(e.label) for e in at.expander]
    assert any(r"\[x\]\(http\:\/\/evil\.example\)" in label for label in labels), labels
    assert not any("\u202e" in label for label in labels)


def test_the_erase_form_names_the_person_literally(hostile_world):
    at = _open("pages/workspace.py", person=str(MIRA))
    shown = _rendered_markdown(at)
    assert any(ESCAPED_NAME in v for v in shown), shown
    assert not any("](http" in v or "![" in v for v in shown)
