"""Language of posts: the source's tag first, else the light detector; only covered languages get topics."""

import polars as pl
import pytest

from core.topics.language import COVERED, OTHER_SCRIPT, UNDETERMINED, detect, languages

TEXTS = {
    "en": "Just watched the final and it was the best game of the season, what a team",
    "es": "Me hace falta una fiesta bien criminal para agarrarle cariño a la vida, y no hay ninguna",
    "pt": "Eu não sei se ele vai com a gente, mas ela disse que isso é muito bom para nós",
    "fr": "Je ne sais pas si elle est dans la ville, mais nous avons été très contents de cette journée",
    "de": "Ich bin nicht sicher, ob der Zug heute noch fährt, aber wir sind schon am Bahnhof und warten",
    "it": "Non so se questo è il momento giusto, ma sono molto contento della partita di ieri",
    "nl": "Ik weet niet of het morgen gaat regenen, maar ik heb geen paraplu bij me",
    "el": "Καλημέρα σε όλους, σήμερα ο καιρός είναι υπέροχος για βόλτα στη θάλασσα",
    "ja": "今日はとても暑いですね。アイスクリームを食べに行きましょう",
    "zh": "今天天气很好，我们去公园散步吧",
    "ko": "오늘 날씨가 정말 좋네요 산책하러 갈까요",
    "ru": "Сегодня отличная погода, пойдём гулять в парк после работы",
    "uk": "Сьогодні чудова погода, їдемо до моря і будемо там цілий день",
}


def test_detects_the_language_of_plain_sentences():
    found = detect(pl.Series(list(TEXTS.values())))
    assert found.to_list() == list(TEXTS)


def test_links_mentions_and_hashtags_are_not_words():
    # Spanish words only inside a link, a mention and hashtags: nothing says the post is Spanish.
    text = "Leg day done https://example.com/es/la/de/los/para @la_del_los #laVida #para"
    assert detect(pl.Series([text])).to_list() == [UNDETERMINED]


def test_short_or_empty_texts_are_undetermined_and_still_covered():
    texts = pl.Series(["Leg day done #fitness", "", None, "🔥🔥🔥"], dtype=pl.String)
    found = languages(pl.Series([None] * 4, dtype=pl.String), texts)
    assert found["language"].to_list() == [UNDETERMINED] * 4
    assert found["covered"].to_list() == [True] * 4


def test_english_with_a_foreign_name_stays_english():
    text = "We are at the Los Angeles airport and the flight to Las Vegas is late"
    assert languages(pl.Series([None], dtype=pl.String), pl.Series([text])).row(0) == ("en", True)


def test_place_and_club_names_are_not_words_of_their_language():
    # "Los Angeles", "San Jose", "Las Vegas" inside an English sentence: names, not Spanish (was 'es', untagged).
    english = "Match Thread: Conference Semifinals - Los Angeles Galaxy vs. San Jose Earthquakes, Las Vegas Lights"
    # A sentence's own capital stays a word: a Spanish sentence starting "El Barcelona" is still Spanish.
    spanish = "El Barcelona ganó. Los aficionados están muy contentos con la victoria"
    assert detect(pl.Series([english, spanish])).to_list() == [UNDETERMINED, "es"]


def test_mostly_another_script_is_not_covered_even_if_unnamed():
    found = languages(pl.Series([None], dtype=pl.String), pl.Series(["ሰላም ለሁሉም ሰው እንዴት ናችሁ #ethiopia"]))
    assert found.row(0) == (OTHER_SCRIPT, False)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", ("en", True)),
        ("EN-gb", ("en", True)),
        ("pt-BR", ("pt", False)),
        ("es,en", ("es", True)),  # tagged with a covered language among others: read
        ("ja", ("ja", False)),
        ("und", ("es", False)),  # a tag saying nothing: the text decides
        ("", ("es", False)),
        (None, ("es", False)),
    ],
)
def test_the_source_tag_decides_before_the_text(tag, expected):
    found = languages(pl.Series([tag], dtype=pl.String), pl.Series([TEXTS["es"]]))
    assert found.row(0) == expected


def test_a_tag_overrides_what_the_text_looks_like():
    # Bluesky says English: trust it over the detector (a post of Spanish lyrics by an English account, say).
    assert languages(pl.Series(["en"]), pl.Series([TEXTS["es"]])).row(0) == ("en", True)
    assert languages(pl.Series(["de"]), pl.Series([TEXTS["en"]])).row(0) == ("de", False)


def test_only_english_is_covered():
    assert COVERED == ("en",)
    found = languages(pl.Series([None] * len(TEXTS), dtype=pl.String), pl.Series(list(TEXTS.values())))
    assert found.filter(pl.col("covered"))["language"].to_list() == ["en"]
