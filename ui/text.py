"""Text from the warehouse made safe for Streamlit's Markdown: shown literally, never as formatting or links.

Titles, headers, captions, alerts, `st.markdown`, `st.write` and widget labels all render Markdown (and
LaTeX, and coloured directives), so an imported name like `# Verify your login [click](http://evil.example)`
would become a heading with a real link, and `![x](http://…)` would load a tracking image. Every imported
value that reaches such a call goes through `plain`; a web address from the data becomes a link only
through `web_url`, which accepts nothing but http(s).
"""

from __future__ import annotations

import re

import polars as pl

from core.discover.columns import NETWORK_LABELS
from core.web_address import web_url

# Text-direction overrides and isolates make a name display as something else (imports remove them from
# names and handles; rows stored before they did may still hold some).
DIRECTION = "[\u202a-\u202e\u2066-\u2069]"
_DIRECTION = re.compile(DIRECTION)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character: all escapable in Markdown
_LINE_BREAKS = re.compile(r"\s*[\n\r\x0b\x0c\x85\u2028\u2029]\s*")
# Where GitHub-flavoured Markdown (Streamlit's) turns bare text into a link, escaped or not: "http://", "https://",
# "www." and an e-mail's "@". An invisible word joiner there breaks the pattern and leaves the text as written.
_AUTOLINK = re.compile(r"(?i)(?<=http:)(?=//)|(?<=https:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"


def plain(text: object) -> str:
    """`text` escaped so that Markdown shows it exactly as written, on one line, without direction overrides.

    Backslash-escaping every ASCII punctuation character is what CommonMark offers for literal text; it
    covers links, images, HTML tags, headings, emphasis, code, tables, quotes, lists, LaTeX (`$`) and
    Streamlit's `:color[...]` directives. Line breaks become spaces: a line of its own could still start a
    block (`===` under a line makes it a heading). Escaping does not stop bare web and e-mail addresses from
    becoming links (GFM finds them in the text after escapes); a word joiner inside each does.
    """
    if text is None:
        return ""
    one_line = _LINE_BREAKS.sub(" ", _DIRECTION.sub("", str(text))).strip()
    return _PUNCTUATION.sub(r"\\\1", _AUTOLINK.sub(WORD_JOINER, one_line))


def web_links(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`frame` with `column` kept only where it is an http(s) address (else missing: the table shows '–'), for a
    LinkColumn."""
    return frame.with_columns(pl.col(column).map_elements(web_url, return_dtype=pl.String, skip_nulls=True))


def plain_cells(frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """`frame` with direction overrides removed from the named text columns (tables show text literally)."""
    return frame.with_columns(pl.col(c).str.replace_all(DIRECTION, "") for c in columns if c in frame.columns)


def network_names(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`column`'s stored network names as people write them (twitter -> Twitter); other values stay."""
    return frame.with_columns(pl.col(column).cast(pl.String).replace(NETWORK_LABELS))
