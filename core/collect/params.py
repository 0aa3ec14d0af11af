"""Every tunable of the collector in one place, with why it has its value."""

from __future__ import annotations

from dataclasses import dataclass

# Bluesky's public Jetstream instances (v1 JSON wire at /subscribe) and AppView; a collector fails over between them.
JETSTREAMS = (
    "wss://jetstream1.us-east.bsky.network/subscribe",
    "wss://jetstream2.us-east.bsky.network/subscribe",
    "wss://jetstream1.us-west.bsky.network/subscribe",
    "wss://jetstream2.us-west.bsky.network/subscribe",
)
APPVIEW = "https://public.api.bsky.app"


@dataclass(frozen=True)
class CollectParams:
    """How a collector batches, resumes, reconnects, looks up and hands over to the warehouse."""

    # A segment is written when this many events are waiting or the oldest has waited this long: large enough
    # for efficient Parquet, small enough that an event is queryable within seconds.
    segment_events: int = 20_000
    segment_seconds: float = 1.0
    # Resume this far before the stored cursor: Jetstream instances stamp time_us independently, so after a
    # failover the same event can carry a slightly different time. Replays are de-duplicated by record key.
    rewind_seconds: float = 5.0
    # Reconnect backoff: base * 2^attempt, capped, with the next public instance tried on every failure.
    backoff_seconds: float = 0.5
    backoff_max_seconds: float = 30.0
    # Jetstream's frames are single records as JSON, far below this; a larger one is broken and is skipped (counted
    # malformed) rather than read: the websockets default (1 MiB) would refuse rare but real large records.
    max_frame_bytes: int = 32 * 1024 * 1024
    # Load new segments into the warehouse this often: the Results page is then at most this (plus a segment)
    # behind the network (the issue asks for 5 minutes).
    ingest_seconds: float = 30.0
    # Scores, authenticity and topics are refreshed once a day by the collector itself.
    refresh_hours: float = 24.0
    # Profiles: at most once a day per person, 25 per AppView call (the lexicon's maximum), and a budget per
    # minute well under the public AppView's limit so collecting never starves the app's own look-ups.
    profile_max_age_hours: float = 24.0
    profiles_per_call: int = 25
    profile_calls_per_minute: int = 30
    # When a rate-limited AppView sends no reset time, wait this long before trying again (doubling each time).
    rate_limit_wait_seconds: float = 2.0
    # A look-up whose connection fails (dropped, refused, timed out) is tried again this many times, after the
    # reconnect backoff, before it is given up until the person is seen again.
    lookup_retries: int = 3
    # Backfill: posts of watched people within the scoring window, and who reacted to them.
    backfill_days: int = 90
    backfill_posts_per_person: int = 200
    # Who liked, reposted or quoted a post (on Mastodon favourited or boosted it) is read in pages of 100 (40),
    # newest first, until the new ones are read (all at the post's first sight, the growth of its count at a
    # re-check; the whole list when a like or repost count fell): at most this many pages per kind and post, so a
    # viral post costs a bounded share of the rate limit and keeps its latest 1,000 (400) of each. A fall on a post
    # with more than that deletes nothing and costs no call (core/collect/recheck.py).
    reaction_pages: int = 10
    # A list of who reacted to a watched post that was not read whole for this long is read whole and diffed at the
    # next re-check even when its count is as it was: a reaction taken back and another given between two looks
    # leave the count unchanged (core/collect/recheck.py). A day costs each watched post that has reactions one more
    # look-up per kind a day, and bounds how long such a swap stays unseen.
    whole_list_hours: float = 24.0
    # Progress lines on the command line, and the status file the Data page reads, are written this often.
    report_seconds: float = 5.0


DEFAULT_PARAMS = CollectParams()
