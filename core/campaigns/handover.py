"""What Discover hands a new campaign besides the people chosen: the targeting they were found with (topics,
networks, a minimum combined score, a minimum audience), so the suggested list fills the campaign with people like
them, and which of the search's other filters a campaign cannot target by, so the form says they were left out.

It travels as query parameters (/campaigns?campaign=new&people=1,2&topic=music&net=instagram&min_score=40&
min_audience=10000&left=aud_max), so a crafted address can hold anything: what is read back is only known topics,
networks and left-out filters, a score from 1 to 100 and an audience a campaign accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.campaigns.model import MAX_AUDIENCE
from core.discover.columns import NETWORK_LABELS
from core.discover.filters import Filters
from core.vocabulary import NETWORKS, topic_label

_MAX_SCORE = 100
# Discover filters a campaign's targeting has no place for, in the words the form uses for them.
LEFT_OUT: dict[str, str] = {
    "score_on": "a range of one network's score (a campaign's minimum is on the combined score)",
    "score_max": "the highest score",
    "aud_max": "the highest audience",
    "topics_all": "having all the topics (a campaign targets people with any of them)",
    "min_topic": "the minimum topic influence",
    "engagement": "the engagement range",
    "authenticity": "the minimum authenticity",
    "location": "the location",
    "languages": "the languages",
    "words": "the words searched for",
    "uncertain": "hiding scores with too little data",
}
# The query parameters this module reads and writes, for a page to clear once the campaign is made.
PARAMS = ("topic", "net", "min_score", "min_audience", "left")


@dataclass(frozen=True)
class Targeting:
    """The targeting a new campaign starts with, and what of its search was left out; the defaults target anyone."""

    topics: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    min_score: int = 1
    min_audience: int = 0
    left_out: tuple[str, ...] = ()  # keys of LEFT_OUT

    def to_params(self) -> dict[str, list[str]]:
        """Query parameters, each with its values; what targets anyone is left out."""
        params: dict[str, list[str]] = {}
        if self.topics:
            params["topic"] = list(self.topics)
        if self.networks:
            params["net"] = list(self.networks)
        if self.min_score > 1:
            params["min_score"] = [str(self.min_score)]
        if self.min_audience > 0:
            params["min_audience"] = [str(self.min_audience)]
        if self.left_out:
            params["left"] = list(self.left_out)
        return params

    def describe(self) -> str:
        """The targeting in words, for the form that starts from it ("" when there was no search to start from)."""
        parts = []
        if self.topics:
            parts.append(f"{'topic' if len(self.topics) == 1 else 'topics'} {_either(map(topic_label, self.topics))}")
        if self.networks:
            parts.append(f"on {_either(NETWORK_LABELS[n] for n in self.networks)}")
        if self.min_score > 1:
            parts.append(f"a combined score of {self.min_score} or more")
        if self.min_audience > 0:
            where = " on one account there" if self.networks else ""
            parts.append(f"{self.min_audience:,} followers or more{where}")
        said = [f"The targeting below starts from your Discover search: {', '.join(parts)}."] if parts else []
        if self.left_out:
            rest = "the rest of that search" if parts else "what your Discover search filtered by"
            said.append(
                f"A campaign cannot target by {rest}, so it was left out: {_and(LEFT_OUT[k] for k in self.left_out)}."
            )
        return " ".join(said)


ANYONE = Targeting()


def _either(names: Iterable[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def _and(names: Iterable[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    *rest, last = names
    return f"{', '.join(rest)} and {last}" if rest else last


def from_search(filters: Filters) -> Targeting:
    """The targeting of a Discover search, and the filters set in it that a campaign cannot target by."""
    combined = filters.score_network == "all"
    set_filters = {
        "score_on": not combined and (filters.score_min, filters.score_max) != (1, _MAX_SCORE),
        "score_max": combined and filters.score_max < _MAX_SCORE,
        "aud_max": filters.audience_max is not None,
        "topics_all": filters.topic_mode == "all" and len(filters.topics) > 1,
        "min_topic": filters.min_topic_influence > 1,
        "engagement": filters.engagement_min is not None or filters.engagement_max is not None,
        "authenticity": filters.min_authenticity > 0,
        "location": bool(filters.location.strip()),
        "languages": bool(filters.languages),
        "words": bool(filters.text.strip()),
        "uncertain": filters.hide_uncertain,
    }
    return Targeting(
        topics=filters.topics,
        networks=filters.networks,
        min_score=filters.score_min if combined else 1,
        min_audience=min(int(filters.audience_min or 0), MAX_AUDIENCE),
        left_out=tuple(k for k, is_set in set_filters.items() if is_set),
    )


def from_params(params: Mapping[str, Sequence[str]], topics: Sequence[str]) -> Targeting:
    """The targeting in query parameters (each name with all its values), keeping only `topics`, networks and
    left-out filters Sway knows, a whole minimum score from 1 to 100 and a whole minimum audience a campaign
    accepts; anything else is dropped, never an error."""
    known = set(topics)
    return Targeting(
        topics=tuple(dict.fromkeys(t for t in params.get("topic", ()) if t in known)),
        networks=tuple(dict.fromkeys(n for n in params.get("net", ()) if n in NETWORKS)),
        min_score=_whole(params.get("min_score"), 1, _MAX_SCORE, 1),
        min_audience=_whole(params.get("min_audience"), 0, MAX_AUDIENCE, 0),
        left_out=tuple(k for k in LEFT_OUT if k in set(params.get("left", ()))),
    )


def _whole(values: Sequence[str] | None, low: int, high: int, otherwise: int) -> int:
    """The last of `values` as a whole number from `low` to `high` (ASCII digits only), else `otherwise`."""
    text = (values or [""])[-1].strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        return otherwise
    return int(text)
