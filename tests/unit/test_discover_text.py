"""Discover's word search over posts (whole words, stemmed, BM25-ranked, the matching post shown) and audience
filters scoped to the chosen networks, on the known world plus a few people added for each case."""

from datetime import timedelta

import pytest

from core.db import warehouse
from core.discover import Filters, build_discovery, result_rows, search
from tests.unit import discover_world as world
from tests.unit.discover_world import AS_OF, MIRA

# person_id, name, [(account_id, network, followers)], [post texts]
EXTRA = [
    (6, "Mirath Olsen", [(61, "instagram", 156), (62, "tiktok", 166_000)], ["Lunch #food"]),
    (7, "Ana Runs", [(71, "instagram", 42_000)], ["Running again, running always: running is life"]),
    (8, "Long Post", [(81, "twitter", 900)], ["I went running once " + "and then sat down " * 30]),
    (9, "Shoe Fan", [(91, "youtube", 5_000)], ["New shoes today", "Went for a run in them"]),
    (10, "Lake Swimmer", [(101, "blog", 10)], ["Today swim lake", "Lake swim today"]),  # equally relevant
]


@pytest.fixture(scope="module")
def con():
    con = world.memory_warehouse()
    post_id = 900
    for pid, name, accounts, texts in EXTRA:
        con.execute("INSERT INTO people VALUES (?, ?, ?)", [pid, f"ext-{pid}", name])
        for aid, net, followers in accounts:
            con.execute(
                "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, NULL, NULL, ?, 0, NULL, NULL, NULL)",
                [aid, pid, net, f"{net}-{aid}", f"h{aid}", followers],
            )
        for text in texts:
            post_id += 1
            con.execute(
                "INSERT INTO posts VALUES (?, ?, ?, ?, ?, ?, NULL, 'post', NULL, NULL, NULL, NULL)",
                [post_id, accounts[0][0], accounts[0][1], f"p{post_id}", AS_OF - timedelta(days=2), text],
            )
    # An account named other than its person (a blog's own name), and two named as its person.
    con.execute("INSERT INTO people VALUES (11, 'ext-11', 'Tanea Olnel')")
    for aid, display in ((111, "Harbour Notes blog"), (112, "Tanea Olnel"), (113, "TANEA OLNEL")):
        con.execute(
            "INSERT INTO accounts VALUES (?, 11, 'blog', ?, ?, ?, NULL, 10, 0, NULL, NULL, NULL)",
            [aid, f"blog-{aid}", f"h{aid}", display],
        )
    build_discovery(con)
    return con


def _ids(con, **filters) -> list[int]:
    return search(con, Filters(**filters))[1]["person_id"].to_list()


def test_audience_counts_only_accounts_on_the_chosen_networks(con):
    # 156 on Instagram and 166k on TikTok is not an Instagram creator of 10k-500k.
    assert 6 not in _ids(con, networks=("instagram",), audience_min=10_000, audience_max=500_000)
    assert 6 in _ids(con, networks=("tiktok",), audience_min=10_000, audience_max=500_000)
    assert _ids(con, networks=("instagram",), audience_min=10_000, audience_max=500_000) == [7]
    assert 6 in _ids(con, audience_min=10_000)  # without networks: the audience over all of them


def test_the_screen_rows_carry_followers_per_network(con):
    row = search(con, Filters(text="mirath"))[1].row(0, named=True)
    assert (row["followers_instagram"], row["followers_tiktok"], row["followers_twitter"]) == (156, 166_000, None)


def test_words_in_posts_are_found_and_the_post_is_shown(con):
    page = search(con, Filters(text="running"))[1]
    assert set(page["person_id"]) == {7, 8, 9}  # 'run' in Shoe Fan's post meets 'running'
    assert page.filter(page["person_id"] == 9)["matching_post"][0] == "Went for a run in them"


def test_best_match_comes_first(con):
    # Ana's short post says it three times; the long post once; Shoe Fan's once as 'run'.
    found = _ids(con, text="running")
    assert found[0] == 7 and found.index(9) < found.index(8)  # the long post's one mention is diluted
    ranked = search(con, Filters(text="running"))[1]["relevance"].to_list()
    assert ranked == sorted(ranked, reverse=True)


def test_names_match_whole_words_not_prefixes(con):
    assert _ids(con, text="mira") == [MIRA]  # not Mirath
    assert _ids(con, text="mirath") == [6]


def test_an_accounts_own_name_is_searched_as_a_name(con):
    assert _ids(con, text="harbour") == [11]
    # The account named as its person adds no second copy of the name's words, which would weigh them twice.
    (text,) = con.execute("SELECT search_text FROM discovery WHERE person_id = 11").fetchone()
    assert text.lower().count("olnel") == 1 and text.count("Harbour Notes blog") == 1


def test_hashtags_are_words(con):
    assert _ids(con, text="#food") == _ids(con, text="food") == [6]


def test_every_word_must_occur_somewhere_in_the_persons_documents(con):
    assert _ids(con, text="shoes run") == [9]  # in two different posts
    assert _ids(con, text="shoes lunch") == []


def test_of_equally_relevant_posts_the_newest_is_shown_every_time(con):
    for _ in range(3):
        page = search(con, Filters(text="swim"))[1]
        assert page["person_id"].to_list() == [10]
        assert page["matching_post"].to_list() == ["Lake swim today"]  # the second post, id 907


def test_a_word_search_before_the_first_build_finds_no_one(tmp_path):
    con = warehouse.connect(tmp_path / "never-built.duckdb")  # no index and no totals yet
    total, page = search(con, Filters(text="running"))
    assert total == 0 and page.is_empty()


def test_pages_of_a_network_scoped_filter_follow_the_order_of_the_whole_result(con):
    # Each page is ordered first and its columns read after (a sub-query filters it); an export is read at once.
    chosen = {"networks": ("instagram",), "audience_min": 1, "sort": "audience"}
    everyone = result_rows(con, Filters(**chosen), 1_000)
    assert everyone["person_id"].to_list()[:2] == [6, 7] and everyone.height >= 3  # 166,156 then 42,000 in all
    pages = [search(con, Filters(page=n, page_size=1, **chosen))[1] for n in range(1, everyone.height + 1)]
    assert [page.row(0) for page in pages] == everyone.rows()
