"""Mastodon through the same connector interface and lake: hashtag and account timelines, replies, mentions,
boosts and favourites of watched posts land in the warehouse as network 'mastodon'; polling again adds nothing."""


from core.cli.collect import run_job
from core.collect.collector import Collector, Schedule
from core.collect.mastodon import MastodonConnector
from core.collect.params import CollectParams
from core.db import warehouse
from tests.fakes.loop import run_async
from tests.fakes.mastodon import FakeMastodon, account, status

ANA = account("101", "ana", display_name="Ana Lima", note="<p>Trail runner &amp; coach</p>", followers_count=900)
BEN = account("102", "ben@other.example")
CARLA = account("103", "carla")
ANA_POST = status(
    "9001", ANA, "<p>Sunrise loop today <a href='x'>#trail</a></p>", "2025-12-05T08:00:00.000Z",
    tags=[{"name": "trail"}], favourites_count=1,
)  # fmt: skip
BEN_REPLY = status(
    "9002", BEN, "<p>@ana wow!</p>", "2025-12-05T08:05:00.000Z",
    in_reply_to_id="9001", in_reply_to_account_id="101", mentions=[{"id": "101", "acct": "ana"}], language="pt",
)  # fmt: skip
CARLA_BOOST = status("9003", CARLA, "", "2025-12-05T08:06:00.000Z", reblog=ANA_POST)


def test_timelines_reach_the_warehouse_as_mastodon_posts_and_reactions(tmp_path):
    server = FakeMastodon(
        tags={"trail": [BEN_REPLY, ANA_POST]},
        accounts={"ana": ANA},
        statuses={"101": [ANA_POST]},
        favourites={"9001": [CARLA]},
    ).start()
    db = tmp_path / "sway.duckdb"
    params = CollectParams(segment_seconds=0.2, report_seconds=0.5, ingest_seconds=3600)
    connector = MastodonConnector(server.url, tags=["#trail"], accounts=["ana"], params=params, poll_seconds=0.3)
    try:
        run_async(
            Collector(
                connector, db, run_job, params=params, schedule=Schedule(refresh=False), stop_after_idle=1.5
            ).run()
        )
        second_poll = connector.poll()  # nothing new since the last status seen in each timeline
    finally:
        server.stop()
    assert second_poll == []
    host = server.url.split("//")[1]
    with warehouse.connect(db) as con:
        posts = warehouse.rows(
            con,
            "SELECT external_id, text, kind::VARCHAR, language FROM posts WHERE network = 'mastodon' "
            "ORDER BY posted_at",
        )
        reactions = set(
            warehouse.rows(
                con,
                "SELECT a.handle, t.handle, i.type::VARCHAR FROM interactions i "
                "JOIN accounts a ON a.account_id = i.actor_account_id "
                "JOIN accounts t ON t.account_id = i.target_account_id WHERE i.network = 'mastodon'",
            )
        )
        ana = warehouse.rows(con, "SELECT display_name, bio, followers FROM accounts WHERE external_id = ?",
                             [f"{host}/accounts/101"])  # fmt: skip
    assert posts == [
        (f"{host}/statuses/9001", "Sunrise loop today #trail", "post", "en"),
        (f"{host}/statuses/9002", "@ana wow!", "reply", "pt"),  # the status's own language
    ]
    assert reactions == {
        ("ben@other.example", f"ana@{host}", "reply"),
        ("ben@other.example", f"ana@{host}", "mention"),
        (f"carla@{host}", f"ana@{host}", "like"),  # a favourite of the watched account's post
    }
    assert ana == [("Ana Lima", "Trail runner & coach", 900)]


def test_a_boost_in_a_watched_timeline_is_a_repost():
    server = FakeMastodon(tags={}, accounts={"carla": CARLA}, statuses={"103": [CARLA_BOOST]}, favourites={}).start()
    try:
        rows = MastodonConnector(server.url, accounts=["carla"]).poll()
    finally:
        server.stop()
    host = server.url.split("//")[1]
    boosts = [r for r in rows if r["kind"] == "repost"]
    assert [(r["did"], r["subject"], r["subject_did"]) for r in boosts] == [
        (f"{host}/accounts/103", f"{host}/statuses/9001", f"{host}/accounts/101")
    ]


def test_a_burst_larger_than_a_page_between_polls_is_read_whole():
    author = account("300", "busy")
    first = [status("1000", author, "<p>#sway one</p>", "2026-11-01T10:00:00.000Z")]
    server = FakeMastodon(tags={"sway": first}, accounts={}, statuses={}, favourites={}).start()
    try:
        connector = MastodonConnector(server.url, tags=["sway"])
        assert len([r for r in connector.poll() if r["kind"] == "post"]) == 1
        burst = [
            status(str(1001 + n), author, f"<p>#sway post {n}</p>", "2026-11-01T11:00:00.000Z") for n in range(100)
        ]
        server.tags["sway"] = burst[::-1] + first  # newest first, as Mastodon serves them
        posts = [r for r in connector.poll() if r["kind"] == "post"]
        again = [r for r in connector.poll() if r["kind"] == "post"]
    finally:
        server.stop()
    host = server.url.split("//")[1]
    assert sorted(r["uri"] for r in posts) == sorted(f"{host}/statuses/{1001 + n}" for n in range(100))
    assert again == []  # nothing new: nothing read twice
