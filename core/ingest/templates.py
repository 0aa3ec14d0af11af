"""Template CSV files for each interchange kind: every column in the documented order and example rows.

The three templates fit together (the posts are by the template accounts, the interactions between them), so
importing all three at once into any warehouse passes every check; a marketer replaces the rows with their own.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from core.ingest.interchange import COLUMNS

KINDS: tuple[str, ...] = tuple(COLUMNS)
GUIDE = Path(__file__).with_name("INTERCHANGE.md")


def format_guide() -> str:
    """The interchange files' guide (INTERCHANGE.md), for the Data page: a marketer cannot open a repository file."""
    return GUIDE.read_text(encoding="utf-8")


_EXAMPLES: dict[str, list[dict[str, str]]] = {
    "accounts": [
        {"network": "instagram", "account_id": "ex-1001", "handle": "maya.bakes", "person_id": "maya",
         "display_name": "Maya Lindqvist", "bio": "Sourdough and weekend baking", "followers": "24500",
         "following": "310", "location": "Stockholm, Sweden", "language": "en", "created_at": "2019-03-14"},
        {"network": "tiktok", "account_id": "ex-2001", "handle": "maya.bakes", "person_id": "maya",
         "display_name": "Maya Lindqvist", "bio": "Bread in 60 seconds", "followers": "88000", "following": "120",
         "location": "Stockholm, Sweden", "language": "en", "created_at": "2021-06-02"},
        {"network": "instagram", "account_id": "ex-1002", "handle": "jonas_eats", "followers": "530"},
    ],
    "posts": [
        {"network": "instagram", "post_id": "ex-p1", "account_id": "ex-1001", "posted_at": "2024-05-01T14:30:00Z",
         "text": "First loaf from the new oven #sourdough", "url": "https://www.instagram.com/p/ex-p1/",
         "kind": "post", "parent_post_id": ""},
        {"network": "tiktok", "post_id": "ex-p2", "account_id": "ex-2001", "posted_at": "2024-05-02 09:15:00",
         "text": "Shaping a boule, step by step", "url": "", "kind": "post", "parent_post_id": ""},
    ],
    "interactions": [
        {"network": "instagram", "actor_account_id": "ex-1002", "target_account_id": "ex-1001", "type": "like",
         "occurred_at": "2024-05-01T15:00:00Z", "post_id": "ex-p1"},
        {"network": "instagram", "actor_account_id": "ex-1002", "target_account_id": "ex-1001", "type": "follow",
         "occurred_at": "2024-05-01T15:01:00Z", "post_id": ""},
    ],
}  # fmt: skip


def file_name(kind: str) -> str:
    """The template's download name; it starts with the kind, which is how an import recognises the file."""
    return f"{kind}_template.csv"


def template_csv(kind: str) -> bytes:
    """A UTF-8 CSV with every column of `kind` (required ones first, as documented) and example rows."""
    if kind not in COLUMNS:
        raise ValueError(f"Unknown file kind {kind!r}; templates exist for {', '.join(KINDS)}.")
    names = [column.name for column in COLUMNS[kind]]
    frame = pl.DataFrame([{name: row.get(name, "") for name in names} for row in _EXAMPLES[kind]], schema=names)
    out = io.BytesIO()
    frame.write_csv(out)
    return out.getvalue()
