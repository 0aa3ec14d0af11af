"""People: latent reach (influence per post), topic interests, activity, home town, and who games the system."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.demo.common import N_TOPICS, percentile_rank, pick_distinct, stream

STAGE = 1
INFLUENCE_SIGMA = 1.2  # lognormal reach: the top 1% is ~15x the median, the top 0.01% ~100x
ACTIVITY_SIGMA = 0.9
LURK_SIGMA = 0.9
N_BANDS = 4  # influence quartiles, the strata reactors are drawn from
LOW_INFLUENCE = 0.3  # gamers and bots come from the bottom 30% of latent reach

# Shares of all people (the rest are ordinary); pods and bought bursts are picked later, per account.
BOT_SHARE = 0.04  # dormant accounts that only ever deliver bought likes
FARM_SHARE = 0.005
REACT_ALL_SHARE = 0.005
POD_SHARE = 0.01
BURST_SHARE = 0.003


class Role:
    """What a person does besides ordinary posting and reacting."""

    NORMAL, BOT, FOLLOW_FARM, REACT_ALL, POD, BOUGHT_BURST = range(6)


# Relative popularity of each topic as an interest (same order as core.corpus.samples.TOPICS).
TOPIC_WEIGHTS = np.array(
    [0.8, 1.0, 1.3, 1.0, 0.6, 1.1, 1.4, 1.3, 1.3, 1.2, 0.7, 1.5, 1.1, 0.8, 0.8, 1.2, 1.4, 1.0, 0.6]
)
N_INTERESTS_P = np.array([0.45, 0.35, 0.20])  # how many topics a person cares about (1, 2 or 3)

# (place, language spoken there, weight); English text everywhere, so a local language only sometimes.
LOCATIONS: tuple[tuple[str, str, float], ...] = (
    ("New York, USA", "en", 8.0),
    ("Los Angeles, USA", "en", 6.0),
    ("London, UK", "en", 6.0),
    ("Chicago, USA", "en", 3.0),
    ("San Francisco, USA", "en", 3.0),
    ("Toronto, Canada", "en", 3.0),
    ("Sydney, Australia", "en", 3.0),
    ("Mumbai, India", "en", 3.0),
    ("Austin, USA", "en", 2.0),
    ("Atlanta, USA", "en", 2.0),
    ("Seattle, USA", "en", 2.0),
    ("Manchester, UK", "en", 2.0),
    ("Melbourne, Australia", "en", 2.0),
    ("Lagos, Nigeria", "en", 2.0),
    ("Manila, Philippines", "en", 2.0),
    ("Dublin, Ireland", "en", 1.5),
    ("Vancouver, Canada", "en", 1.5),
    ("Singapore", "en", 1.5),
    ("Nairobi, Kenya", "en", 1.0),
    ("Cape Town, South Africa", "en", 1.0),
    ("Berlin, Germany", "de", 2.0),
    ("Paris, France", "fr", 2.0),
    ("Mexico City, Mexico", "es", 2.0),
    ("São Paulo, Brazil", "pt", 2.0),
    ("Madrid, Spain", "es", 1.5),
    ("Tokyo, Japan", "ja", 1.5),
    ("Milan, Italy", "it", 1.0),
    ("Amsterdam, Netherlands", "nl", 1.0),
    ("Stockholm, Sweden", "sv", 1.0),
    ("Seoul, South Korea", "ko", 1.0),
)
LOCAL_LANGUAGE_P = 0.3


@dataclass
class People:
    """One entry per person (index = person_id - 1)."""

    influence: np.ndarray  # latent reach: how strongly others respond to each post, lognormal with median 1
    pct: np.ndarray  # influence percentile in [0, 1)
    band: np.ndarray  # influence quartile 0..3
    activity: np.ndarray  # posting rate multiplier (mean 1)
    lurk: np.ndarray  # reacting rate multiplier (mean 1)
    topics: np.ndarray  # (n, 3) topic indices, strongest interest first, -1 padded
    interest: np.ndarray  # (n, 19) bool
    role: np.ndarray  # Role per person
    location: np.ndarray  # index into LOCATIONS
    language: np.ndarray  # language code per person

    @property
    def n(self) -> int:
        return len(self.influence)


def _lognormal(z: np.ndarray, sigma: float) -> np.ndarray:
    return np.exp(sigma * z - sigma * sigma / 2)


def generate_people(n: int, seed: int) -> People:
    """Draw every person's latent traits, interests, home and role."""
    rng = stream(seed, STAGE)
    z = rng.standard_normal(n)
    influence = np.exp(INFLUENCE_SIGMA * z)
    pct = percentile_rank(z)
    # Influential people post and react somewhat more, but activity is mostly its own trait.
    activity = _lognormal(0.5 * z + np.sqrt(1 - 0.5**2) * rng.standard_normal(n), ACTIVITY_SIGMA)
    lurk = _lognormal(0.2 * z + np.sqrt(1 - 0.2**2) * rng.standard_normal(n), LURK_SIGMA)

    n_interests = rng.choice(3, size=n, p=N_INTERESTS_P) + 1
    topics = pick_distinct(rng, TOPIC_WEIGHTS, n_interests, len(N_INTERESTS_P))
    interest = np.zeros((n, N_TOPICS), dtype=bool)
    rows = np.repeat(np.arange(n), n_interests)
    interest[rows, topics[topics >= 0]] = True

    weights = np.array([w for _, _, w in LOCATIONS])
    location = rng.choice(len(LOCATIONS), size=n, p=weights / weights.sum())
    local = np.array([lang for _, lang, _ in LOCATIONS])[location]
    language = np.where(rng.random(n) < LOCAL_LANGUAGE_P, local, "en")

    role = np.full(n, Role.NORMAL, dtype=np.int8)
    low = np.flatnonzero(pct < LOW_INFLUENCE)
    shuffled = rng.permutation(low)
    cut = np.cumsum([round(share * n) for share in (BOT_SHARE, FARM_SHARE, REACT_ALL_SHARE)])
    role[shuffled[: cut[0]]] = Role.BOT
    role[shuffled[cut[0] : cut[1]]] = Role.FOLLOW_FARM
    role[shuffled[cut[1] : cut[2]]] = Role.REACT_ALL
    activity[role == Role.BOT] = 0.0
    lurk[role == Role.BOT] = 0.0

    return People(
        influence=influence,
        pct=pct,
        band=np.minimum((pct * N_BANDS).astype(np.int8), N_BANDS - 1),
        activity=activity,
        lurk=lurk,
        topics=topics,
        interest=interest,
        role=role,
        location=location,
        language=language,
    )
