"""Scoring parameters: every tunable number of the influence score in one frozen, documented place."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from core.vocabulary import INTERACTION_TYPES


class ScoringError(ValueError):
    """Scoring cannot run on this warehouse or with these settings; the message says what to do."""


@dataclass(frozen=True)
class ScoreParams:
    """Tunable numbers of the score; changing one can be previewed (scores preview --set name=value)."""

    # What one reaction of each type is worth, in repost-equivalents. A mention counts as much as a repost: at 0.7
    # the score ranked later reactions worse on real Twitter data (SNAP Higgs, bench.score_validity).
    weight_repost: float = 1.0
    weight_reply: float = 1.0
    weight_mention: float = 1.0
    weight_like: float = 0.4
    weight_click: float = 0.2
    weight_follow: float = 1.0
    # Recency: a reaction's weight halves every (this share of the window) before the window's end, so the
    # score leans on what people react to now (0 = every reaction in the window weighs the same). Half the window
    # (45 days of 90): on real data recent reactions predict the next ones better than old ones.
    recency_half_life_share: float = 0.5
    # Cascades started vs reactions collected in others' threads: a reaction to a reply the person wrote in someone
    # else's thread, or a mention inside a reply, counts this much of a reaction to a post they started (1 = same).
    thread_weight: float = 1.0
    # Most repost-equivalents one reactor account can add to one account in the window: cap * (1 - e^(-w / cap)),
    # so the first repost counts most (0.63 at cap 1), the tenth from the same account barely (unique reactors beat
    # repeated reactions). 1: distinct reactors predicted later reactions better than repeats on real data.
    reactor_cap: float = 1.0
    # A reactor reacting to more distinct accounts than this in the window has each reaction scaled by
    # pivot / distinct accounts (an account that reacts to everything counts little).
    selectivity_pivot: float = 50.0
    # Reactor influence: weighted PageRank damping; a reaction weighs influence ** influence_power (0 = all equal).
    # Off (0): on real Twitter data (Higgs, PHEME) weighting by the reactors' PageRank ranked later reactions
    # worse than counting, even at 0.1; who reacts still counts through authenticity, selectivity and repetition,
    # and the PageRank is still computed and shown (each person's influence, their reactors' mean influence).
    damping: float = 0.85
    influence_power: float = 0.0
    # Uncertainty (core/scoring/uncertainty.py): the interval is +-interval_z log-normal deviations of a bootstrap
    # over reactors; a score is "too little data" with fewer reactors than min_reactors or an interval wider
    # than uncertain_width points.
    interval_z: float = 1.96
    min_reactors: int = 3
    uncertain_width: int = 25
    # A flagged account's reactions and its own score are scaled by (rating / 100) ** this.
    inauthentic_power: float = 2.0
    # Follow-back farm: follows thousands and about as many follow back (following / followers at most
    # farm_max_ratio), and in the follow interactions it follows many accounts, many of which follow back.
    farm_min_following: int = 1000
    farm_max_ratio: float = 3.0
    farm_min_follows: int = 50
    farm_min_reciprocity: float = 0.2
    # Reacts to everything: reacts to at least this many distinct accounts in the window, and at least this share
    # of them are accounts few others react to (below the median number of distinct reactors): a selective
    # reactor's choices follow what others find worth reacting to, an indiscriminate one's do not.
    react_all_min_targets: int = 150
    react_all_min_unpopular_share: float = 0.15
    # Engagement pod: 3..max accounts that each react to at least this share of the others' posts (mutually,
    # in at least this density of pairs) and get at least this share of their reactions from the group.
    pod_min_coverage: float = 0.5
    pod_min_posts: int = 2  # posts a core member must have written for "most of their posts" to mean much
    pod_max_size: int = 40
    pod_min_density: float = 0.5
    pod_min_internal_share: float = 0.3
    # Bought burst: at least this many reactions to one post within the minutes, mostly (min share) from
    # accounts with at most this much other activity (posts, and reactions outside such bursts) in the window.
    burst_minutes: int = 60
    burst_min_reactions: int = 20
    burst_min_share: float = 0.5
    burst_max_other_activity: int = 3

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value < 0:
                raise ScoringError(f"{setting_name(field.name)} must not be negative (got {value:g}).")
        if not 0 < self.damping < 1:
            raise ScoringError(f"{setting_name('damping')} must be above 0 and below 1 (got {self.damping:g}).")
        for name in ("reactor_cap", "selectivity_pivot"):
            if getattr(self, name) <= 0:
                raise ScoringError(f"{setting_name(name)} must be above 0 (got {getattr(self, name):g}).")
        if not any(self.type_weights().values()):
            raise ScoringError("At least one reaction type needs a weight above 0: otherwise no reaction counts.")
        if self.burst_minutes < 1:
            raise ScoringError(f"{setting_name('burst_minutes')} must be at least 1 (got {self.burst_minutes}).")
        if self.pod_max_size < 3:
            raise ScoringError(f"{setting_name('pod_max_size')} must be at least 3 (got {self.pod_max_size}).")

    def type_weights(self) -> dict[str, float]:
        """Weight of each reaction type, keyed by the interaction_type enum value."""
        return {t: float(getattr(self, f"weight_{t}")) for t in INTERACTION_TYPES}

    def to_json(self) -> str:
        """The parameters as a JSON object, stored with each score run so a run can be reproduced."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ScoreParams:
        """Parameters stored by an earlier run (unknown keys are ignored, missing ones take defaults)."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})

    def changes_from(self, other: ScoreParams) -> dict[str, list[float]]:
        """name -> [other's value, this one's] of every parameter that differs."""
        return {
            f.name: [getattr(other, f.name), getattr(self, f.name)]
            for f in dataclasses.fields(self)
            if getattr(other, f.name) != getattr(self, f.name)
        }

    def back_to_defaults(self) -> dict[str, str]:
        """name -> default value (as text, like a --set) of every parameter that differs from its default."""
        return {name: str(default) for name, (_, default) in ScoreParams().changes_from(self).items()}  # exact

    def with_overrides(self, overrides: dict[str, Any]) -> ScoreParams:
        """A copy with some parameters changed; string values (from the command line) are converted."""
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in fields:
                raise ScoringError(f"Unknown scoring parameter '{name}'. Known: {', '.join(sorted(fields))}.")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise ScoringError(f"{setting_name(name)} needs a number (got {value!r}).") from None
            if not math.isfinite(number):
                raise ScoringError(f"{setting_name(name)} needs a finite number (got {value!r}).")
            if name in SHARES and number > 1:
                percent = f"for {number:g}%, enter {number / 100:g}"
                raise ScoringError(f"{setting_name(name)} is a share from 0 to 1 (got {value}): {percent}.")
            if isinstance(getattr(self, name), int):
                if not number.is_integer():
                    raise ScoringError(f"{setting_name(name)} needs a whole number (got {value!r}).")
                number = int(number)
            changes[name] = number
        return dataclasses.replace(self, **changes)


# Thresholds that are shares of something (0 to 1): above 1 the detector could never flag anyone, which is what a
# value typed as a percentage (50 for half) would silently do. Checked where a change comes in (with_overrides), so
# a run stored by a version without this check still loads.
SHARES = frozenset(
    {
        "farm_min_reciprocity",
        "react_all_min_unpopular_share",
        "pod_min_coverage",
        "pod_min_density",
        "pod_min_internal_share",
        "burst_min_share",
    }
)


def setting_name(name: str) -> str:
    """A setting as errors name it: what it does, for the Data page, and its name, for the command line's --set."""
    return f"'{SETTING_HELP[name]}' ({name})" if name in SETTING_HELP else f"Scoring parameter {name}"


def parse_settings(pairs: list[str]) -> dict[str, str]:
    """name -> value of each 'name=value' (from --set or the Data page); raises ScoringError on a malformed one."""
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ScoringError(f"A setting needs name=value (got {pair!r}), e.g. weight_like=0.2.")
        found[name.strip()] = value.strip()
    return found


def describe_changes(changes: dict[str, list[float | None]]) -> str:
    """The changes of changes_from() in plain words: 'What a like is worth, in reposts: 0.4 → 0.2; ...'.

    A parameter an older run stored but this version no longer has keeps its name; a missing value shows as '–'.
    """

    def number(value: float | None) -> str:
        return "–" if value is None else f"{value:g}"

    return "; ".join(
        f"{SETTING_HELP.get(name, name)}: {number(old)} → {number(new)}" for name, (old, new) in sorted(changes.items())
    )


# Each setting in one line for the Data page's "Change how scores are computed" (the comments above say why each
# default is what it is).
SETTING_HELP: dict[str, str] = {
    "weight_repost": "What a repost is worth (the unit the other weights are measured in)",
    "weight_reply": "What a reply is worth, in reposts",
    "weight_mention": "What a mention is worth, in reposts",
    "weight_like": "What a like is worth, in reposts",
    "weight_click": "What a click is worth, in reposts",
    "weight_follow": "What a new follow is worth, in reposts",
    "recency_half_life_share": "How fast old reactions fade: weight halves every this share of the window (0 = never)",
    "thread_weight": "What reactions in other people's threads are worth against those to posts the person started",
    "reactor_cap": "Most one account can add to one person however often it reacts, in reposts",
    "selectivity_pivot": "Accounts reacting to more people than this count less, in proportion",
    "damping": "PageRank damping used to measure each reactor's own influence",
    "influence_power": "How much a reactor's own influence multiplies their reactions (0 = all reactors equal)",
    "interval_z": "Width of the score's likely range (1.96 = 95%)",
    "min_reactors": "Fewer distinct reactors than this and a score is marked too little data",
    "uncertain_width": "A likely range wider than this many points is marked too little data",
    "inauthentic_power": "How hard an authenticity flag discounts an account: (rating / 100) to this power",
    "farm_min_following": "Follow-back farm: follows at least this many accounts",
    "farm_max_ratio": "Follow-back farm: follows at most this many times as many as follow it",
    "farm_min_follows": "Follow-back farm: at least this many follows in the window",
    "farm_min_reciprocity": "Follow-back farm: at least this share of its follows are followed back",
    "react_all_min_targets": "Reacts to everything: reacts to at least this many distinct accounts",
    "react_all_min_unpopular_share": "Reacts to everything: at least this share of them are accounts few react to",
    "pod_min_coverage": "Engagement pod: each member reacts to at least this share of the others' posts",
    "pod_min_posts": "Engagement pod: posts a core member must have written",
    "pod_max_size": "Engagement pod: most accounts in one pod",
    "pod_min_density": "Engagement pod: at least this share of member pairs react to each other",
    "pod_min_internal_share": "Engagement pod: at least this share of members' reactions come from the pod",
    "burst_minutes": "Bought burst: the minutes a burst of reactions to one post falls within",
    "burst_min_reactions": "Bought burst: at least this many reactions in that time",
    "burst_min_share": "Bought burst: at least this share of them from accounts that do little else",
    "burst_max_other_activity": "Bought burst: 'do little else' means at most this much other activity",
}
