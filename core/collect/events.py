"""The raw events of the lake: one flat row per network event, the shape every connector writes and ingest reads.

A row keeps what Sway uses of an event (who, what, which record, its text, languages, hashtags, mentions, links,
the subject it reacts to) and the stream cursor it came with, so the lake can be replayed into any warehouse —
and read by other engines — without the network. Records are keyed by their at:// URI (Bluesky) or status URL
(Mastodon), so a replayed event is recognised.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pyarrow as pa

# The kinds of row a connector writes; ingest maps each onto the warehouse (core/collect/mapping.py).
KINDS = ("post", "like", "repost", "follow", "delete", "identity", "account", "profile", "listed")

LAKE_SCHEMA = pa.schema(
    [
        ("network", pa.string()),
        ("time_us", pa.int64()),  # the stream cursor: microseconds since 1970 when the network relayed the event
        ("did", pa.string()),  # the acting account's external id (a Bluesky DID, a Mastodon account URL)
        ("kind", pa.string()),  # one of KINDS
        ("uri", pa.string()),  # the record: at://did/collection/rkey (a delete: the deleted one; `listed`: recheck.py)
        ("created_at", pa.timestamp("us")),  # the record's own time (falls back to time_us when absent or bad)
        ("text", pa.string()),
        ("langs", pa.list_(pa.string())),
        ("parent_uri", pa.string()),  # a reply's parent post
        ("quote_uri", pa.string()),  # the post a quote embeds
        ("subject", pa.string()),  # like / repost: the post's URI; follow: the followed account
        ("subject_did", pa.string()),  # whom it reacts to: subject's / parent's author, followed
        ("mentions", pa.list_(pa.string())),  # mentioned accounts (DIDs); `listed`: everyone the list showed
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
# The keys connectors make for a reaction a look-up found without its record's name (a Bluesky like or repost from
# getLikes or getRepostedBy, a Mastodon favourite or boost): at://<actor>/<collection>/lookup:<post> and
# <instance>/like|repost/<status>/<account>. Such a row is stamped when it was looked up, and its deletion (the
# look-up noticed it taken back) hides only what was seen before it, as the same reaction may be given again
# (core/collect/ingest.py; core/privacy.py erases these keys by the people they name). A real record key of the form
# would only lose the finality of its own deletion.
LOOKUP_KEY = r"^at://[^/]+/[^/]+/lookup:|^[^/]+/(like|repost)/[^/]+/[^/]+$"

Row = dict[str, object]


# What a sample may show as it is, besides the structure, field names, booleans and nulls: a connector's test
# of a value at a path of field names (e.g. ("commit", "collection")), true only for values the protocol, not a
# person, chose. Everything else is replaced by its type and length (see shape).
Shown = Callable[[tuple[str, ...], str | int | float], bool]
SAMPLE_CHARS = 600  # a shaped sample is longer than the raw event's short values; this keeps a post's whole shape
_DEPTH = 16  # nesting shown; deeper values are one placeholder
_ITEMS = 3  # a list's items shown; the rest are counted
_KEYS = 40  # an object's fields shown; the rest are counted
_FIELD = re.compile(r"\$?[A-Za-z][A-Za-z0-9_]{0,63}")  # a lexicon's field name; a DID, handle or phrase is not one
# What a string looks like, named in its placeholder (so a DID where a handle belongs shows), never what it says.
_FORMATS = (
    ("did", re.compile(r"did:[a-z]+:\S+")),
    ("at-uri", re.compile(r"at://\S+")),
    ("url", re.compile(r"https?://\S+")),
    ("datetime", re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?")),
)


def nothing_shown(path: tuple[str, ...], value: str | int | float) -> bool:
    """Show no value: every string and number becomes a placeholder."""
    return False


def sample(event: object, shown: Shown = nothing_shown) -> str:
    """What a skipped event's sample keeps: a decoded event's shape as JSON (see shape), at most SAMPLE_CHARS; of
    raw text or bytes (a frame that is not JSON, or too deeply nested to read), only their length and whether
    they open like JSON."""
    if isinstance(event, str | bytes):
        unit = "characters" if isinstance(event, str) else "bytes"
        opens = event[:1] in ("{", "[", b"{", b"[")
        return f"({len(event):,} {unit}" + (f", starting with {event[:1]!r})" if opens else ")")
    return json.dumps(shape(event, shown))[:SAMPLE_CHARS]


def shape(value: object, shown: Shown = nothing_shown, path: tuple[str, ...] = (), depth: int = 0) -> object:
    """`value` (decoded JSON) with its nesting, field names, booleans and nulls, every other value replaced by a
    placeholder of its type and length ("<str 24>", "<did 32>", "<int 16>") unless `shown(path, value)`.

    A skipped event can name a person who is later erased, and a running collector rewrites its state file from
    memory: so a sample holds what helps debugging (which field had which type, where) and nothing of anyone.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str | int | float):
        if shown(path, value):
            return value
        if isinstance(value, str):
            return f"<{_format(value)} {len(value)}>"
        return f"<{type(value).__name__} {_digits(value)}>"
    if depth >= _DEPTH:
        return "<nested deeper>"
    if isinstance(value, list):
        items = [shape(item, shown, path, depth + 1) for item in value[:_ITEMS]]
        return items + ([f"<{len(value) - _ITEMS} more>"] if len(value) > _ITEMS else [])
    if isinstance(value, dict):
        return _shape_object(value, shown, path, depth)
    return f"<{type(value).__name__}>"


def _shape_object(value: dict, shown: Shown, path: tuple[str, ...], depth: int) -> dict[str, object]:
    """An object's shape: fields named as they are when they look like a lexicon's field names, else numbered."""
    shaped: dict[str, object] = {}
    for number, (key, item) in enumerate(list(value.items())[:_KEYS], start=1):
        name = key if isinstance(key, str) and _FIELD.fullmatch(key) else f"<key {number}: {len(str(key))} chars>"
        shaped[name] = shape(item, shown, (*path, name), depth + 1)
    if len(value) > _KEYS:
        shaped["<more>"] = f"<{len(value) - _KEYS} fields>"
    return shaped


def _digits(number: int | float) -> int | str:
    """How many characters `number` is written with ("many" past what Python writes out: 4,300 digits)."""
    return len(str(abs(number))) if not isinstance(number, int) or number.bit_length() < 14_000 else "many"


def _format(text: str) -> str:
    """The kind of string `text` looks like (did, at-uri, url, datetime, else str)."""
    return next((name for name, pattern in _FORMATS if pattern.fullmatch(text)), "str")


@dataclass
class Tally:
    """What a connector could not use: counted per reason, with the first few events' shapes kept as samples for the
    log and the collector's state file."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    max_samples: int = 5

    def skip(self, reason: str, event: object, shown: Shown = nothing_shown) -> None:
        """Count one event skipped for `reason`, a fixed text (never a value of the event); keep a sample of its
        shape, never its content (see `sample`): `shown` picks the protocol's own values it may show."""
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.samples) < self.max_samples:
            self.samples.append(f"{reason}: {sample(event, shown)}")

    @property
    def total(self) -> int:
        """Events skipped for any reason."""
        return sum(self.counts.values())


def now_us() -> int:
    """Now in microseconds since 1970: the time of a row stamped when Sway makes it, not by the network."""
    return int(time.time() * 1e6)


def empty_row(network: str, time_us: int, did: str, kind: str) -> Row:
    """A lake row with every column present (null), so rows always build one Arrow batch."""
    row: Row = dict.fromkeys(COLUMNS)
    row.update(network=network, time_us=time_us, did=did, kind=kind)
    return row


def to_batch(rows: list[Row]) -> pa.RecordBatch:
    """Rows as one Arrow record batch in the lake's schema."""
    return pa.RecordBatch.from_pylist(rows, schema=LAKE_SCHEMA)
