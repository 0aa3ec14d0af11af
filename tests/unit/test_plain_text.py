"""Imported text on screen and in exports: Markdown shown literally, links only to web addresses, no direction
overrides, and query ids read without ever raising."""

import io
import re

import polars as pl
import pytest
from openpyxl import load_workbook

from core.campaigns import export as campaign_export
from core.discover import export_csv, export_xlsx
from ui.params import ID_MAX, id_from
from ui.text import WORD_JOINER, plain, plain_cells, web_links, web_url

RLO, LRI = "\u202e", "\u2066"


def _unescaped(markdown: str) -> str:
    """What CommonMark shows for text whose punctuation is all backslash-escaped (word joiners are invisible)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


# What GitHub-flavoured Markdown turns into links in text, after escapes (mdast-util-gfm-autolink-literal).
_GFM_AUTOLINKS = re.compile(r"(?i)(https?://|www(?=\.))[-.\w]+|[-.\w+]+@[-\w]+(\.[-\w]+)+", re.ASCII)


@pytest.mark.parametrize(
    "text",
    [
        "# Verify your Sway login [click](http://evil.example/x)",
        "![px](http://evil.example/p.png) <img src=x onerror=alert(1)> <b>hi</b>",
        "**bold** _it_ `code` ~~gone~~ $x^2$ | a | b |",
        "> quoted :red[colour] &amp; mail@evil.example www.evil.example WWW.Evil.example",
        '=HYPERLINK("https://evil.example","Click me") HTTP://evil.example/x',
        "1. list\\ with a backslash \\",
        "Zoë Müller 🌸 — plain words stay as they are",
    ],
)
def test_plain_round_trips_to_the_literal_text(text):
    shown = plain(text)
    assert _unescaped(shown).replace(WORD_JOINER, "") == text
    assert not _GFM_AUTOLINKS.search(_unescaped(shown))  # no bare address becomes a link
    # No Markdown syntax survives unescaped: every punctuation character has a backslash before it.
    assert not re.search(r"(?<!\\)[#\[\]()!<>*_`~$|&:@.]", re.sub(r"\\.", "", shown))


def test_plain_keeps_one_line_and_drops_direction_overrides():
    assert plain("Title\n===\n# heading") == r"Title \=\=\= \# heading"
    assert plain(f"{RLO}nimda{LRI} x") == "nimda x"
    assert plain(None) == "" and plain(42) == "42"
    assert plain("Mira Torvalen") == "Mira Torvalen"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "//evil.example/x",
        "/profile?person=1",
        "http://",
        "http://[::1",
        "vbscript:msgbox",
        "",
        None,
        42,
    ],
)
def test_only_web_addresses_become_links(url):
    assert web_url(url) is None


def test_web_addresses_keep_their_place():
    assert web_url("https://x.example/p?q=1#f") == "https://x.example/p?q=1#f"
    assert web_url(" HTTP://X.example/a ") == "http://X.example/a"
    frame = pl.DataFrame({"url": ["https://ok.example/1", "javascript:alert(1)", None, "data:x"]})
    # Missing where there is no link: the tables show a missing value as '–' (core.numbers.UNKNOWN).
    assert web_links(frame, "url")["url"].to_list() == ["https://ok.example/1", None, None, None]


def test_tables_lose_direction_overrides():
    frame = pl.DataFrame({"name": [f"{RLO}evil", "ok"], "bio": [f"{RLO}kept", "x"]})
    assert plain_cells(frame, "name", "absent")["name"].to_list() == ["evil", "ok"]
    assert plain_cells(frame, "name")["bio"][0] == f"{RLO}kept"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("²", None), ("-1", None), ("0", None), ("abc", None), ("1e3", None),
     ("99999999999999999999", None), (str(ID_MAX), ID_MAX), (str(ID_MAX + 1), None), ("", None), (None, None),
     ("١٢", None)],
)  # fmt: skip
def test_ids_from_the_address(text, expected):
    assert id_from(text) == expected


def test_exports_lose_direction_characters_in_names_and_handles():
    frame = pl.DataFrame({"Name": [f"{RLO}=cmd|' /C calc'!A0"], "Handles": [f"@{LRI}evil"]})
    csv = export_csv(frame).decode("utf-8-sig")
    assert RLO not in csv and LRI not in csv
    assert "'=cmd" in csv  # the formula behind the override is still neutralised
    sheet = load_workbook(io.BytesIO(export_xlsx(frame))).active
    assert [c.value for c in sheet[2]] == ["'=cmd|' /C calc'!A0", "'@evil"]
    people = pl.DataFrame(
        {"person_id": [1], "name": [f"{RLO}Mira"], "handles": [f"{LRI}@mira"], "status": ["invited"],
         "expected_mentions": [1.0], "topics": [["music"]]}
    )  # fmt: skip
    listed = campaign_export.list_csv(people).decode("utf-8-sig")
    assert RLO not in listed and LRI not in listed
