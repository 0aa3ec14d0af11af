"""How large a lift a campaign can detect before it runs: the minimum detectable effect of the comparison Results
trusts (core.results.lift), from how many mentions the members would make without the perk.

The own-baseline comparison sets the members' mentions during the campaign and follow-up (expected D without the
perk) against their mentions in the baseline window (expected B). The log of the rate ratio is close to normal
with variance 1/D + 1/B (Poisson counts), so a lift L (rate ratio R = 1 + L) is detected with probability POWER at
the two-sided level ALPHA when

    log R = z(1 - ALPHA/2) · sqrt(1/D + 1/B) + z(POWER) · sqrt(1/(R·D) + 1/B)

(the first term under no change, the second under the lift: the standard two-rate sample-size equation
solved for the effect instead of the size). Results trust the matched control group whenever it can be measured,
and that comparison divides by the controls' own ratio, whose counts (scaled to one control per member) are
expected to be the members' without the perk: its variance adds 1/D + 1/B, so the check uses it. Bursty mentions
widen both further (the design effect, known only afterwards). A normal test of a mean difference with standard
error se detects (z(1 - ALPHA/2) + z(POWER)) · se, the textbook case the tests check this module against.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats

from core.results.lift import MIN_MENTIONS

ALPHA = 0.05  # two-sided level, as the 95% intervals the results show
POWER = 0.80
MAX_RATIO = 1e6  # beyond this the list cannot detect anything worth stating


def detectable_difference(se: float, *, alpha: float = ALPHA, power: float = POWER) -> float:
    """The smallest true difference a two-sided normal test with standard error `se` detects with `power`."""
    return (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)) * se


def detectable_lift(
    during: float, before: float, *, controls: bool = False, alpha: float = ALPHA, power: float = POWER
) -> float | None:
    """The smallest lift (rate ratio minus one) detectable with `power`, given the mentions expected without the
    perk during the campaign (`during`) and in the baseline window (`before`); with `controls`, by the comparison
    against a matched control group expecting as many. None when no mentions are expected."""
    if during <= 0 or before <= 0:
        return None
    z_alpha, z_power = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    control_variance = 1 / during + 1 / before if controls else 0.0
    null_sd = math.sqrt(1 / during + 1 / before + control_variance)

    def gap(log_ratio: float) -> float:
        ratio = math.exp(log_ratio)
        alternative_sd = math.sqrt(1 / (ratio * during) + 1 / before + control_variance)
        return log_ratio - z_alpha * null_sd - z_power * alternative_sd

    top = math.log(MAX_RATIO)
    if gap(top) < 0:
        return math.inf
    return math.exp(optimize.brentq(gap, 0.0, top, xtol=1e-10)) - 1


@dataclass(frozen=True)
class Power:
    """What a campaign's list can detect, with its own verdict."""

    members: int
    before: float  # mentions the members are expected to make in the baseline window
    during: float  # ... and during the campaign and follow-up, without the perk
    expected_lift: float
    baseline_days: float
    detectable: float | None  # the smallest detectable lift (math.inf: none at all; None: no mentions expected)

    @property
    def measurable(self) -> bool:
        """Enough mentions expected for the results to say anything (as Lift.measurable asks afterwards)."""
        return self.detectable is not None and self.before + self.during * (1 + self.expected_lift) >= MIN_MENTIONS

    @property
    def enough(self) -> bool:
        """The lift the marketer expects is at least the smallest one the list can detect."""
        return self.measurable and self.detectable is not None and self.expected_lift >= self.detectable

    def verdict(self) -> str:
        """The check in plain words: what this list could detect, and whether the expected lift is that large."""
        if not self.measurable:
            return (
                f"Too few mentions to measure any lift: without the perk these {self.members} people would make "
                f"about {self.before:.1f} mentions in the {self.baseline_days:.0f}-day baseline and "
                f"{self.during:.1f} during the campaign; results need at least {MIN_MENTIONS}. Add people who "
                "post about brands more often, or run the campaign longer."
            )
        smallest = "no lift at all" if math.isinf(self.detectable) else f"a lift of {self.detectable:+.0%}"
        head = (
            f"With these {self.members} people (about {self.before:.1f} mentions expected in the "
            f"{self.baseline_days:.0f}-day baseline and {self.during:.1f} during the campaign without the perk), the "
            f"smallest change the results could reliably show is {smallest}: a change that large shows up "
            f"{POWER * 10:.0f} times in 10, where smaller ones are easily lost in the day-to-day ups and downs of "
            "mentions."
        )
        if self.enough:
            return f"{head} You expect {self.expected_lift:+.0%}, which is enough to show up."
        return (
            f"{head} You expect {self.expected_lift:+.0%}: a real effect of that size would most likely go unnoticed. "
            "Add people (or people who post about brands more often), or run the campaign longer."
        )


def power_check(
    members: int, daily_rate: float, during_days: float, baseline_days: float, expected_lift: float
) -> Power:
    """The check for `members` people who together mention the brand `daily_rate` times a day without the perk."""
    during, before = daily_rate * during_days, daily_rate * baseline_days
    detectable = detectable_lift(during, before, controls=True)  # the comparison Results trust when they can
    return Power(members, before, during, expected_lift, baseline_days, detectable)
