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
# Creators post as their job: at least three posts a week on each network they have a creator's audience
# on (a floor; platform guides advise several a week). Without it a creator's handful of posts rarely shows
# three in one topic, and a normal brief (one topic, one network, 10k-500k followers) found too few people.
CREATOR_POST_RATE = 3 / 7
REACT_RATE = np.array([1.0, 1.0, 0.6, 1.0, 0.3])  # relative weight as a reactor

# Followers follow a noisy rank of influence (the noise is as large as the signal), so follower counts rank
# people badly. On each network the top CREATOR_SHARE of that rank are creators with at least 1,000 followers,
# split into the industry's tiers by published shares; everyone else is an everyday account below 1,000 that
# mostly reacts (a Pareto(alpha) from FOLLOWER_MIN, cut at 1,000).
FOLLOWER_MIN = np.array([25, 40, 15, 50, 8])
FOLLOWER_ALPHA = 1.2
FOLLOWER_NOISE = 1.3
CREATOR_SHARE = np.array([0.12, 0.12, 0.15, 0.16, 0.08])  # of each network's accounts
CREATOR_MIN = 1_000
# Creator tiers (nano 1k-10k, micro 10k-100k, mid 100k-500k, macro 500k-1M, mega 1M+; the last capped at 20M):
# the shares of Instagram influencer accounts per tier in HypeAuditor's "State of Influencer Marketing 2023"
# report (65.39%, 27.73%, 5.53%, 0.94%, 0.40%); used for every network, as no report gives them all alike.
TIER_BOUNDS = np.array([1_000, 10_000, 100_000, 500_000, 1_000_000, 20_000_000])
TIER_SHARES = np.array([0.6539, 0.2773, 0.0553, 0.0094, 0.0040])
TIER_NAMES = ("nano", "micro", "mid", "macro", "mega")
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


def _rank_in_network(network: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Each account's rank by `key` among its own network's accounts, as a fraction in [0, 1)."""
    q = np.empty(len(key))
    for net in range(len(DEMO_NETWORKS)):
        on = np.flatnonzero(network == net)
        q[on] = percentile_rank(key[on])
    return q


def follower_counts(network: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Followers by rank of `key` within each network: everyday accounts below CREATOR_MIN, then creator tiers
    in TIER_SHARES, log-uniform inside each tier (so a tier's share of creators is exact)."""
    q = _rank_in_network(network, key)
    share = CREATOR_SHARE[network]
    everyday = q < 1 - share
    # Everyday: Pareto from FOLLOWER_MIN truncated below CREATOR_MIN (inverse of its CDF at the rank).
    low = FOLLOWER_MIN[network].astype(np.float64)
    cut = 1 - (low / CREATOR_MIN) ** FOLLOWER_ALPHA
    u = np.minimum(q / (1 - share), 1 - 1e-12)
    plain = low * (1 - u * cut) ** (-1 / FOLLOWER_ALPHA)
    # Creators: their position among the network's creators picks the tier and the place inside it.
    c = np.clip((q - (1 - share)) / share, 0, 1 - 1e-12)
    edges = np.concatenate([[0.0], np.cumsum(TIER_SHARES) / TIER_SHARES.sum()])
    tier = np.clip(np.searchsorted(edges, c, side="right") - 1, 0, len(TIER_SHARES) - 1)
    inside = (c - edges[tier]) / (edges[tier + 1] - edges[tier])
    creator = TIER_BOUNDS[tier] * (TIER_BOUNDS[tier + 1] / TIER_BOUNDS[tier]) ** inside
    return np.floor(np.where(everyday, np.minimum(plain, CREATOR_MIN - 1), creator)).astype(np.int64)


def tier_of(followers: np.ndarray) -> np.ndarray:
    """Creator tier index per follower count (into TIER_NAMES), -1 below CREATOR_MIN."""
    return np.where(followers < CREATOR_MIN, -1, np.searchsorted(TIER_BOUNDS[1:-1], followers, side="right"))


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
    followers = follower_counts(network, z + FOLLOWER_NOISE * rng.standard_normal(a))
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
        post_rate=np.where(
            bot,
            0.0,
            np.maximum(
                POST_RATE[network] * people.activity[person] + MIN_POST_RATE,
                np.where(followers >= CREATOR_MIN, CREATOR_POST_RATE, 0.0),
            ),
        ),
        react_weight=REACT_RATE[network] * people.lurk[person],
        first=np.cumsum(count) - count,
    )
