"""Lift of members' mentions with a 95% interval, against their own baseline and against a matched control group.

Mentions are counts, so both estimates treat them as Poisson: a sum of Poisson counts is Poisson whatever the
mix of people, which makes the intervals exact in the pooled counts rather than a normal guess.
- Own baseline: the members' daily mention rate during the campaign and follow-up over their daily rate in
  the baseline window before it. Given the total, the campaign-period count is binomial, so the Clopper-Pearson
  interval of that proportion converts exactly into an interval for the rate ratio.
- Control group: the same ratio for the members divided by the same ratio for matched people who were not
  invited (a difference-in-differences on the log scale), which removes anything that moved the whole market,
  such as a TV spot or a season. Its interval uses the Poisson variance of the four log counts.
Lift is the ratio minus one: 0 means no change, 1 means members mentioned the brand twice as often.
Each estimate carries its own verdict: a direction ('up', 'down', 'none' when the interval spans no change,
'unknown' when too small to tell) that decides the words, colour and icon a page shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

CONFIDENCE = 0.95
MIN_MENTIONS = 10  # fewer mentions in baseline and campaign together: too small to tell


@dataclass(frozen=True)
class Lift:
    """One lift estimate with its interval and the counts it rests on."""

    method: str  # 'baseline' or 'control'
    lift: float | None  # None when it cannot be estimated at all
    low: float | None
    high: float | None  # math.inf when the data cannot bound it
    during: int  # members' mentions in the campaign and follow-up
    before: int  # members' mentions in the baseline window
    control_during: int | None = None
    control_before: int | None = None

    @property
    def measurable(self) -> bool:
        """Enough mentions to say anything: from the members and, for the control estimate, from the controls in
        both periods (an empty one makes the controls' own change unbounded, and the comparison meaningless)."""
        during, before = self.control_during or 0, self.control_before or 0
        enough_controls = self.method == "baseline" or (during + before >= MIN_MENTIONS and during > 0 and before > 0)
        return self.lift is not None and self.during + self.before >= MIN_MENTIONS and enough_controls

    @property
    def detected(self) -> bool:
        """The interval excludes 'no change' (so the campaign did move mentions)."""
        return self.measurable and self.low is not None and (self.low > 0 or (self.high or 0) < 0)

    @property
    def direction(self) -> str:
        """'up' or 'down' when the interval excludes no change, 'none' when it spans it, 'unknown' when too small."""
        if not self.measurable:
            return "unknown"
        if not self.detected:
            return "none"
        return "up" if self.lift > 0 else "down"

    def summary(self) -> str:
        """'+25% (95% interval +3% to +51%)', or 'n/a' when it cannot be estimated."""
        if self.lift is None:
            return "n/a"
        return f"{_pct(self.lift)} (95% interval {_pct(self.low)} to {_pct(self.high)})"

    def verdict(self) -> str:
        """The estimate in one plain sentence."""
        if not self.measurable:
            controls, need = "", f"at least {MIN_MENTIONS} mentions across the two periods"
            if self.method == "control":
                controls = f", and the control group {self.control_during or 0} and {self.control_before or 0}"
                need += " from the members and from the controls, with the controls mentioning the brand in both"
            return (
                f"Too small to tell: members made {self.during} mentions during the campaign and {self.before} "
                f"before it{controls}; measuring a change needs {need}."
            )
        span = f"95% interval {_pct(self.low)} to {_pct(self.high)}"
        if self.direction == "none":
            return (
                f"No detectable change: {self.summary()}. The interval includes no change at all, so the "
                "data cannot tell a rise from a fall."
            )
        if self.direction == "up":
            return f"Members mentioned the brand {_pct(self.lift, signed=False)} more ({span})."
        return (
            f"Members mentioned the brand {_pct(-self.lift, signed=False)} less often ({span}): their mentions fell, "
            "so the campaign did not raise them."
        )


def _pct(value: float | None, *, signed: bool = True) -> str:
    if value is None:
        return "n/a"
    if math.isinf(value):
        return "unbounded"
    return f"{value:+.0%}" if signed else f"{value:.0%}"


def baseline_lift(during: int, before: int, during_days: float, before_days: float) -> Lift:
    """Members' rate during over their rate before, minus one, with the exact conditional interval."""
    if during_days <= 0 or before_days <= 0 or during + before == 0:
        return Lift("baseline", None, None, None, during, before)
    scale = before_days / during_days  # rate ratio = odds of a mention falling in the campaign period × scale
    n = during + before
    alpha = 1 - CONFIDENCE
    p_low = stats.beta.ppf(alpha / 2, during, n - during + 1) if during > 0 else 0.0
    p_high = stats.beta.ppf(1 - alpha / 2, during + 1, n - during) if during < n else 1.0

    def ratio(p: float) -> float:
        return math.inf if p >= 1 else p / (1 - p) * scale

    estimate = ratio(during / n) if before > 0 else math.inf
    return Lift("baseline", estimate - 1, ratio(p_low) - 1, ratio(p_high) - 1, during, before)


def control_lift(
    during: int, before: int, control_during: int, control_before: int, during_days: float, before_days: float
) -> Lift:
    """(members' during/before) / (controls' during/before) minus one; a half is added to empty counts."""
    if during_days <= 0 or before_days <= 0 or control_during + control_before == 0 or during + before == 0:
        return Lift("control", None, None, None, during, before, control_during, control_before)
    counts = [c if c > 0 else 0.5 for c in (during, before, control_during, control_before)]
    log_ratio = math.log(counts[0] / counts[1]) - math.log(counts[2] / counts[3])
    half = stats.norm.ppf(0.5 + CONFIDENCE / 2) * math.sqrt(sum(1 / c for c in counts))
    return Lift(
        "control",
        math.exp(log_ratio) - 1,
        math.exp(log_ratio - half) - 1,
        math.exp(log_ratio + half) - 1,
        during,
        before,
        control_during,
        control_before,
    )
