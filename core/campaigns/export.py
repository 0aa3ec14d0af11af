"""The campaign list as CSV or XLSX for outreach, through Discover's exports (formula injection neutralised)."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from core.campaigns.model import STATUSES
from core.discover import export_csv, export_xlsx
from core.vocabulary import topic_labels

_NOT_IN_FILE_NAMES = re.compile(r"[^a-z0-9]+")


def file_name(kind: str, campaign_name: str, extension: str) -> str:
    """A download's file name that says which campaign it is: 'sway-results-pixelbound-product-box-sep-2026.html'.

    Only ASCII letters and digits of the name are kept (accents dropped), so any system can store and open it.
    """
    ascii_name = unicodedata.normalize("NFKD", campaign_name).encode("ascii", "ignore").decode().lower()
    words = _NOT_IN_FILE_NAMES.sub("-", ascii_name).strip("-")[:60].rstrip("-")
    return f"sway-{kind}{'-' + words if words else ''}.{extension}"


_LABELS = {
    "name": "Name",
    "handles": "Handles",
    "status": "Status",
    "locked": "Locked",
    "score": "Score",
    "audience": "Audience",
    "topics": "Topics",
    "expected_mentions": "Expected mentions",
    "expected_low": "Expected at least",
    "expected_high": "Expected at most",
    "cost": "Cost",
    "notes": "Notes",
    "invited_at": "Invited",
    "responded_at": "Responded",
    "shipped_at": "Perk shipped",
    "posted_at": "Posted",
    "no_post_at": "Marked as not posting",
    "post_url": "Post",
    "person_id": "Sway person id",
}


def outreach_rows(members: pl.DataFrame) -> pl.DataFrame:
    """The list with readable headers and statuses, ready for a spreadsheet.

    A member marked as not posting has the date of that mark in posted_at (model.STATUS_DATES): it goes in a
    column of its own, so 'Posted' holds only dates of posts.
    """
    if "posted_at" in members.columns:
        didnt = pl.col("status") == "no_post"
        members = members.with_columns(
            posted_at=pl.when(~didnt).then(pl.col("posted_at")), no_post_at=pl.when(didnt).then(pl.col("posted_at"))
        )
    return members.with_columns(
        pl.col("status").replace_strict(STATUSES, default=pl.col("status")),
        *(pl.col(c).round(2) for c in ("expected_mentions", "expected_low", "expected_high") if c in members.columns),
        topic_labels(pl.col("topics")),
        *(  # in words, as Discover's exports
            [pl.col("locked").replace_strict({True: "Yes", False: "No"}, return_dtype=pl.String)]
            if "locked" in members.columns
            else []
        ),
    ).select([pl.col(c).alias(label) for c, label in _LABELS.items() if c in members.columns])


def list_csv(members: pl.DataFrame) -> bytes:
    """The list as UTF-8 CSV."""
    return export_csv(outreach_rows(members))


def list_xlsx(members: pl.DataFrame) -> bytes:
    """The list as one XLSX sheet."""
    return export_xlsx(outreach_rows(members), sheet="Campaign list")
