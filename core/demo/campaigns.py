"""Brands, their past perk campaigns, and the brand-mention posts whose rise the campaigns caused."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from core.corpus.samples import TOPICS
from core.demo.accounts import CREATOR_MIN, Accounts
from core.demo.common import GroupSampler, Window, rhythm_times, stream
from core.demo.people import People, Role
from core.demo.posts import Corpus, Posts, new_posts

STAGE = 4
# (name, @handle, #hashtag, domain, topic): invented brands, one per topic a perk campaign suits.
BRANDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Kettle & Crumb", "@kettleandcrumb", "#kettleandcrumb", "kettleandcrumb.com", "food_&_dining"),
    ("Trailmark Gear", "@trailmarkgear", "#trailmark", "trailmarkgear.com", "travel_&_adventure"),
    ("Voltwise", "@voltwise", "#voltwise", "voltwise.io", "science_&_technology"),
    ("Pulse Athletic", "@pulseathletic", "#pulseathletic", "pulseathletic.com", "fitness_&_health"),
    ("Loom & Linen", "@loomandlinen", "#loomandlinen", "loomandlinen.co", "fashion_&_style"),
    ("Pixelbound", "@pixelbound", "#pixelbound", "pixelbound.gg", "gaming"),
    ("Quillhaven Books", "@quillhaven", "#quillhaven", "quillhaven.com", "learning_&_educational"),
    ("Tidewave Audio", "@tidewaveaudio", "#tidewave", "tidewave.audio", "music"),
)
# (campaign name suffix, perk given to members)
PERKS: tuple[tuple[str, str], ...] = (
    ("Product Box", "free product box"),
    ("Early Access", "early-access invite"),
    ("Launch Party", "launch event tickets"),
    ("Creator Code", "20% discount code for followers"),
    ("Gift Card Drop", "gift card"),
    ("Studio Day", "behind-the-scenes studio visit"),
    ("Limited Merch", "limited-edition merch pack"),
)
# Planted multiplicative lifts of members' brand mentions; two campaigns have no effect at all.
LIFTS = (0.0, 0.0, 0.3, 0.3, 0.3, 0.6, 0.6, 1.0, 1.0, 1.0, 2.0, 2.0)
CAMPAIGN_DAYS = 14
FOLLOW_UP_DAYS = 14
BASELINE_DAYS = 21  # campaigns start no earlier, so every one has a pre-period to compare with
MIN_DAYS = BASELINE_DAYS + CAMPAIGN_DAYS + FOLLOW_UP_DAYS
MEMBERS_MIN, MEMBERS_MAX = 20, 80
MEMBER_ACTIVITY_EXPONENT = 2.0
CREATORS_FIRST = 1e6  # added to a creator's draw key, so every creator outranks every everyday account
MENTION_RATE = 0.006  # brand mentions per interested person per day, at activity 1
MARK_P = np.array([0.5, 0.3, 0.2])  # a mention uses the #hashtag, the @handle or a link


@dataclass
class Campaigns:
    """Per campaign (index = campaign_id - 1, in start order) plus the member list."""

    brand: np.ndarray
    start_day: np.ndarray  # day index in the window
    lift: np.ndarray
    perk: np.ndarray
    member_campaign: np.ndarray
    member_person: np.ndarray


def brands_frame() -> pl.DataFrame:
    """The demo_brands rows."""
    return pl.DataFrame(
        {
            "brand_id": list(range(1, len(BRANDS) + 1)),
            **{col: [b[i] for b in BRANDS] for i, col in enumerate(("name", "handle", "hashtag", "domain", "topic"))},
        }
    )


def _start_days(rng: np.random.Generator, brand: np.ndarray, days: int) -> np.ndarray:
    """Start days inside the window; a brand's second campaign starts after its first one's follow-up."""
    period = CAMPAIGN_DAYS + FOLLOW_UP_DAYS
    earliest, latest = BASELINE_DAYS, days - period
    first, second = brand[: len(BRANDS)], brand[len(BRANDS) :]  # first[b] == b
    first_latest = np.where(np.isin(first, second), np.maximum(earliest, latest - period), latest)
    start_first = earliest + np.floor(rng.random(len(first)) * (first_latest - earliest + 1)).astype(np.int64)
    lo = np.minimum(start_first[second] + period, latest)
    start_second = lo + np.floor(rng.random(len(second)) * (latest - lo + 1)).astype(np.int64)
    return np.concatenate([start_first, start_second])


def generate_campaigns(people: People, accounts: Accounts, window: Window, seed: int) -> Campaigns:
    """Twelve ~14-day perk campaigns of the eight brands, each with 20-80 interested creators as members."""
    if window.days < MIN_DAYS:
        raise ValueError(f"The demo world needs at least {MIN_DAYS} days to fit its campaigns; got {window.days}.")
    rng = stream(seed, STAGE)
    n_extra = len(LIFTS) - len(BRANDS)
    brand = np.concatenate([np.arange(len(BRANDS)), np.sort(rng.choice(len(BRANDS), n_extra, replace=False))])
    start = _start_days(rng, brand, window.days)
    lift = rng.permutation(np.array(LIFTS))
    perk = rng.integers(0, len(PERKS), len(brand))
    order = np.lexsort((brand, start))
    brand, start, lift, perk = brand[order], start[order], lift[order], perk[order]

    # Brands send perks to creators (an account with at least CREATOR_MIN followers); only a small world, short
    # of creators, tops a list up with everyday accounts.
    creator = np.bincount(accounts.person, accounts.followers >= CREATOR_MIN, minlength=people.n) > 0
    member_campaign, member_person = [], []
    taken: dict[int, np.ndarray] = {}
    for c, b in enumerate(brand):  # twelve campaigns: a loop over them is cheap
        topic = TOPICS.index(BRANDS[b][4])
        already = taken.get(int(b), np.zeros(0, dtype=np.int64))
        eligible = people.interest[:, topic] & (people.role == Role.NORMAL)
        eligible[already] = False
        candidates = np.flatnonzero(eligible)
        size = min(int(rng.integers(MEMBERS_MIN, MEMBERS_MAX + 1)), len(candidates))
        # Brands recruit the most active posters: a draw by activity squared without replacement (Gumbel
        # top-k), which also gives members enough mentions for their lift to be measurable.
        keys = MEMBER_ACTIVITY_EXPONENT * np.log(people.activity[candidates]) + rng.gumbel(size=len(candidates))
        keys = np.where(creator[candidates], keys + CREATORS_FIRST, keys)
        chosen = np.sort(candidates[np.argsort(-keys, kind="stable")[:size]])
        taken[int(b)] = np.concatenate([already, chosen])
        member_campaign.append(np.full(size, c, dtype=np.int64))
        member_person.append(chosen)
    return Campaigns(
        brand=brand,
        start_day=start,
        lift=lift,
        perk=perk,
        member_campaign=np.concatenate(member_campaign),
        member_person=np.concatenate(member_person),
    )


def mention_posts(
    people: People, accounts: Accounts, campaigns: Campaigns, window: Window, corpus: Corpus, seed: int
) -> Posts:
    """Brand mentions: a baseline rate for everyone interested in the brand's topic, times (1 + lift) for
    campaign members during the campaign and its follow-up (added as a second Poisson stream)."""
    rng = stream(seed, STAGE, 1)
    person_parts, brand_parts, t_parts = [], [], []
    for b, (*_, topic_name) in enumerate(BRANDS):
        fans = np.flatnonzero(people.interest[:, TOPICS.index(topic_name)] & (people.role != Role.BOT))
        count = rng.poisson(MENTION_RATE * people.activity[fans] * window.days)
        person_parts.append(np.repeat(fans, count))
        brand_parts.append(np.full(int(count.sum()), b, dtype=np.int64))
        t_parts.append(rhythm_times(rng, 0, window.days, int(count.sum())))

    c = campaigns.member_campaign
    member = campaigns.member_person
    period = CAMPAIGN_DAYS + FOLLOW_UP_DAYS
    extra = rng.poisson(MENTION_RATE * people.activity[member] * campaigns.lift[c] * period)
    c_rep = np.repeat(c, extra)
    person_parts.append(np.repeat(member, extra))
    brand_parts.append(campaigns.brand[c_rep])
    t_parts.append(rhythm_times(rng, campaigns.start_day[c_rep], period, len(c_rep)))

    person = np.concatenate(person_parts)
    brand = np.concatenate(brand_parts)
    t = np.concatenate(t_parts)
    # The mention goes out on one of the person's accounts, chosen by how much they post there.
    by_person = GroupSampler(accounts.person, np.arange(accounts.n), accounts.post_rate, people.n)
    has_account = by_person.has(person)
    person, brand, t = person[has_account], brand[has_account], t[has_account]
    account = by_person.member[by_person.draw(person, rng.random(len(person)))]

    topic = np.array([TOPICS.index(b[4]) for b in BRANDS])[brand]
    posts = new_posts(account, accounts, t, topic, np.zeros(len(account), dtype=bool), corpus.draw(rng, topic))
    posts.brand = brand.astype(np.int8)
    posts.mark = rng.choice(3, size=len(account), p=MARK_P).astype(np.int8)
    posts.slug = rng.integers(1_000, 100_000, len(account)).astype(np.int32)
    return posts
