"""AppView look-ups against a local fake: profiles 25 a call, a 429 waited out then retried, at most daily per
person; the backfill of a watched person's posts and who reacted to them, each reaction at the best time the
AppView gives, and the re-check that looks up only the reactions whose counts changed (a like or repost taken
back is deleted, and a reply or quote once the AppView no longer shows it)."""

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.collect import bluesky, lake
from core.collect.appview import AppView, Profiles
from core.collect.connector import Link
from core.collect.events import empty_row, to_batch
from core.collect.ingest import ingest
from core.collect.params import CollectParams
from core.collect.watchlist import Watchlist
from core.db import warehouse
from tests.fakes.appview import FakeAppView, like, post_view, profile, repost_item

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
        profiles = Profiles(AppView(server.url, CollectParams(), link, sleep=waits.append))
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
        profiles = Profiles(AppView(server.url, CollectParams(), Link()))
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
    recent = post_view(uri, ana, "New route up the ridge #trail", "2099-01-01T09:00:00.000Z", like=1, repost=0)
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
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ana["did"]]).backfill()
    finally:
        server.stop()
    assert [(r["kind"], r["did"]) for r in rows] == [
        ("post", ana["did"]),
        ("like", fan["did"]),
        ("listed", None),
        ("listed", None),
    ]
    assert rows[0]["uri"] == uri and rows[0]["tags"] == [] and rows[0]["text"].startswith("New route")
    assert (rows[1]["subject"], rows[1]["subject_did"]) == (uri, ana["did"])
    # Each list read whole at a first sight names everyone it shows (ingest deletes looked-up ones it no longer does).
    assert [(r["uri"], r["mentions"], r["subject_did"]) for r in rows[2:]] == [
        (f"{uri}#like", [fan["did"]], ana["did"]),
        (f"{uri}#repost", [], ana["did"]),
    ]


def test_a_dropped_connection_is_counted_waited_out_and_the_call_tried_again():
    server = FakeAppView(PEOPLE, dropped=1).start()
    waits: list[float] = []
    link = Link()
    try:
        profiles = Profiles(AppView(server.url, CollectParams(), link, sleep=waits.append))
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
        profiles = Profiles(AppView(server.url, CollectParams(lookup_retries=2), Link(), sleep=waits.append))
        seen(profiles, "did:plc:p0000000000000000000000")
        assert profiles.fetch_due() == []
    finally:
        server.stop()
    assert len(server.calls) == 3 and waits == [0.5, 1.0]  # the reconnect backoff, doubling


def test_an_invalid_handle_from_the_appview_is_no_handle():
    server = FakeAppView({"did:plc:x": profile("did:plc:x", "handle.invalid", displayName="Xan")}).start()
    try:
        profiles = Profiles(AppView(server.url, CollectParams(), Link()))
        seen(profiles, "did:plc:x")
        (row,) = profiles.fetch_due()
    finally:
        server.stop()
    assert (row["handle"], row["display_name"]) == (None, "Xan")


def _ago(**delta: float) -> str:
    """An AppView datetime this long before now."""
    return (datetime.now(UTC) - timedelta(**delta)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


ANA, FAN, BOB, OLD_FRIEND, NEWCOMER = (PEOPLE[f"did:plc:p{i:022d}"] for i in (0, 7, 8, 9, 10))


def _people(letter: str, n: int) -> list[dict]:
    """`n` people the AppView knows only from their reactions, their DIDs told apart by `letter`."""
    return [profile(f"did:plc:{letter}{i:022d}", f"{letter}{i}.bsky.social") for i in range(n)]


def _liked(post: dict, fans: list[dict], when: str) -> FakeAppView:
    """A fake AppView whose only feed is Ana's `post`, liked by `fans` (newest first), each at `when`."""
    return FakeAppView(PEOPLE, feeds={ANA["did"]: [post]}, likes={post["uri"]: [like(f, when, when) for f in fans]})


def test_backfilled_likes_and_reposts_take_the_best_time_the_appview_gives():
    posted, liked, reposted = _ago(days=3), _ago(days=2), _ago(days=1)
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kbackfill02"
    bobs = post_view(f"at://{BOB['did']}/app.bsky.feed.post/3kbob", BOB, "Ridge at noon", _ago(days=5))
    own_repost = f"at://{ANA['did']}/app.bsky.feed.repost/3kanarepost"
    server = FakeAppView(
        PEOPLE,
        # Her feed, newest first: her repost of Bob's post, then her own post.
        feeds={
            ANA["did"]: [
                repost_item(bobs, ANA, reposted, own_repost),
                post_view(uri, ANA, "Up", posted, like=1, repost=1),
            ]
        },
        likes={uri: [like(FAN, liked, _ago(days=1, hours=12))]},
        # getRepostedBy gives profiles only: this one's indexedAt is when the profile was indexed, two years ago.
        reposts={uri: [profile(OLD_FRIEND["did"], OLD_FRIEND["handle"], indexedAt=_ago(days=730))]},
    ).start()
    try:
        looked = time.time() * 1e6
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]]).backfill()
        done = time.time() * 1e6
    finally:
        server.stop()
    found = {(r["kind"], r["did"]): r for r in rows if r["kind"] != "listed"}
    assert set(found) == {
        ("post", ANA["did"]),
        ("like", FAN["did"]),
        ("repost", OLD_FRIEND["did"]),
        ("repost", ANA["did"]),
    }
    # The like at its own createdAt; the repost getRepostedBy shows, at its first sight, at the post's time.
    assert found["like", FAN["did"]]["created_at"] == bluesky.record_time(liked)
    assert found["repost", OLD_FRIEND["did"]]["created_at"] == bluesky.record_time(posted)
    # Her own repost: its record and the time the AppView indexed it (reasonRepost), of Bob's post.
    hers = found["repost", ANA["did"]]
    assert (hers["uri"], hers["created_at"]) == (own_repost, bluesky.record_time(reposted))
    assert (hers["subject"], hers["subject_did"]) == (bobs["uri"], BOB["did"])
    # Records the AppView names keep their own time as the lake's; a like or repost known only by who reacted to
    # what is stamped when it was looked up (so a like given again after an unlike is loaded again).
    named = [found["post", ANA["did"]], hers]
    assert all(r["time_us"] == int(r["created_at"].replace(tzinfo=UTC).timestamp() * 1e6) for r in named)
    assert all(looked <= r["time_us"] <= done for r in (found["like", FAN["did"]], found["repost", OLD_FRIEND["did"]]))
    # A list's row is timed when its look began, so what that look found is never older than the list.
    lists = {r["uri"]: r for r in rows if r["kind"] == "listed"}
    assert lists[f"{uri}#like"]["mentions"] == [FAN["did"]]
    assert lists[f"{uri}#repost"]["mentions"] == [OLD_FRIEND["did"]]
    assert looked <= lists[f"{uri}#like"]["time_us"] <= found["like", FAN["did"]]["time_us"]


def test_a_recheck_looks_up_only_grown_counts_and_times_a_new_repost_when_first_seen():
    posted = _ago(days=3)
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3krecheck01"
    post = post_view(uri, ANA, "Up", posted, like=1, repost=1)
    server = FakeAppView(
        PEOPLE,
        feeds={ANA["did"]: [post]},
        likes={uri: [like(FAN, _ago(days=2), _ago(days=2))]},
        reposts={uri: [profile(OLD_FRIEND["did"], OLD_FRIEND["handle"])]},
    ).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        assert watchlist.recheck() == []  # nothing grew: only her feed is read
        post["repostCount"] = 2  # someone not watched reposts her post
        server.reposts[uri].append(profile(NEWCOMER["did"], NEWCOMER["handle"]))
        before = datetime.now(UTC).replace(tzinfo=None)
        rows = watchlist.recheck()
        after = datetime.now(UTC).replace(tzinfo=None)
    finally:
        server.stop()
    methods = [m.rsplit(".", 1)[1] for m, _ in server.calls]
    assert methods == ["getAuthorFeed", "getLikes", "getRepostedBy", "getAuthorFeed", "getAuthorFeed", "getRepostedBy"]
    # Both reposters again (the ingest keeps the one it has); the new one at the time it was first seen.
    reposts = {r["did"]: r["created_at"] for r in rows if r["kind"] == "repost"}
    assert set(reposts) == {OLD_FRIEND["did"], NEWCOMER["did"]}
    assert before <= reposts[NEWCOMER["did"]] <= after


def test_reactions_are_read_page_after_page_all_at_first_sight_and_only_the_growth_at_a_recheck():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kpaged01"
    post = post_view(uri, ANA, "Summit", _ago(days=3), like=250, quote=0)
    fans = _people("f", 280)
    server = _liked(post, fans[:250][::-1], _ago(days=2)).start()  # newest first
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        first = watchlist.backfill()
        post["likeCount"] = 280  # 30 more like it: they come first in getLikes
        server.likes[uri][:0] = [like(fan, _ago(hours=1), _ago(hours=1)) for fan in reversed(fans[250:])]
        later = watchlist.recheck()
    finally:
        server.stop()
    pages = [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getLikes")]
    assert pages == [None, "100", "200", None]  # three pages at first sight, one for the 30 new likes
    assert {r["did"] for r in first if r["kind"] == "like"} == {f["did"] for f in fans[:250]}
    assert {r["did"] for r in later if r["kind"] == "like"} >= {f["did"] for f in fans[250:]}


def test_a_viral_post_reads_at_most_reaction_pages_of_each_kind():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kviral01"
    fans = _people("v", 500)
    server = _liked(post_view(uri, ANA, "Everyone", _ago(days=1), like=500), fans, _ago(hours=5)).start()
    try:
        rows = Watchlist(AppView(server.url, CollectParams(reaction_pages=2), Link()), [ANA["did"]]).backfill()
    finally:
        server.stop()
    assert [m for m, _ in server.calls].count("app.bsky.feed.getLikes") == 2
    assert [r["did"] for r in rows if r["kind"] == "like"] == [f["did"] for f in fans[:200]]  # the newest 200


def test_a_page_that_fails_part_way_is_looked_up_again_at_the_next_recheck():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kbroken01"
    fans = _people("b", 150)
    server = _liked(post_view(uri, ANA, "Ridge", _ago(days=2), like=150), fans, _ago(days=1)).start()
    server.broken_cursors = {"100"}  # the second page of likes fails
    try:
        link = Link()
        watchlist = Watchlist(AppView(server.url, CollectParams(), link), [ANA["did"]])
        first = watchlist.backfill()
        server.broken_cursors = set()  # the AppView recovers; the like count has not changed
        later = watchlist.recheck()
    finally:
        server.stop()
    assert [r for r in first if r["kind"] == "like"] == []  # a half-read list is not taken as the whole
    assert link.failed_lookups == 1 and "AppView" in (link.last_error or "")
    # Its counts were not kept, so the unchanged count is looked up again, and wholly.
    assert {r["did"] for r in later if r["kind"] == "like"} == {f["did"] for f in fans}


def _load(con, root, rows: list[dict]) -> None:
    if not rows:
        return
    lake.write_segment(root, "bluesky", to_batch(rows))
    with warehouse.transaction(con):
        ingest(con, root, "bluesky")


def _backfilled(server: FakeAppView, con, root) -> Watchlist:
    """A new watch list of Ana's from the fake, its backfill loaded into the warehouse."""
    watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
    _load(con, root, watchlist.backfill())
    return watchlist


def _reactions_to_ana(con) -> set[tuple[str, str]]:
    return set(
        warehouse.rows(
            con,
            "SELECT i.type::VARCHAR, a.external_id FROM interactions i JOIN accounts a "
            "ON a.account_id = i.actor_account_id JOIN accounts t ON t.account_id = i.target_account_id "
            "WHERE t.external_id = ? AND a.external_id <> t.external_id",
            [ANA["did"]],
        )
    )


def test_an_unlike_by_someone_not_watched_leaves_the_warehouse_and_a_like_given_again_returns(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3ktakeback01"
    post = post_view(uri, ANA, "Ridge at dawn", _ago(days=2), like=2, reply=1)
    reply = post_view(f"at://{BOB['did']}/app.bsky.feed.post/3kbobreply", BOB, "Wow", _ago(days=1))
    reply["record"]["reply"] = {"root": {"uri": uri, "cid": "b"}, "parent": {"uri": uri, "cid": "b"}}
    server = FakeAppView(
        PEOPLE,
        feeds={ANA["did"]: [post]},
        likes={uri: [like(FAN, _ago(days=1), _ago(days=1)), like(OLD_FRIEND, _ago(days=2), _ago(days=2))]},
        replies={uri: [reply]},
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        watchlist = _backfilled(server, con, root)
        assert _reactions_to_ana(con) == {("like", FAN["did"]), ("like", OLD_FRIEND["did"]), ("reply", BOB["did"])}
        # The fan takes the like back; Bob's reply leaves the thread because Ana hid it: getPosts still shows it, so
        # it stays.
        post |= {"likeCount": 1, "replyCount": 0}
        server.likes[uri] = server.likes[uri][1:]
        server.replies[uri] = []
        server.unlisted = [reply]
        taken_back = watchlist.recheck()
        _load(con, root, taken_back)
        assert _reactions_to_ana(con) == {("like", OLD_FRIEND["did"]), ("reply", BOB["did"])}
        assert watchlist.recheck() == []  # nothing changed since: no look-up, nothing deleted twice
        # The fan likes it again: a new like record, so a new createdAt, under the same look-up key.
        post["likeCount"] = 2
        server.likes[uri].insert(0, like(FAN, _ago(seconds=0), _ago(seconds=0)))
        _load(con, root, watchlist.recheck())
        assert _reactions_to_ana(con) == {("like", FAN["did"]), ("like", OLD_FRIEND["did"]), ("reply", BOB["did"])}
    finally:
        server.stop()
        con.close()
    assert [(r["kind"], r["did"], r["uri"], r["subject_did"]) for r in taken_back] == [
        ("delete", FAN["did"], f"at://{FAN['did']}/app.bsky.feed.like/lookup:{uri}", ANA["did"])
    ]
    methods = [m.rsplit(".", 1)[1] for m, _ in server.calls]
    assert methods.count("getLikes") == 3 and methods.count("getPostThread") == 2
    assert [q["uris"] for m, q in server.calls if m.endswith("getPosts")] == [[reply["uri"]]]


def _reply(author: dict, rkey: str, parent: str) -> dict:
    """A post view of `author`'s reply to the post `parent`."""
    reply = post_view(f"at://{author['did']}/app.bsky.feed.post/{rkey}", author, "Wow", _ago(days=1))
    reply["record"]["reply"] = {"root": {"uri": parent, "cid": "b"}, "parent": {"uri": parent, "cid": "b"}}
    return reply


def _posts_of(con, did: str) -> int:
    return warehouse.scalar(
        con, "SELECT count(*) FROM posts p JOIN accounts a USING (account_id) WHERE a.external_id = ?", [did]
    )


def test_a_deleted_reply_or_quote_by_someone_not_watched_leaves_the_warehouse_and_a_hidden_reply_stays(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kdeleted001"
    post = post_view(uri, ANA, "Ridge at dawn", _ago(days=2), reply=3, quote=1)
    gone_reply, hidden_reply = _reply(BOB, "3kbobreply01", uri), _reply(FAN, "3kfanreply01", uri)
    away_reply = _reply(OLD_FRIEND, "3kawayreply1", uri)
    quote = post_view(f"at://{NEWCOMER['did']}/app.bsky.feed.post/3kquote00001", NEWCOMER, "Look", _ago(days=1))
    quote["record"]["embed"] = {"$type": "app.bsky.embed.record", "record": {"uri": uri, "cid": "b"}}
    server = FakeAppView(
        dict(PEOPLE),
        feeds={ANA["did"]: [post]},
        replies={uri: [gone_reply, hidden_reply, away_reply]},
        quotes={uri: [quote]},
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        watchlist = _backfilled(server, con, root)
        everyone = {("reply", BOB["did"]), ("reply", FAN["did"]), ("reply", OLD_FRIEND["did"])}
        assert _reactions_to_ana(con) == everyone | {("mention", NEWCOMER["did"])}
        # Bob deletes his reply and the newcomer the quote; Ana hides the fan's reply, which getPosts still shows; the
        # old friend deactivates their account, so the AppView shows neither them nor their reply (it may come back).
        post |= {"replyCount": 0, "quoteCount": 0}
        server.replies[uri], server.quotes[uri], server.unlisted = [], [], [hidden_reply]
        del server.profiles[OLD_FRIEND["did"]]
        rows = watchlist.recheck()
        _load(con, root, rows)
        assert _reactions_to_ana(con) == {("reply", FAN["did"]), ("reply", OLD_FRIEND["did"])}
        assert (_posts_of(con, BOB["did"]), _posts_of(con, NEWCOMER["did"]), _posts_of(con, FAN["did"])) == (0, 0, 1)
        assert watchlist.recheck() == []  # nothing changed since: no look-up, the hidden reply not asked about again
    finally:
        server.stop()
        con.close()
    assert [(r["kind"], r["did"], r["uri"], r["subject_did"]) for r in rows] == [
        ("delete", BOB["did"], gone_reply["uri"], ANA["did"]),
        ("delete", NEWCOMER["did"], quote["uri"], ANA["did"]),
    ]
    asked = [q["uris"] for m, q in server.calls if m.endswith("getPosts")]
    assert asked == [sorted([gone_reply["uri"], hidden_reply["uri"], away_reply["uri"]]), [quote["uri"]]]
    # Whether the authors of the posts it did not show are there: one call per kind.
    authors = [sorted(q["actors"]) for m, q in server.calls if m.endswith("getProfiles")]
    assert authors == [sorted([BOB["did"], OLD_FRIEND["did"]]), [NEWCOMER["did"]]]


def _recheck_while_failing(watchlist: Watchlist, server: FakeAppView, method: str) -> tuple[list[dict], list[dict]]:
    """The rows of a re-check while `method` answers HTTP 500, and of the next one, once it answers again."""
    server.broken_methods = {method}
    failed = watchlist.recheck()
    server.broken_methods = set()
    return failed, watchlist.recheck()


def test_a_failed_getposts_deletes_nothing_and_the_fall_is_looked_at_again():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kfailedget1"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), reply=1)
    reply = _reply(BOB, "3kbobreply02", uri)
    server = FakeAppView(PEOPLE, feeds={ANA["did"]: [post]}, replies={uri: [reply]}).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        post["replyCount"] = 0
        server.replies[uri] = []
        failed, later = _recheck_while_failing(watchlist, server, "app.bsky.feed.getPosts")
    finally:
        server.stop()
    assert failed == []
    assert [(r["kind"], r["uri"]) for r in later] == [("delete", reply["uri"])]


def test_a_failed_feed_read_keeps_what_the_last_look_saw():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kfailedfeed"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), like=2)
    server = _liked(post, [FAN, OLD_FRIEND], _ago(days=1)).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        post["likeCount"] = 1
        server.likes[uri] = server.likes[uri][1:]  # the fan takes the like back
        failed, later = _recheck_while_failing(watchlist, server, "app.bsky.feed.getAuthorFeed")
    finally:
        server.stop()
    # The failed read forgot nothing: the next one still knows who liked it before, and sees who took it back.
    assert failed == []
    assert [(r["kind"], r["did"]) for r in later] == [("delete", FAN["did"])]


def test_reactions_taken_back_while_the_collector_was_stopped_leave_at_its_first_look_after_a_restart(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3krestart001"
    post = post_view(uri, ANA, "Ridge at dawn", _ago(days=2), like=2, repost=1)
    server = FakeAppView(
        PEOPLE,
        feeds={ANA["did"]: [post]},
        likes={uri: [like(FAN, _ago(days=1), _ago(days=1)), like(OLD_FRIEND, _ago(days=2), _ago(days=2))]},
        reposts={uri: [profile(BOB["did"], BOB["handle"])]},
    ).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        _backfilled(server, con, root)
        assert _reactions_to_ana(con) == {("like", FAN["did"]), ("like", OLD_FRIEND["did"]), ("repost", BOB["did"])}
        # The collector stops. Meanwhile the fan takes the like back, a newcomer likes the post (the count is as it
        # was) and Bob takes his repost back.
        post["repostCount"] = 0
        server.likes[uri] = [like(NEWCOMER, _ago(hours=1), _ago(hours=1)), server.likes[uri][1]]
        server.reposts[uri] = []
        restarted = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])  # remembers nothing
        _load(con, root, restarted.backfill())
        assert _reactions_to_ana(con) == {("like", OLD_FRIEND["did"]), ("like", NEWCOMER["did"])}
        # The fan likes it again later: seen after the list, so loaded again.
        post["likeCount"] = 3
        server.likes[uri].insert(0, like(FAN, _ago(seconds=0), _ago(seconds=0)))
        _load(con, root, restarted.recheck())
        assert _reactions_to_ana(con) == {("like", FAN["did"]), ("like", OLD_FRIEND["did"]), ("like", NEWCOMER["did"])}
    finally:
        server.stop()
        con.close()


def test_a_like_taken_back_and_another_given_between_two_rechecks_is_seen_when_the_list_is_read_whole_again():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kswap000001"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), like=1)
    server = _liked(post, [FAN], _ago(days=1)).start()
    try:
        daily = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        always = Watchlist(AppView(server.url, CollectParams(whole_list_hours=0), Link()), [ANA["did"]])
        daily.backfill()
        always.backfill()
        server.likes[uri] = [like(NEWCOMER, _ago(hours=1), _ago(hours=1))]  # the count stays 1
        calls = len(server.calls)
        unseen = daily.recheck()
        daily_calls = len(server.calls) - calls - 1  # the feed page aside
        seen = always.recheck()
    finally:
        server.stop()
    assert (unseen, daily_calls) == ([], 0)  # read whole less than a day ago: an unchanged count costs no call
    assert [(r["kind"], r["did"]) for r in seen] == [("like", NEWCOMER["did"]), ("delete", FAN["did"])]


def test_a_post_that_left_the_latest_page_is_rechecked_hourly_through_getposts_while_in_the_window():
    older_uri = f"at://{ANA['did']}/app.bsky.feed.post/3kolder00001"
    gone_uri = f"at://{ANA['did']}/app.bsky.feed.post/3kolder00002"
    newest = post_view(f"at://{ANA['did']}/app.bsky.feed.post/3knewest0001", ANA, "Today", _ago(hours=2))
    older = post_view(older_uri, ANA, "Campaign day #tidewave", _ago(days=20), like=1)
    gone = post_view(gone_uri, ANA, "Deleted later", _ago(days=30))
    server = FakeAppView(
        PEOPLE, feeds={ANA["did"]: [newest, older, gone]}, likes={older_uri: [like(FAN, _ago(days=19), _ago(days=19))]}
    ).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        watchlist.page = 1  # as if she had posted a hundred times since: only her newest post is on the page
        watchlist.older_seconds = 3600.0
        older["likeCount"] = 2
        server.likes[older_uri].insert(0, like(NEWCOMER, _ago(minutes=5), _ago(minutes=5)))
        server.feeds[ANA["did"]] = [newest, older]  # she deletes her oldest post
        within_the_hour = watchlist.recheck()
        watchlist.older_seconds = 0.0
        hourly = watchlist.recheck()
    finally:
        server.stop()
    assert within_the_hour == []  # the page's post had nothing new, and the hour is not up
    # The grown count's newest page (ingest drops the like it already holds).
    assert {(r["kind"], r["did"], r["subject"]) for r in hourly} == {
        ("like", NEWCOMER["did"], older_uri),
        ("like", FAN["did"], older_uri),
    }
    asked = [sorted(q["uris"]) for m, q in server.calls if m.endswith("getPosts")]
    assert asked == [sorted([older_uri, gone_uri])]  # both older posts in one call, only once the hour was up
    assert list(watchlist.seen[ANA["did"]]) == [newest["uri"], older_uri]  # the deleted one is forgotten


def test_a_fall_in_a_count_too_large_to_read_whole_deletes_nothing():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kbigfall01"
    post = post_view(uri, ANA, "Everyone", _ago(days=1), like=250)
    server = _liked(post, _people("g", 250), _ago(hours=5)).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(reaction_pages=2), Link()), [ANA["did"]])
        watchlist.backfill()
        post["likeCount"] = 249
        server.likes[uri] = server.likes[uri][:-1]  # the oldest like, past the two pages read, is taken back
        rows = watchlist.recheck()
    finally:
        server.stop()
    # More likes than two pages hold: the list cannot be read whole, so no one is assumed gone and no call is made.
    assert rows == [] and [m for m, _ in server.calls].count("app.bsky.feed.getLikes") == 2


def test_an_unrepost_is_seen_though_a_watched_persons_own_repost_is_among_those_listed():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kunrepost1"
    others = _people("r", 100)
    # 101 listed, her own repost among them, while the count still says 100 (counts lag behind the lists).
    post = post_view(uri, ANA, "Ridge", _ago(days=1), repost=100)
    server = FakeAppView(
        PEOPLE, feeds={ANA["did"]: [post]}, reposts={uri: [profile(ANA["did"], ANA["handle"]), *others]}
    ).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        first = watchlist.backfill()  # read to the end: her own is left to the stream, the 100 others are rows
        post["repostCount"] = 99
        server.reposts[uri].remove(others[0])
        later = watchlist.recheck()
    finally:
        server.stop()
    assert len([r for r in first if r["kind"] == "repost"]) == 100
    # The fall reads the whole list again: the one who left is deleted.
    assert [(r["kind"], r["did"]) for r in later] == [("delete", others[0]["did"])]


def test_a_list_names_the_watched_people_it_leaves_to_the_stream_so_their_looked_up_reposts_stay(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kwatchedrp1"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), repost=1)
    server = FakeAppView(PEOPLE, feeds={ANA["did"]: [post]}, reposts={uri: [profile(BOB["did"], BOB["handle"])]})
    server.start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        # Bob's repost is looked up while only Ana is watched; then the collector restarts watching both of them.
        _backfilled(server, con, root)
        both = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"], BOB["did"]]).backfill()
        _load(con, root, both)
        assert _reactions_to_ana(con) == {("repost", BOB["did"])}
    finally:
        server.stop()
        con.close()
    # His repost is left to the stream and his feed (no look-up row), yet the list still names him.
    assert [r["mentions"] for r in both if r["kind"] == "listed" and r["uri"].endswith("#repost")] == [[BOB["did"]]]


def test_a_list_whose_last_page_carries_a_cursor_is_read_to_its_empty_page_once_and_named():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3ktrailing01"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), like=2)
    server = _liked(post, [FAN, OLD_FRIEND], _ago(days=1))
    server.trailing_cursor = True
    server.start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        rows = watchlist.backfill()
        first_sight = [m for m, _ in server.calls].count("app.bsky.feed.getLikes")
        watchlist.recheck()
    finally:
        server.stop()
    lists = {r["uri"]: r["mentions"] for r in rows if r["kind"] == "listed"}
    assert lists[f"{uri}#like"] == sorted([FAN["did"], OLD_FRIEND["did"]])
    # Its page and the empty page that ends it; the list was read whole, so an unchanged count costs nothing after.
    assert (first_sight, [m for m, _ in server.calls].count("app.bsky.feed.getLikes")) == (2, 2)


def test_an_empty_page_with_a_new_cursor_mid_list_keeps_the_likes_after_it(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3kdropped001"
    fans = _people("d", 250)
    server = _liked(post_view(uri, ANA, "Ridge", _ago(days=2), like=250), fans, _ago(days=1)).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        _backfilled(server, con, root)
        assert len(_reactions_to_ana(con)) == 250
        # After a restart the AppView filters out every liker on the second page (blocked or taken down since) and
        # sends that page empty, with the cursor of the third.
        server.dropped_cursors = {"100"}
        server.calls.clear()
        _backfilled(server, con, root)
        kept = {did for _, did in _reactions_to_ana(con)}
    finally:
        server.stop()
        con.close()
    assert [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getLikes")] == [None, "100", "200"]
    assert kept == {f["did"] for f in fans[:100] + fans[200:]}  # only those the AppView no longer shows left


def test_a_page_that_gives_back_the_cursor_it_was_asked_with_ends_the_list_and_is_read_once():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3krepeated01"
    fans = _people("r", 250)
    server = _liked(post_view(uri, ANA, "Ridge", _ago(days=2), like=250), fans, _ago(days=1))
    server.repeated_cursors = {"100"}
    server.start()
    try:
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]]).backfill()
    finally:
        server.stop()
    assert [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getLikes")] == [None, "100"]
    likes = [r["did"] for r in rows if r["kind"] == "like"]
    assert likes == [f["did"] for f in fans[:200]]  # each once, not the second page over and over


def test_a_feed_read_goes_past_an_empty_page_that_carries_a_new_cursor():
    posts = [
        post_view(f"at://{ANA['did']}/app.bsky.feed.post/3kfeed{i:06d}", ANA, f"Run {i}", _ago(hours=i + 1))
        for i in range(250)
    ]
    server = FakeAppView(PEOPLE, feeds={ANA["did"]: posts})
    server.dropped_cursors = {"100"}  # the feed's second page comes back empty, with the third page's cursor
    server.start()
    try:
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]]).backfill()
    finally:
        server.stop()
    assert [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getAuthorFeed")] == [None, "100", "200"]
    assert {r["uri"] for r in rows if r["kind"] == "post"} == {p["uri"] for p in posts[:100] + posts[200:]}


def test_a_feed_read_stops_after_three_empty_pages_in_a_row():
    posts = [
        post_view(f"at://{ANA['did']}/app.bsky.feed.post/3kgone{i:06d}", ANA, f"Run {i}", _ago(hours=i + 1))
        for i in range(600)
    ]
    server = FakeAppView(PEOPLE, feeds={ANA["did"]: posts})
    server.dropped_cursors = {"100", "200", "300", "400", "500"}  # every page after the first comes back empty
    server.start()
    try:
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]]).backfill()
    finally:
        server.stop()
    assert [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getAuthorFeed")] == [
        None, "100", "200", "300",
    ]  # fmt: skip
    assert len([r for r in rows if r["kind"] == "post"]) == 100


def test_a_feed_read_cut_short_by_empty_pages_keeps_what_the_watch_list_remembered():
    posts = [
        post_view(f"at://{ANA['did']}/app.bsky.feed.post/3kkeep{i:06d}", ANA, f"Run {i}", _ago(days=3, hours=i))
        for i in range(4)
    ]
    server = FakeAppView(PEOPLE, feeds={ANA["did"]: posts}).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        remembered = set(watchlist.seen[ANA["did"]])
        # A read taken as whole forgets remembered posts outside the window: make the window a day, so only a read
        # that is not taken as whole keeps these three-day-old posts.
        watchlist.params = replace(watchlist.params, backfill_days=1)
        watchlist.page = 1
        server.dropped_cursors = {"", "1", "2"}  # the re-check's feed pages all come back empty, each with a cursor
        server.calls.clear()
        watchlist.recheck()
    finally:
        server.stop()
    assert [q.get("cursor", [None])[0] for m, q in server.calls if m.endswith("getAuthorFeed")] == [None, "1", "2"]
    assert remembered == {p["uri"] for p in posts}
    assert set(watchlist.seen[ANA["did"]]) == remembered


def test_a_count_that_lags_its_list_at_a_page_boundary_deletes_no_like_at_a_restart(tmp_path):
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3klagging001"
    fans = _people("k", 101)
    post = post_view(uri, ANA, "Ridge", _ago(days=2), like=100)
    server = _liked(post, fans[1:], _ago(days=1)).start()
    con = warehouse.connect(tmp_path / "sway.duckdb")
    root = tmp_path / "sway.duckdb.lake"
    try:
        _backfilled(server, con, root)
        server.likes[uri].insert(0, like(fans[0], _ago(minutes=1), _ago(minutes=1)))  # the count still says 100
        _backfilled(server, con, root)
        assert len(_reactions_to_ana(con)) == 101  # the oldest, past the first 100, is read, listed and kept
    finally:
        server.stop()
        con.close()


def test_an_older_post_getposts_leaves_out_while_its_author_is_away_is_kept_for_their_return():
    older_uri = f"at://{ANA['did']}/app.bsky.feed.post/3kawayolder1"
    newest = post_view(f"at://{ANA['did']}/app.bsky.feed.post/3kawaynewest", ANA, "Today", _ago(hours=2))
    older = post_view(older_uri, ANA, "Campaign day", _ago(days=20), like=1)
    server = FakeAppView(
        dict(PEOPLE), feeds={ANA["did"]: [newest, older]}, likes={older_uri: [like(FAN, _ago(days=19), _ago(days=19))]}
    ).start()
    try:
        watchlist = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]])
        watchlist.backfill()
        watchlist.page, watchlist.older_seconds = 1, 0.0
        away = server.profiles.pop(ANA["did"])  # she deactivates: getPosts shows none of hers, getProfiles not her
        server.feeds[ANA["did"]] = [newest]
        watchlist.recheck()
        kept = list(watchlist.seen[ANA["did"]])
        server.profiles[ANA["did"]] = away  # back, and so is her post
        server.feeds[ANA["did"]] = [newest, older]
        older["likeCount"] = 2
        server.likes[older_uri].insert(0, like(NEWCOMER, _ago(minutes=1), _ago(minutes=1)))
        back = watchlist.recheck()
    finally:
        server.stop()
    assert kept == [newest["uri"], older_uri]
    assert ("like", NEWCOMER["did"]) in {(r["kind"], r["did"]) for r in back}


def test_a_count_the_appview_leaves_out_names_no_list():
    uri = f"at://{ANA['did']}/app.bsky.feed.post/3knocount001"
    post = post_view(uri, ANA, "Ridge", _ago(days=2), like=0)  # no repostCount at all
    server = _liked(post, [], _ago(days=1)).start()
    try:
        rows = Watchlist(AppView(server.url, CollectParams(), Link()), [ANA["did"]]).backfill()
    finally:
        server.stop()
    # No likes, told: the list is empty. No repost count at all: nothing says everyone took theirs back.
    assert [r["uri"] for r in rows if r["kind"] == "listed"] == [f"{uri}#like"]
