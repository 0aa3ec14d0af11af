"""What Discover hands a new campaign besides the people chosen: the targeting they were found with (topics,
networks, a minimum combined score, a minimum audience), so the suggested list fills the campaign with people like
them.

It travels as query parameters (/campaigns?campaign=new&people=1,2&topic=music&net=instagram&min_score=40&
min_audience=10000), so a crafted address can hold anything: what is read back is only known topics and networks,
a score from 1 to 100 and an audience a campaign accepts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.campaigns.model import MAX_AUDIENCE
from core.discover.columns import NETWORK_LABELS
from core.discover.filters import Filters
from core.vocabulary import NETWORKS, topic_label

_MAX_SCORE = 100


@dataclass(frozen=True)
class Targeting:
    """The targeting a new campaign starts with; the defaults target anyone."""

    topics: tuple[str, ...] = ()
    networks: tuple[str, ...] = ()
    min_score: int = 1
    min_audience: int = 0

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
        return params

    def describe(self) -> str:
        """The targeting in words, for the form that starts from it ("" when it targets anyone)."""
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
        if not parts:
            return ""
        return f"The targeting below starts from your Discover search: {', '.join(parts)}."


ANYONE = Targeting()


def _either(names: Iterable[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    *rest, last = names
    return f"{', '.join(rest)} or {last}" if rest else last


def from_search(filters: Filters) -> Targeting:
    """The targeting of a Discover search. A campaign's minimum score is on the combined score, so a minimum on one
    network's score is not carried over."""
    return Targeting(
        topics=filters.topics,
        networks=filters.networks,
        min_score=filters.score_min if filters.score_network == "all" else 1,
        min_audience=min(int(filters.audience_min or 0), MAX_AUDIENCE),
    )


def from_params(params: Mapping[str, Sequence[str]], topics: Sequence[str]) -> Targeting:
    """The targeting in query parameters (each name with all its values), keeping only `topics` and networks Sway
    knows, a whole minimum score from 1 to 100 and a whole minimum audience a campaign accepts; anything else is
    dropped, never an error."""
    known = set(topics)
    return Targeting(
        topics=tuple(dict.fromkeys(t for t in params.get("topic", ()) if t in known)),
        networks=tuple(dict.fromkeys(n for n in params.get("net", ()) if n in NETWORKS)),
        min_score=_whole(params.get("min_score"), 1, _MAX_SCORE, 1),
        min_audience=_whole(params.get("min_audience"), 0, MAX_AUDIENCE, 0),
    )


def _whole(values: Sequence[str] | None, low: int, high: int, otherwise: int) -> int:
    """The last of `values` as a whole number from `low` to `high` (ASCII digits only), else `otherwise`."""
    text = (values or [""])[-1].strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        return otherwise
    return int(text)
