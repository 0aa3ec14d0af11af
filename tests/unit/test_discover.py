"""Discover on a small known warehouse: the build, every filter, sorting, paging, injection-proof text, exports."""

import csv
import io

import openpyxl
import polars as pl
import pytest

from core.db.warehouse import rows, scalar
from core.discover import (
    Filters,
    build_discovery,
    build_info,
    ensure_built,
    export_csv,
    export_xlsx,
    facets,
    filters_from_params,
    filters_to_params,
    is_stale,
    readable,
    result_rows,
    search,
)
from tests.unit import discover_world as world
from tests.unit.discover_world import CARL, EVIL, MIRA, QUIET, ZOE


@pytest.fixture(scope="module")
def con():
    return world.memory_warehouse()


def _ids(con, **filters) -> list[int]:
    total, page = search(con, Filters(**filters))
    assert total == page.height  # the world fits on one page
    return page["person_id"].to_list()


def test_the_table_has_one_row_per_person_with_the_documented_numbers(con):
    table = con.sql("SELECT * FROM discovery ORDER BY person_id").pl()
    assert table["person_id"].to_list() == [MIRA, EVIL, ZOE, QUIET, CARL]
    mira = table.row(0, named=True)
    assert mira["handles"] == "mira_t (twitter), mira.t (instagram)"
    assert (mira["score"], mira["score_twitter"], mira["score_instagram"], mira["score_tiktok"]) == (80, 75, 60, None)
    assert (mira["audience"], mira["posts"], mira["reactions"]) == (1500, 4, 5)
    # Pooled over her accounts (3 reactions on 2 posts to 1,000 followers, 2 on 2 to 500): 0.17%, between her
    # accounts' 0.15% and 0.2%. Total reactions over total posts times total followers gave 0.083%.
    assert mira["engagement_rate"] == pytest.approx(5 / (2 * 1000 + 2 * 500))
    assert mira["topics"] == ["fitness_&_health", "food_&_dining"] and mira["top_topic_influence"] == 70
    assert (mira["location"], mira["language"]) == ("London, UK", "en")
    assert mira["search_text"].startswith("Mira Torvalen mira_t") and "runner" in mira["search_text"].lower()
    evil = table.row(1, named=True)
    assert (evil["authenticity"], evil["flagged"]) == (30, True)
    quiet = table.row(3, named=True)
    assert (quiet["score"], quiet["audience"], quiet["engagement_rate"], quiet["topics"]) == (1, 0, None, [])
    # Stored best first, so score ranges skip row groups and the default sort is a top-N.
    assert rows(con, "SELECT person_id FROM discovery") == [(MIRA,), (EVIL,), (ZOE,), (CARL,), (QUIET,)]


@pytest.mark.parametrize("followers", [None, 500])
def test_accounts_or_topics_that_tie_show_the_same_place_and_topic_order_in_every_build(followers):
    con = world.memory_warehouse()
    con.execute("UPDATE accounts SET followers = ? WHERE account_id IN (11, 12)", [followers])
    con.execute("UPDATE accounts SET location = 'Leeds, UK', language = 'cy' WHERE account_id = 12")
    con.execute("UPDATE topic_influence SET influence = 40 WHERE person_id = ?", [MIRA])
    build_discovery(con)
    mira = rows(con, "SELECT location, language, topics FROM discovery WHERE person_id = ?", [MIRA])
    # An unknown follower count loses nothing; of equal accounts the first one's place, of equal topics by name.
    assert mira == [("London, UK", "en", ["fitness_&_health", "food_&_dining"])]


def test_the_build_records_what_it_was_built_from(con):
    info = build_info(con)
    assert (info.score_run_id, info.people, info.topic_rows, info.load_id) == (3, 5, 5, 1)
    assert info.scored and not is_stale(con)
    assert facets(con).topics == ["music", "fitness_&_health", "food_&_dining", "gaming"]
    assert set(facets(con).languages) == {"de", "en"}


def test_default_search_sorts_by_combined_score(con):
    assert _ids(con) == [MIRA, EVIL, ZOE, CARL, QUIET]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"score_min": 30, "score_max": 60}, [EVIL, ZOE]),
        ({"score_network": "youtube"}, [ZOE]),
        ({"score_network": "twitter", "score_min": 70}, [MIRA]),
        ({"topics": ("music",)}, [EVIL, ZOE]),
        ({"topics": ("music", "fitness_&_health")}, [MIRA, EVIL, ZOE]),
        ({"topics": ("music", "gaming"), "topic_mode": "all"}, [ZOE]),
        ({"topics": ("music", "nonexistent"), "topic_mode": "all"}, []),
        ({"topics": ("music",), "min_topic_influence": 30}, [EVIL]),
        ({"topics": ("music", "gaming"), "topic_mode": "all", "min_topic_influence": 30}, []),
        ({"networks": ("instagram", "blog")}, [MIRA, CARL]),
        ({"audience_min": 1000}, [MIRA, EVIL]),
        ({"audience_max": 400}, [ZOE, CARL, QUIET]),
        # With networks chosen, one account on them must meet every audience and engagement bound.
        ({"networks": ("twitter",), "audience_min": 600}, [MIRA]),
        ({"networks": ("instagram",), "audience_min": 600}, []),  # 500 there; her 1,500 in all does not count
        ({"networks": ("instagram",), "engagement_min": 0.19}, [MIRA]),  # 0.2% there, 0.15% on Twitter
        ({"networks": ("twitter", "instagram"), "audience_min": 600, "engagement_min": 0.19}, []),
        ({"engagement_min": 0.12}, [MIRA]),  # 0.17% pooled over her accounts; Evil Corp's one account 0.1%
        ({"engagement_max": 0.12}, [EVIL]),
        ({"hide_flagged": True}, [MIRA, ZOE, CARL, QUIET]),
        ({"min_authenticity": 50}, [MIRA, ZOE, CARL, QUIET]),
        ({"location": "berlin"}, [EVIL, ZOE]),
        ({"languages": ("en",)}, [MIRA]),
        ({"text": "runner"}, [MIRA]),
        ({"text": "RUNNER trail"}, [MIRA]),
        ({"text": "@zoe_m"}, [ZOE]),
        ({"text": "müller"}, [ZOE]),
        ({"text": "unner"}, []),  # whole words only
        ({"text": "mir"}, []),  # a name is matched by its words, not their first letters
        ({"text": "photo"}, [MIRA]),  # her post 'Trail photos': plurals meet
        ({"text": "days race"}, [MIRA]),  # 'Race day!'
        ({"text": "race music"}, []),  # every word must occur
        ({"text": "hyperlink"}, [EVIL]),
        ({"text": "call", "topics": ("music",), "score_min": 40}, [EVIL]),
    ],
)
def test_each_filter_narrows_the_result(con, filters, expected):
    assert _ids(con, **filters) == expected


def test_sort_keys(con):
    assert _ids(con, sort="audience") == [EVIL, MIRA, ZOE, CARL, QUIET]
    assert _ids(con, sort="engagement")[:2] == [MIRA, EVIL]
    assert _ids(con, sort="topic_influence")[:3] == [MIRA, EVIL, ZOE]
    assert _ids(con, sort="topic_influence", topics=("music", "gaming")) == [EVIL, ZOE]
    _, page = search(con, Filters(topics=("music", "gaming")))
    assert page["topic_influence"].to_list() == [55, 35]  # best influence among the chosen topics


def test_paging_and_a_page_past_the_end(con):
    total, page = search(con, Filters(page=2, page_size=2))
    assert total == 5 and page["person_id"].to_list() == [ZOE, CARL]
    total, page = search(con, Filters(page=99, page_size=2))
    assert page["person_id"].to_list() == [QUIET]


@pytest.mark.parametrize("hostile", ["' OR 1=1 --", "'; DROP TABLE discovery; --", "%", "_", "\\", '"', "ö' OR ''='"])
def test_filter_values_are_only_ever_text(con, hostile):
    for filters in (Filters(location=hostile), Filters(languages=(hostile,)), Filters(topics=(hostile,))):
        total, page = search(con, filters)
        assert total == page.height == 0
    # Free text keeps only its words: punctuation alone filters nothing, and these words are nobody's.
    assert search(con, Filters(text=hostile))[0] == (0 if any(c.isalnum() for c in hostile) else 5)
    assert scalar(con, "SELECT count(*) FROM discovery") == 5


def test_a_location_with_like_wildcards_matches_literally(con):
    assert _ids(con, location="%") == []
    assert _ids(con, location=", ") == [MIRA, EVIL, ZOE]


def test_result_rows_ignore_paging(con):
    assert result_rows(con, Filters(page=2, page_size=1), 10)["person_id"].to_list() == [MIRA, EVIL, ZOE, CARL, QUIET]


def test_filters_round_trip_through_query_params():
    filters = Filters(
        score_network="tiktok",
        score_min=20,
        score_max=90,
        topics=("music", "arts_&_culture"),
        topic_mode="all",
        min_topic_influence=30,
        networks=("tiktok", "blog"),
        audience_min=1000,
        engagement_min=0.5,
        engagement_max=12.25,
        hide_flagged=True,
        min_authenticity=60,
        location="New York, USA",
        languages=("en", "es"),
        text="' OR 1=1 -- runner",
        sort="engagement",
        page=3,
        page_size=100,
    )
    params = filters_to_params(filters)
    assert params["topic"] == ["music", "arts_&_culture"] and params["eng"] == "0.5-12.25"
    assert filters_from_params(params) == filters
    assert filters_to_params(Filters()) == {}
    # st.query_params.to_dict() keeps one value per key: comma-separated lists still work.
    assert filters_from_params({"topic": "music,gaming"}).topics == ("music", "gaming")


@pytest.mark.parametrize(
    "params",
    [
        {"score": "abc-xyz", "page": "-4", "per": "7", "sort": "evil", "on": "myspace", "topics": "some"},
        {"aud": "9" * 400 + "-", "eng": "nan-inf", "min_topic": "1e9", "min_auth": "-5", "hide_flagged": "maybe"},
        {"score": ["", "5"], "net": ["tiktok", "myspace"], "q": "x" * 10_000, "unknown": "1"},
        {"score": "-", "aud": "", "eng": "--", "page": ""},
    ],
)
def test_bad_query_params_fall_back_to_defaults_without_crashing(con, params):
    filters = filters_from_params(params)
    assert 1 <= filters.score_min <= filters.score_max <= 100
    assert filters.sort == "relevance" and filters.score_network == "all" and filters.page_size == 50
    assert set(filters.networks) <= {"tiktok"} and len(filters.text) <= 200
    search(con, filters)


def test_reversed_ranges_are_swapped():
    assert filters_from_params({"score": "80-20"}) == Filters(score_min=20, score_max=80)


def test_before_the_first_refresh_everyone_scores_1_and_there_are_no_topics():
    con = world.memory_warehouse(scored=False, topics=False)
    assert not build_info(con).scored
    total, page = search(con, Filters())
    assert total == 5 and set(page["score"]) == {1}
    assert page.filter(pl.col("person_id") == MIRA)["score_twitter"].to_list() == [1]
    assert facets(con).topics == []
    assert search(con, Filters(topics=("music",)))[0] == 0
    assert search(con, Filters(text="runner"))[0] == 1


def test_a_warehouse_never_built_gets_built_on_first_use():
    con = world.memory_warehouse()
    con.execute("DELETE FROM discovery_builds")
    assert build_info(con) is None and is_stale(con)
    assert ensure_built(con) and build_info(con).people == 5 and not ensure_built(con)


def test_a_refresh_or_load_makes_the_build_stale_and_ensure_built_rebuilds_once():
    con = world.memory_warehouse(scored=False)
    assert not ensure_built(con)
    world._scores(con)
    assert is_stale(con)
    assert ensure_built(con) and not is_stale(con) and build_info(con).score_run_id == 3
    con.execute("INSERT INTO load_log VALUES (2, 'import', ['more'], 0, 0, 0, 0, now()::TIMESTAMP)")
    assert is_stale(con)
    build_discovery(con)
    assert not is_stale(con)


def test_exports_neutralise_formulas_and_keep_numbers(con):
    frame = readable(result_rows(con, Filters(), 10))
    text = export_csv(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'+1 555" not in text  # bios are not exported, handles are
    assert "'@Evil Corp" in text
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame)))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert "'@Evil Corp" in values and any(str(v).startswith("'=HYPERLINK") for v in values)
    header = [c.value for c in next(book.active.iter_rows())]
    assert header[:3] == ["Name", "Handles", "Score"]
    mira = next(row for row in book.active.iter_rows(values_only=True) if row[0] == "Mira Torvalen")
    assert mira[2] == 80 and isinstance(mira[2], int)


def test_exports_read_like_the_screen(con):
    """Screen labels, not column names: topic names, yes/no, percentages, followers per network."""
    frame = readable(result_rows(con, Filters(), 10))
    assert not [h for h in frame.columns if "_" in h or h != h.strip()]
    assert {"Twitter followers", "Instagram followers", "TikTok followers", "Engagement", "YouTube score"} <= set(
        frame.columns
    )
    table = list(csv.DictReader(io.StringIO(export_csv(frame).decode("utf-8-sig"))))
    mira = next(row for row in table if row["Name"] == "Mira Torvalen")
    assert (mira["Twitter followers"], mira["Instagram followers"], mira["TikTok followers"]) == ("1000", "500", "")
    assert mira["Engagement"] == "0.17%" and mira["Flagged"] == "No"  # pooled over her accounts, as on Profile
    assert mira["Topics"] == "Fitness & health, Food & dining"
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame)))
    header = [c.value for c in next(book.active.iter_rows())]
    row = next(r for r in book.active.iter_rows(min_row=2) if r[0].value == "Mira Torvalen")
    engagement = row[header.index("Engagement")]
    assert engagement.value == pytest.approx(5 / 3000) and engagement.number_format == "0.00%"
    assert row[header.index("Topics")].value == "Fitness & health, Food & dining"
    # A score too little data can bound has no range to give, not a range of "1 to 1" that reads as certain.
    quiet = next(row for row in table if row["Name"] == "Quiet Person")
    assert (quiet["Score"], quiet["Too little data"], quiet["Score range from"], quiet["Score range to"]) == (
        "1", "Yes", "", ""
    )  # fmt: skip
    assert (mira["Score range from"], mira["Score range to"]) == ("80", "80")  # a sure score keeps its range


def test_exports_never_show_a_real_rate_as_zero():
    """A 12-million audience's 0.00089% is no 0.00%: the same two significant digits as the screen."""
    frame = pl.DataFrame({"Name": ["Big", "Small", "None", "Unknown"], "Engagement": [0.0000089, 0.023, 0.0, None]})
    table = list(csv.DictReader(io.StringIO(export_csv(frame).decode("utf-8-sig"))))
    assert [row["Engagement"] for row in table] == ["0.00089%", "2.3%", "0%", ""]
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame)))
    cells = [row[1] for row in book.active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [pytest.approx(0.0000089), 0.023, 0, None]
    assert [c.number_format for c in cells[:3]] == ["0.00000%", "0.0%", "0%"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_is_made_inert(start):
    frame = pl.DataFrame({"name": [f"{start}SUM(A1:A9)"], "score": [-3]})
    body = export_csv(frame).decode("utf-8-sig").split("\n", 1)[1]
    assert body.lstrip('"').startswith(f"'{start}SUM")
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(frame)))
    name, score = next(book.active.iter_rows(min_row=2, values_only=False))
    assert name.data_type == "s" and name.value.startswith("'")
    assert score.value == -3 and score.data_type == "n"


def test_hiding_uncertain_scores_leaves_out_those_marked_too_little_data():
    con = world.memory_warehouse()
    con.execute(
        "UPDATE scores SET too_little_data = (person_id = ?), score_low = score - 5, score_high = score + 5", [ZOE]
    )
    build_discovery(con)
    everyone, sure = _ids(con), _ids(con, hide_uncertain=True)
    assert ZOE in everyone and ZOE not in sure and MIRA in sure
    _, page = search(con, Filters(hide_uncertain=True))
    assert not page["too_little_data"].any() and (page["score_low"] <= page["score"]).all()
