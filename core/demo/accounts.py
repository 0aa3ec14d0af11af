"""Accounts: which networks each person is on, follower counts, posting and reacting rates."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.demo.common import DAY, Window, percentile_rank, pick_distinct, stream
from core.demo.people import INFLUENCE_SIGMA, People, Role
from core.vocabulary import DEMO_NETWORKS

STAGE = 2
N_ACCOUNTS_P = np.array([0.5, 0.33, 0.17])  # 1, 2 or 3 networks per person
NETWORK_WEIGHTS = np.array([0.34, 0.30, 0.12, 0.16, 0.08])  # twitter and instagram common, blog rare
POST_RATE = np.array([0.05, 0.03, 0.01, 0.035, 0.012])  # posts per day at activity 1
# Sway tracks people who post: on top of their own rate, everyone posts about once a month on each network
# they are on (bots aside), so nobody's influence is unobservable for want of a single post.
MIN_POST_RATE = 3 / 90
REACT_RATE = np.array([1.0, 1.0, 0.6, 1.0, 0.3])  # relative weight as a reactor

# Followers are Pareto(alpha) by a noisy rank of influence: a straight log-log rank plot, but a loose
# link to latent influence (the noise is as large as the signal), so follower counts rank people badly.
FOLLOWER_MIN = np.array([25, 40, 15, 50, 8])
FOLLOWER_ALPHA = 1.2
FOLLOWER_NOISE = 1.3
FOLLOWING_MEDIAN = 150
FOLLOWING_MAX = 4_000
# Years an account existed before the window opened (so nobody posts before their account exists).
ACCOUNT_AGE_YEARS = np.array([(0.2, 14.0), (0.2, 12.0), (0.2, 15.0), (0.1, 6.0), (0.2, 20.0)])
BOT_AGE_YEARS = (0.05, 1.0)


@dataclass
class Accounts:
    """One entry per account (index = account_id - 1), sorted by person then network."""

    person: np.ndarray
    network: np.ndarray
    followers: np.ndarray
    following: np.ndarray
    age_s: np.ndarray  # seconds between account creation and DEMO_END
    post_rate: np.ndarray  # expected posts per day
    react_weight: np.ndarray  # relative chance of being the one who reacts
    first: np.ndarray  # per person: index of their first account

    @property
    def n(self) -> int:
        return len(self.person)


def generate_accounts(people: People, window: Window, seed: int) -> Accounts:
    """Give each person 1-3 network accounts with heavy-tailed follower counts."""
    rng = stream(seed, STAGE)
    n = people.n
    count = rng.choice(3, size=n, p=N_ACCOUNTS_P) + 1
    chosen = pick_distinct(rng, NETWORK_WEIGHTS, count, len(N_ACCOUNTS_P))
    # Network order within a person (padding last), so accounts sort by person then network.
    chosen = np.sort(np.where(chosen < 0, len(DEMO_NETWORKS), chosen), axis=1)
    person = np.repeat(np.arange(n), count)
    network = chosen[chosen < len(DEMO_NETWORKS)].astype(np.int8)
    a = len(person)

    z = np.log(people.influence[person]) / INFLUENCE_SIGMA
    q = percentile_rank(z + FOLLOWER_NOISE * rng.standard_normal(a))
    pareto = (1.0 - q) ** (-1.0 / FOLLOWER_ALPHA) * np.exp(0.1 * rng.standard_normal(a))
    followers = np.floor(FOLLOWER_MIN[network] * pareto).astype(np.int64)
    following = np.minimum(np.floor(FOLLOWING_MEDIAN * np.exp(0.9 * rng.standard_normal(a))), FOLLOWING_MAX).astype(
        np.int64
    )

    lo, hi = ACCOUNT_AGE_YEARS[network, 0], ACCOUNT_AGE_YEARS[network, 1]
    age_years = lo + rng.random(a) * (hi - lo)
    bot = people.role[person] == Role.BOT
    age_years[bot] = BOT_AGE_YEARS[0] + rng.random(int(bot.sum())) * (BOT_AGE_YEARS[1] - BOT_AGE_YEARS[0])
    followers[bot] = rng.integers(0, 30, int(bot.sum()))

    return Accounts(
        person=person,
        network=network,
        followers=followers,
        following=following,
        age_s=window.seconds + (age_years * 365.25 * DAY).astype(np.int64),
        post_rate=np.where(bot, 0.0, POST_RATE[network] * people.activity[person] + MIN_POST_RATE),
        react_weight=REACT_RATE[network] * people.lurk[person],
        first=np.cumsum(count) - count,
    )
