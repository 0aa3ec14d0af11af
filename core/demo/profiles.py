"""Names, handles, display names and bios, built column-wise from syllables and topic phrases."""

from __future__ import annotations

import numpy as np
import polars as pl

from core.demo.accounts import Accounts
from core.demo.common import BLOG, stream
from core.demo.people import LOCATIONS, People

STAGE = 7
FIRST_SYLLABLES = (
    "ka", "lo", "mi", "ra", "ne", "ti", "sa", "vo", "da", "li", "ma", "no", "ri", "se", "ta",
    "zu", "jo", "be", "fa", "ha", "yu", "di", "ro", "la", "me", "ni", "ke", "so", "lu", "ve",
)  # fmt: skip
FIRST_ENDINGS = ("", "", "a", "o", "n", "l", "ra", "na", "s", "th")
LAST_SYLLABLES = (
    "bar", "cor", "dan", "fel", "gar", "hol", "kin", "lan", "mor", "nel", "par", "quin", "ros", "sal",
    "tor", "val", "wen", "yor", "zan", "ber", "cal", "dor", "fen", "gil", "har", "jen", "kes", "lor",
    "mer", "nor", "ol", "pen", "rid", "sen", "tal", "ver", "wil", "ash", "brook", "ton",
)  # fmt: skip
HANDLE_SEPARATORS = ("_", ".", "-", ".", "-")  # per network; first names have none, so handles are unique
TOPIC_PHRASES = (
    ("art lover", "museum hopper", "painter"),
    ("founder", "startup nerd", "small business owner"),
    ("pop culture junkie", "celebrity gossip", "red carpet watcher"),
    ("everyday life", "coffee first", "daily diary"),
    ("parent of two", "family first", "dad jokes"),
    ("fashion", "thrift finds", "streetwear"),
    ("film buff", "tv addict", "video maker"),
    ("fitness coach", "runner", "wellness"),
    ("foodie", "home cook", "restaurant reviews"),
    ("gamer", "streamer", "retro games"),
    ("teacher", "lifelong learner", "study tips"),
    ("music lover", "songwriter", "vinyl collector"),
    ("news junkie", "activist", "policy wonk"),
    ("DIY", "gardening", "board games"),
    ("dating advice", "relationship talk", "love and life"),
    ("tech", "science nerd", "software engineer"),
    ("sports fan", "football", "basketball"),
    ("traveler", "hiking", "backpacking"),
    ("student", "campus life", "college"),
)
NO_LOCATION_P = 0.12
NO_BIO_P = 0.08


def _last_name_digits(n: int, seed: int) -> list[np.ndarray]:
    """Syllable digits of a bijective scramble of each person index, so every last name is unique."""
    base = len(LAST_SYLLABLES)
    width = 3
    while base**width < n:
        width += 1
    modulus = base**width
    # 7919 is prime and shares no factor with 40**k, so the map is a permutation of 0..modulus-1.
    code = (np.arange(n, dtype=np.int64) * 7919 + seed * 104_729) % modulus
    return [(code // base**i) % base for i in range(width)]


def person_names(n: int, seed: int) -> tuple[pl.Series, pl.Series]:
    """(first name, last name) per person, e.g. ('Mira', 'Torvalen')."""
    rng = stream(seed, STAGE)
    first_syl = pl.Series(FIRST_SYLLABLES)
    parts = [first_syl.gather(rng.integers(0, len(FIRST_SYLLABLES), n)) for _ in range(2)]
    parts.append(pl.Series(FIRST_ENDINGS).gather(rng.integers(0, len(FIRST_ENDINGS), n)))
    first = pl.select(pl.concat_str(parts).str.to_titlecase()).to_series()
    last_syl = pl.Series(LAST_SYLLABLES)
    last = pl.select(
        pl.concat_str([last_syl.gather(d) for d in _last_name_digits(n, seed)]).str.to_titlecase()
    ).to_series()
    return first.alias("first"), last.alias("last")


def people_frame(n: int, seed: int) -> pl.DataFrame:
    """The people rows: person_id and name (external ids are made in SQL)."""
    first, last = person_names(n, seed)
    return pl.DataFrame({"person_id": np.arange(1, n + 1), "first": first, "last": last}).select(
        "person_id", name=pl.concat_str("first", pl.lit(" "), "last")
    )


def _capitalised(col: str) -> pl.Expr:
    return pl.col(col).str.slice(0, 1).str.to_uppercase() + pl.col(col).str.slice(1)


def accounts_frame(people: People, accounts: Accounts, seed: int) -> pl.DataFrame:
    """The profile columns of every account: handle, display name, bio, location, language."""
    rng = stream(seed, STAGE, 1)
    first, last = person_names(people.n, seed)
    person = accounts.person
    a = accounts.n
    phrases = pl.Series([p for topic in TOPIC_PHRASES for p in topic])
    topics = people.topics[person].astype(np.int64)
    pick = rng.integers(0, 3, a)
    second = np.where(topics[:, 1] >= 0, topics[:, 1], topics[:, 0])
    second_pick = np.where(topics[:, 1] >= 0, rng.integers(0, 3, a), (pick + 1) % 3)
    places = pl.Series([place for place, _, _ in LOCATIONS])

    frame = pl.DataFrame(
        {
            "first": first.gather(person),
            "last": last.gather(person),
            "sep": pl.Series(HANDLE_SEPARATORS).gather(accounts.network),
            "blog": accounts.network == BLOG,
            "p1": phrases.gather(topics[:, 0] * 3 + pick),
            "p2": phrases.gather(second * 3 + second_pick),
            "template": rng.integers(0, 5, a),
            "no_bio": rng.random(a) < NO_BIO_P,
            "location": places.gather(people.location[person]),
            "no_location": rng.random(a) < NO_LOCATION_P,
            "language": people.language[person],
        }
    )
    frame = frame.with_columns(location=pl.when(~pl.col("no_location")).then("location"))
    p1_cap = _capitalised("p1")
    bio = (
        pl.when(pl.col("template") == 0).then(pl.concat_str(p1_cap, pl.lit(" · "), "p2"))
        .when(pl.col("template") == 1).then(pl.concat_str(p1_cap, pl.lit(" and "), "p2", pl.lit(". Views my own.")))
        .when(pl.col("template") == 2).then(pl.concat_str(pl.lit("Talking "), "p1", pl.lit(" and "), "p2"))
        .when(pl.col("template") == 3).then(
            pl.concat_str(p1_cap, pl.lit(" | "), "p2", pl.concat_str(pl.lit(" | "), "location").fill_null(""))
        )
        .otherwise(pl.concat_str(p1_cap, pl.lit(", "), "p2", pl.lit(" and more. DMs open.")))
    )  # fmt: skip
    return frame.select(
        handle=pl.concat_str(pl.col("first").str.to_lowercase(), "sep", pl.col("last").str.to_lowercase()),
        display_name=pl.when("blog")
        .then(pl.concat_str("first", pl.lit("'s "), "p1", pl.lit(" blog")))
        .otherwise(pl.concat_str("first", pl.lit(" "), "last")),
        bio=pl.when("no_bio").then(None).otherwise(bio),
        location="location",
        language="language",
    )
