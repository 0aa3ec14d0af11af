"""What Discover hands a new campaign: the targeting of the search its people were found with."""

from core.campaigns import handover
from core.campaigns.handover import Targeting
from core.discover.filters import Filters

TOPICS = ["food_&_dining", "travel_&_adventure", "music"]


def test_a_search_s_topics_networks_combined_minimum_score_and_minimum_audience_become_the_targeting():
    search = Filters(
        topics=("travel_&_adventure", "music"),
        networks=("instagram", "tiktok"),
        score_min=40,
        score_max=90,
        audience_min=10_000,
        audience_max=80_000,
    )
    handed = handover.from_search(search)
    assert handed == Targeting(
        ("travel_&_adventure", "music"), ("instagram", "tiktok"), 40, 10_000, left_out=("score_max", "aud_max")
    )


def test_a_minimum_on_one_network_s_score_is_not_a_minimum_combined_score():
    assert handover.from_search(Filters(score_network="tiktok", score_min=40)).min_score == 1


def test_the_targeting_comes_back_from_its_query_parameters():
    sent = Targeting(("food_&_dining", "travel_&_adventure"), ("bluesky",), 55, 2_500)
    assert handover.from_params(sent.to_params() | {"people": ["1,2"]}, TOPICS) == sent
    assert Targeting().to_params() == {}  # targets anyone: a clean address


def test_a_crafted_address_gives_only_known_topics_networks_and_a_score_from_1_to_100():
    crafted = {
        "topic": ["travel_&_adventure", "<script>", "travel_&_adventure", "cooking"],
        "net": ["myspace", "tiktok"],
    }
    assert handover.from_params(crafted, TOPICS) == Targeting(("travel_&_adventure",), ("tiktok",), 1)
    for score in ("0", "101", "-5", "4.5", "²", "abc", ""):
        assert handover.from_params({"min_score": [score]}, TOPICS).min_score == 1, score
    assert handover.from_params({"min_score": ["7", "100"]}, TOPICS).min_score == 100  # the last one, as a URL reads
    for audience in ("-1", "1e6", "10000000001", "٣"):
        assert handover.from_params({"min_audience": [audience]}, TOPICS).min_audience == 0, audience
    assert handover.from_params({"min_audience": ["10000000000"]}, TOPICS).min_audience == 10_000_000_000


def test_the_targeting_says_in_words_what_the_form_starts_from():
    said = Targeting(("food_&_dining", "travel_&_adventure", "music"), ("instagram", "tiktok"), 40, 10_000).describe()
    assert said == (
        "The targeting below starts from your Discover search: topics Food & dining, Travel & adventure or Music, "
        "on Instagram or TikTok, a combined score of 40 or more, 10,000 followers or more on one account there."
    )
    assert Targeting(min_audience=500).describe().endswith("search: 500 followers or more.")
    assert (
        Targeting(("travel_&_adventure",)).describe()
        == "The targeting below starts from your Discover search: topic Travel & adventure."
    )
    assert Targeting().describe() == ""


def test_what_a_campaign_cannot_target_by_is_named_not_dropped_quietly():
    search = Filters(
        topics=("music", "gaming"),
        topic_mode="all",
        min_topic_influence=10,
        score_network="instagram",
        score_min=30,
        audience_min=10_000,
        audience_max=500_000,
        networks=("instagram",),
    )
    handed = handover.from_search(search)
    assert handed.min_score == 1 and handed.left_out == ("score_on", "aud_max", "topics_all", "min_topic")
    assert handover.from_params(handed.to_params(), ["music", "gaming"]) == handed
    assert handed.describe() == (
        "The targeting below starts from your Discover search: topics Music or Gaming, on Instagram, 10,000 "
        "followers or more on one account there. A campaign cannot target by the rest of that search, so it was "
        "left out: a range of one network's score (a campaign's minimum is on the combined score), the highest "
        "audience, having all the topics (a campaign targets people with any of them) and the minimum topic "
        "influence."
    )
    everything = Filters(
        score_max=90,
        engagement_min=1.0,
        min_authenticity=50,
        location="London",
        languages=("en",),
        text="vinyl",
        hide_uncertain=True,
    )
    assert handover.from_search(everything).left_out == (
        "score_max",
        "engagement",
        "authenticity",
        "location",
        "languages",
        "words",
        "uncertain",
    )
    assert handover.from_search(Filters()).left_out == ()  # a plain search leaves nothing out
    assert Targeting(left_out=("words",)).describe() == (
        "A campaign cannot target by what your Discover search filtered by, so it was left out: the words searched for."
    )
    assert handover.from_params({"left": ["<b>", "words"]}, []).left_out == ("words",)
