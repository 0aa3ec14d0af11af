"""AppView look-ups against a local fake: profiles 25 a call, a 429 waited out then retried, at most daily per
person, and the backfill of a watched person's posts and who liked them."""

from core.collect.appview import Profiles
from core.collect.connector import Link
from core.collect.events import empty_row
from core.collect.params import CollectParams
from tests.fakes.appview import FakeAppView, post_view, profile

PEOPLE = {f"did:plc:p{i:022d}": profile(f"did:plc:p{i:022d}", f"p{i}.bsky.social") for i in range(30)}
PEOPLE["did:plc:p0000000000000000000000"] |= {
    "displayName": "Ana Lima",
    "description": "Trail runner",
    "followersCount": 1200,
    "followsCount": 300,
    "postsCount": 87,
}


def seen(profiles: Profiles, *dids: str) -> None:
    for did in dids:
        profiles.saw(empty_row("bluesky", 1, did, "like") | {"mentions": []})


def test_a_rate_limited_appview_is_waited_out_and_the_same_call_retried():
    server = FakeAppView(PEOPLE, rate_limited=2).start()
    waits: list[float] = []
    link = Link()
    try:
        profiles = Profiles(server.url, CollectParams(), link, sleep=waits.append)
        seen(profiles, *PEOPLE)
        first = profiles.fetch_due()
        second = profiles.fetch_due()
    finally:
        server.stop()
    calls = [q["actors"] for m, q in server.calls if m == "app.bsky.actor.getProfiles"]
    assert [len(c) for c in calls] == [25, 25, 25, 5]  # two refused, the same 25 asked again, then the rest
    assert calls[0] == calls[1] == calls[2]
    assert link.rate_limited == 2
    assert len(waits) == 2 and all(0 <= w <= 2 for w in waits)  # until the RateLimit-Reset time, a second away
    assert len(first) == 25 and len(second) == 5
    ana = next(r for r in first if r["did"] == "did:plc:p0000000000000000000000")
    assert (ana["handle"], ana["display_name"], ana["bio"], ana["followers"], ana["following"], ana["posts"]) == (
        "p0.bsky.social", "Ana Lima", "Trail runner", 1200, 300, 87,
    )  # fmt: skip


def test_a_profile_is_looked_up_at_most_once_a_day():
    server = FakeAppView(PEOPLE).start()
    try:
        profiles = Profiles(server.url, CollectParams(), Link())
        seen(profiles, "did:plc:p0000000000000000000001")
        assert len(profiles.fetch_due()) == 1
        seen(profiles, "did:plc:p0000000000000000000001")  # acts again an hour later
        assert profiles.fetch_due() == []
    finally:
        server.stop()
    assert len(server.calls) == 1


def test_backfill_brings_a_watched_persons_recent_posts_and_who_liked_them():
    ana = PEOPLE["did:plc:p0000000000000000000000"]
    fan = PEOPLE["did:plc:p0000000000000000000007"]
    uri = f"at://{ana['did']}/app.bsky.feed.post/3kbackfill01"
    recent = post_view(uri, ana, "New route up the ridge #trail", "2099-01-01T09:00:00.000Z", like=1)
    server = FakeAppView(
        PEOPLE,
        feeds={ana["did"]: [recent]},
        likes={
            uri: [
                {
                    "actor": {"did": fan["did"], "handle": fan["handle"]},
                    "createdAt": "2099-01-01T10:00:00Z",
                    "indexedAt": "2099-01-01T10:00:01Z",
                }
            ]
        },
    ).start()
    try:
        rows = Profiles(server.url, CollectParams(), Link()).backfill([ana["did"]])
    finally:
        server.stop()
    assert [(r["kind"], r["did"]) for r in rows] == [("post", ana["did"]), ("like", fan["did"])]
    assert rows[0]["uri"] == uri and rows[0]["tags"] == [] and rows[0]["text"].startswith("New route")
    assert (rows[1]["subject"], rows[1]["subject_did"]) == (uri, ana["did"])


def test_a_dropped_connection_is_counted_waited_out_and_the_call_tried_again():
    server = FakeAppView(PEOPLE, dropped=1).start()
    waits: list[float] = []
    link = Link()
    try:
        profiles = Profiles(server.url, CollectParams(), link, sleep=waits.append)
        seen(profiles, "did:plc:p0000000000000000000000")
        found = profiles.fetch_due()
    finally:
        server.stop()
    assert [r["display_name"] for r in found] == ["Ana Lima"]
    assert len(server.calls) == 2 and waits == [CollectParams().backoff_seconds]
    assert link.failed_lookups == 1 and "RemoteProtocolError" in (link.last_error or "")


def test_an_appview_that_keeps_dropping_the_connection_skips_the_call_after_a_few_tries():
    server = FakeAppView(PEOPLE, dropped=100).start()
    waits: list[float] = []
    try:
        profiles = Profiles(server.url, CollectParams(lookup_retries=2), Link(), sleep=waits.append)
        seen(profiles, "did:plc:p0000000000000000000000")
        assert profiles.fetch_due() == []
    finally:
        server.stop()
    assert len(server.calls) == 3 and waits == [0.5, 1.0]  # the reconnect backoff, doubling


def test_an_invalid_handle_from_the_appview_is_no_handle():
    server = FakeAppView({"did:plc:x": profile("did:plc:x", "handle.invalid", displayName="Xan")}).start()
    try:
        profiles = Profiles(server.url, CollectParams(), Link())
        seen(profiles, "did:plc:x")
        (row,) = profiles.fetch_due()
    finally:
        server.stop()
    assert (row["handle"], row["display_name"]) == (None, "Xan")
