"""Authenticity flags in a marketer's words: a name per flag and its stored evidence (JSON) as sentences."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

FLAG_NAMES: dict[str, str] = {
    "bought_burst": "Bought reactions",
    "burst_reactor": "Delivers bought reactions",
    "follow_farm": "Follows to be followed back",
    "pod": "Engagement pod",
    "react_all": "Reacts to everything",
}


def _count(n: Any, one: str, many: str | None = None) -> str:
    """'1 post', '3 posts': a whole number with its noun."""
    value = int(n)
    return f"{value:,} {one if value == 1 else (many or one + 's')}"


def _share(x: Any) -> str:
    return f"{float(x):.0%}"


def _bought_burst(e: Mapping[str, Any]) -> list[str]:
    return [
        f"{_count(e['burst_reactions'], 'reaction')} arrived in {_count(e['bursts'], 'sudden burst')}; "
        f"{_count(e['from_near_silent_accounts'], 'came', 'came')} from accounts that otherwise almost never act.",
        f"The largest: {_count(e['largest_burst_reactions'], 'reaction')} within "
        f"{float(e['largest_burst_minutes']):.0f} minutes, starting {e['largest_burst_started']} UTC.",
    ]


def _burst_reactor(e: Mapping[str, Any]) -> list[str]:
    other = int(e["other_activity"])
    besides = "nothing else" if other == 0 else _count(other, "other thing")
    return [
        f"This account took part in {_count(e['bursts'], 'burst')} of bought reactions "
        f"({_count(e['reactions_in_bought_bursts'], 'reaction')}) and did {besides} in the period."
    ]


def _follow_farm(e: Mapping[str, Any]) -> list[str]:
    return [
        f"It follows {int(e['following']):,} accounts against {int(e['followers']):,} followers "
        f"({float(e['following_per_follower']):.2f} followed per follower).",
        f"Of the {_count(e['follows_given'], 'account')} it followed in the period, {int(e['followed_back']):,} "
        f"({_share(e['reciprocity'])}) followed back: the pattern of follow-for-follow growth.",
    ]


def _pod(e: Mapping[str, Any]) -> list[str]:
    joined = " It joined by reacting to the group's posts." if e.get("joined_by_reacting") else ""
    return [
        f"It belongs to a group of {int(e['members'])} accounts that react to one another's posts "
        f"({int(e['mutual_pairs'])} mutual pairs).{joined}",
        # The counts are the whole group's (the detector judges the group): one account's own would differ.
        f"Of the reactions the group's accounts received, {_share(e['share_from_inside'])} "
        f"({int(e['from_inside_pod']):,} of {int(e['pod_reactions_received']):,}) came from inside the group.",
    ]


def _react_all(e: Mapping[str, Any]) -> list[str]:
    return [
        f"It reacted to {_count(e['distinct_accounts_reacted_to'], 'different account')} "
        f"({_count(e['reactions_given'], 'reaction')}) while writing {_count(e['posts_written'], 'post')}.",
        f"{_share(e['share_reacted_to_only_once'])} of them it reacted to only once, and "
        f"{_share(e['share_rarely_reacted_to_by_others'])} are accounts hardly anyone else reacts to "
        f"(at most {int(e['rarely_means_at_most_reactors'])} others).",
    ]


_SENTENCES: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "bought_burst": _bought_burst,
    "burst_reactor": _burst_reactor,
    "follow_farm": _follow_farm,
    "pod": _pod,
    "react_all": _react_all,
}


def flag_name(flag: str) -> str:
    """The plain name of a flag code ('pod' -> 'Engagement pod'); an unknown code is spelt out."""
    return FLAG_NAMES.get(flag, flag.replace("_", " ").capitalize())


def flag_sentences(flag: str, evidence: str | Mapping[str, Any]) -> list[str]:
    """The evidence behind one flag as sentences; evidence of another shape is listed as 'name: value' lines."""
    facts = json.loads(evidence) if isinstance(evidence, str) else dict(evidence)
    render = _SENTENCES.get(flag)
    try:
        if render is not None:
            return render(facts)
    except (KeyError, TypeError, ValueError):
        pass  # stored by an older Sway with other fields: fall back to listing them
    return [f"{key.replace('_', ' ').capitalize()}: {value}." for key, value in facts.items()]
