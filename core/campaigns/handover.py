"""What Discover hands a new campaign besides the people chosen: the targeting they were found with (topics,
networks, a minimum combined score), so the suggested list fills the campaign with people like them.

It travels as query parameters (/campaigns?campaign=new&people=1,2&topic=food&net=instagram&min_score=40), so a
crafted address can hold anything: what is read back is only known topics and networks and a score from 1 to 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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

    def to_params(self) -> dict[str, list[str]]:
        """Query parameters, each with its values; what targets anyone is left out."""
        params: dict[str, list[str]] = {}
        if self.topics:
            params["topic"] = list(self.topics)
        if self.networks:
            params["net"] = list(self.networks)
        if self.min_score > 1:
            params["min_score"] = [str(self.min_score)]
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
    )


def from_params(params: Mapping[str, Sequence[str]], topics: Sequence[str]) -> Targeting:
    """The targeting in query parameters (each name with all its values), keeping only `topics` and networks Sway
    knows and a whole minimum score from 1 to 100; anything else is dropped, never an error."""
    known = set(topics)
    score = (params.get("min_score") or [""])[-1].strip()
    return Targeting(
        topics=tuple(dict.fromkeys(t for t in params.get("topic", ()) if t in known)),
        networks=tuple(dict.fromkeys(n for n in params.get("net", ()) if n in NETWORKS)),
        min_score=int(score) if score.isascii() and score.isdigit() and 1 <= int(score) <= _MAX_SCORE else 1,
    )
