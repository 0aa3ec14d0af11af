"""Which language a post is in, and whether the topic classifier covers it: its topics are never guessed otherwise.

The language comes from the post's own tag when its source gives one (Bluesky's `langs`, Twitter's `lang`),
else from a light detector run on the whole batch at once in polars: the writing system of most letters
(Greek, Cyrillic, Japanese kana, Han, Hangul, ...) and, for Latin script, which language's common short words
the text uses most. A text the detector cannot place (no common words, e.g. "Leg day done #fitness") stays
"und" (undetermined) and is tagged: most such posts are hashtags, names and slang the model reads as well as
any. `python -m bench.language_coverage` measures the detector on labelled tweets.
"""

from __future__ import annotations

import polars as pl

# The languages the topic model is trained on: the shipped training sample (Reddit, HuffPost) is English.
COVERED: tuple[str, ...] = ("en",)
UNDETERMINED = "und"
# Posts written mostly in a script none of SCRIPTS names: certainly not a covered language.
OTHER_SCRIPT = "other"
# How the Topics page names the codes this module gives (others are shown as their code).
NAMES: dict[str, str] = {
    "en": "English", "es": "Spanish", "pt": "Portuguese", "fr": "French", "de": "German", "it": "Italian",
    "nl": "Dutch", "ja": "Japanese", "ko": "Korean", "zh": "Chinese", "el": "Greek", "uk": "Ukrainian",
    "ru": "Russian", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "th": "Thai",
    UNDETERMINED: "Not recognised: mostly hashtags, names or slang (tagged)", OTHER_SCRIPT: "Other writing systems",
}  # fmt: skip
# Tags that say nothing about the language (Twitter's "und", media-only "zxx", emoji-only "qme", ...).
NON_LANGUAGE_TAGS = frozenset({"", "und", "zxx", "qme", "qht", "qam", "qct", "qst", "art", "mul", "mis"})

# Writing systems whose letters settle the language (or a family not covered either), checked in this order.
SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", r"[\p{Hiragana}\p{Katakana}]"),  # kana only occur in Japanese (with Han)
    ("ko", r"\p{Hangul}"),
    ("zh", r"\p{Han}"),  # Han without kana
    ("el", r"\p{Greek}"),
    ("uk", r"[іїєґІЇЄҐ]"),  # letters Russian lacks decide Ukrainian among Cyrillic texts
    ("ru", r"\p{Cyrillic}"),
    ("ar", r"\p{Arabic}"),
    ("he", r"\p{Hebrew}"),
    ("hi", r"\p{Devanagari}"),
    ("th", r"\p{Thai}"),
)
# Common short words of Latin-script languages; a text goes to the language with most of them, and only when
# that is not English by at least two words is it called another language (mixed and short texts stay taggable).
WORDS: dict[str, tuple[str, ...]] = {
    lang: tuple(words.split())
    for lang, words in {
        "en": "the and is are was were you this that with have has for not but what just my your it's i'm they "
        "will would be of to on at it we so all about when how can don't get like from our there their been who "
        "an or i he she if out up do new now by as",
        "es": "el la los las que del y un una es por para con se lo al su sus más pero como muy está hay yo mi "
        "esto este esta ya porque también cuando todo nos le les son fue ser qué sí eso bien",
        "pt": "o os as do da dos das em um uma é não com para por mais mas muito eu ele ela isso esse essa você "
        "foi são ao na nos nas também já quando tem meu minha",
        "fr": "le les des du et est une qui pour pas ne sur dans avec ce cette il elle je tu nous vous mais au "
        "aux c'est très tout ont été être j'ai sont ça mon ma",
        "de": "der die das und ist nicht ich du ein eine zu den dem mit von auf für sich auch wie aber wir noch "
        "nur bei dass oder war sind hat kann es mir mich wenn schon",
        "it": "il gli di della che e è per non sono ma più anche questo questa ho hai ti nel alla dei delle "
        "perché molto sei tutto",
        "nl": "het een en van dat niet ik je op te zijn met voor maar ook er wat die dit naar bij heb heeft nog "
        "wel geen jij mijn",
    }.items()
}
# Margin (in common words) by which another language must beat English before a post is called it.
MARGIN = 2
# Links, @mentions and #hashtags are names, not language: they are removed before counting.
_NOT_WORDS = r"https?://\S+|www\.\S+|[@#][\w.]+"
# A capitalised word before another, inside a sentence, is part of a name ("... Los Angeles Galaxy", "San Jose",
# "De Niro"): it says nothing of the language around it and is removed before counting. At a sentence's start the
# capital may be the sentence's own ("El Barcelona ganó"), so the word stays. The next word keeps its capital:
# the pattern runs twice for a three-word name.
_NAME_PART = r"([^.!?¡¿\s]\s+)\p{Lu}[\p{L}\p{M}']*(\s+\p{Lu})"
# Words are runs of letters and apostrophes (a plain character class: word-boundary regexes are 6x slower).
_WORD = r"[\p{L}\p{M}']+"
_WORD_LANGUAGES = pl.DataFrame(
    [(word, lang) for lang, words in WORDS.items() for word in words], schema=["word", "lang"], orient="row"
)
_OTHERS = tuple(lang for lang in WORDS if lang != "en")


def _script_language(texts: pl.Series) -> pl.Series:
    """Per text: the code of the first SCRIPTS writing system present, OTHER_SCRIPT if none (texts not mostly Latin)."""
    found = pl.lit(OTHER_SCRIPT)
    for code, pattern in reversed(SCRIPTS):
        found = pl.when(pl.col("text").str.contains(pattern)).then(pl.lit(code)).otherwise(found)
    return pl.DataFrame({"text": texts}).select(found.alias("language"))["language"]


def _word_language(texts: pl.Series) -> pl.Series:
    """Per text: the Latin-script language its common words point to, "en", or UNDETERMINED (see MARGIN)."""
    words = texts.str.to_lowercase().str.replace_all("’", "'", literal=True).str.extract_all(_WORD)
    found = pl.DataFrame({"row": pl.int_range(0, len(texts), eager=True), "word": words})
    counts = (
        found.explode("word")
        .join(_WORD_LANGUAGES, on="word")
        .pivot(on="lang", index="row", values="word", aggregate_function="len")
    )
    counts = counts.with_columns(
        pl.lit(0, dtype=pl.UInt32).alias(lang) for lang in WORDS if lang not in counts.columns
    ).fill_null(0)
    best = pl.max_horizontal(*_OTHERS)
    name = pl.lit(None, dtype=pl.String)
    for lang in reversed(_OTHERS):  # a tie between other languages goes to the first in WORDS
        name = pl.when(pl.col(lang) == best).then(pl.lit(lang)).otherwise(name)
    verdict = counts.select(
        "row",
        language=pl.when(best >= pl.col("en") + MARGIN).then(name).when(pl.col("en") > 0).then(pl.lit("en")),
    )
    rows = pl.DataFrame({"row": pl.int_range(0, len(texts), eager=True)})
    return rows.join(verdict, on="row", how="left").sort("row")["language"].fill_null(UNDETERMINED)


def detect(texts: pl.Series) -> pl.Series:
    """The language code of each text (ISO 639-1), UNDETERMINED or OTHER_SCRIPT; vectorized, deterministic per text."""
    cleaned = texts.cast(pl.String).fill_null("").str.replace_all(_NOT_WORDS, " ").rename("text")
    words = cleaned.str.replace_all(_NAME_PART, "$1$2").str.replace_all(_NAME_PART, "$1$2")
    # Mostly letters of another writing system: named by the script; the rest by their words.
    # Only texts with a character beyond ASCII can be: a byte-level test spares the letter counts for the rest.
    text = pl.col("text")
    mostly_other = pl.DataFrame({"text": cleaned}).select(
        text.str.contains(r"[^\x00-\x7F]")
        & (text.str.count_matches(r"[^\p{Latin}\P{L}]") > text.str.count_matches(r"\p{Latin}"))
    )["text"]
    language = _word_language(words).to_numpy().copy()
    if mostly_other.any():
        language[mostly_other.to_numpy()] = _script_language(cleaned.filter(mostly_other)).to_numpy()
    return pl.Series(texts.name, language, dtype=pl.String)


def languages(tags: pl.Series, texts: pl.Series) -> pl.DataFrame:
    """Per post, in order: language (the source's first tag, else detected) and covered (the model reads it).

    A post its source tagged with several languages is covered when any of them is ("es,en" is read).
    """
    frame = pl.DataFrame({"tags": tags.cast(pl.String).str.to_lowercase(), "detected": detect(texts)})
    listed = (
        pl.col("tags")
        .str.extract_all(r"[a-z]{2,3}(?:[-_][a-z0-9]+)*")
        .list.eval(pl.element().str.extract(r"^([a-z]{2,3})", 1))
        .list.eval(pl.element().filter(~pl.element().is_in(list(NON_LANGUAGE_TAGS))))
    )
    return (
        frame.with_columns(listed=listed)
        .with_columns(tagged=pl.col("listed").list.first())
        .select(
            language=pl.coalesce("tagged", "detected"),
            covered=pl.when(pl.col("tagged").is_not_null())
            .then(pl.col("listed").list.eval(pl.element().is_in(list(COVERED))).list.any())
            .otherwise(pl.col("detected").is_in([*COVERED, UNDETERMINED])),
        )
    )
