"""The raw events of the lake: one flat row per network event, the shape every connector writes and ingest reads.

A row keeps what Sway uses of an event (who, what, which record, its text, languages, hashtags, mentions, links,
the subject it reacts to) and the stream cursor it came with, so the lake can be replayed into any warehouse —
and read by other engines — without the network. Records are keyed by their at:// URI (Bluesky) or status URL
(Mastodon), so a replayed event is recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

# The kinds of row a connector writes; ingest maps each onto the warehouse (core/collect/mapping.py).
KINDS = ("post", "like", "repost", "follow", "delete", "identity", "account", "profile")

LAKE_SCHEMA = pa.schema(
    [
        ("network", pa.string()),
        ("time_us", pa.int64()),  # the stream cursor: microseconds since 1970 when the network relayed the event
        ("did", pa.string()),  # the acting account's external id (a Bluesky DID, a Mastodon account URL)
        ("kind", pa.string()),  # one of KINDS
        ("uri", pa.string()),  # the record: at://did/collection/rkey (for a delete, the deleted record)
        ("created_at", pa.timestamp("us")),  # the record's own time (falls back to time_us when absent or bad)
        ("text", pa.string()),
        ("langs", pa.list_(pa.string())),
        ("parent_uri", pa.string()),  # a reply's parent post
        ("quote_uri", pa.string()),  # the post a quote embeds
        ("subject", pa.string()),  # like / repost: the post's URI; follow: the followed account
        ("subject_did", pa.string()),  # whom it reacts to: subject's / parent's author, followed
        ("mentions", pa.list_(pa.string())),  # mentioned accounts (DIDs)
        ("tags", pa.list_(pa.string())),  # hashtags, without '#'
        ("links", pa.list_(pa.string())),
        ("web_url", pa.string()),  # where a person can open the post
        ("handle", pa.string()),
        ("display_name", pa.string()),
        ("bio", pa.string()),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("posts", pa.int64()),
        ("account_created_at", pa.timestamp("us")),
        ("active", pa.bool_()),  # account events: false when not active (the status says why)
        ("status", pa.string()),  # account events: why inactive
    ]
)
COLUMNS = tuple(LAKE_SCHEMA.names)

Row = dict[str, object]


@dataclass
class Tally:
    """What a connector could not use: counted per reason, with the first few events kept as samples for the log."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    max_samples: int = 5

    def skip(self, reason: str, raw: str | bytes) -> None:
        """Count one event skipped for `reason`; keep a short sample of it."""
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.samples) < self.max_samples:
            text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
            self.samples.append(f"{reason}: {text[:300]}")

    @property
    def total(self) -> int:
        """Events skipped for any reason."""
        return sum(self.counts.values())


def empty_row(network: str, time_us: int, did: str, kind: str) -> Row:
    """A lake row with every column present (null), so rows always build one Arrow batch."""
    row: Row = dict.fromkeys(COLUMNS)
    row.update(network=network, time_us=time_us, did=did, kind=kind)
    return row


def to_batch(rows: list[Row]) -> pa.RecordBatch:
    """Rows as one Arrow record batch in the lake's schema."""
    return pa.RecordBatch.from_pylist(rows, schema=LAKE_SCHEMA)
