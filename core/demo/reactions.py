"""Organic interactions: reactions to posts, replies/reposts as interactions, and new follows.

Reaction counts per post follow an overdispersed Poisson whose mean grows with the author's latent
influence. Reactors are drawn by activity from people interested in the post's topic on the same
network, from influence strata that rise with the author's influence (assortative), and a
low-influence author's reactions come largely from a small fixed circle (few distinct reactors).
expected_reactions and expected_follows give the means these draws are made from: summed per person,
they are the world's ground truth of influence (see core.demo.world).
"""

from __future__ import annotations

import numpy as np

from core.demo.accounts import Accounts
from core.demo.common import (
    DEMO_NETWORKS,
    FOLLOW,
    KIND_REPLY,
    KIND_REPOST,
    N_TOPICS,
    REPLY,
    REPOST,
    Batch,
    GroupSampler,
    Window,
    hash_uniform,
    lognormal_delays,
    rhythm_times,
    stream,
)
from core.demo.people import N_BANDS, People, Role
from core.demo.posts import Posts

STAGE = 5
REACTION_BASE = np.array([0.22, 0.37, 0.65, 0.57, 0.2])  # mean reactions per post at influence 1, per network
INFLUENCE_EXPONENT = 1.15
REPLY_FACTOR = 0.35  # replies draw fewer reactions than original posts
GAMMA_SHAPE = 1.3  # per-post gamma noise on the mean: some posts take off, most do not
CIRCLE_SIZE = 6
CIRCLE_SHARE = 0.6  # of the least influential authors' reactions, from their circle (falls to 0 at the top)
GENERAL_SHARE = 0.2  # reactions from anyone on the network rather than the post's topic fans
ASSORTATIVITY = 2.0  # how strongly an author's influence tilts the reactor strata
DELAY_MEDIAN_S, DELAY_SIGMA = 2_400, 1.9  # median 40 minutes, 1% after more than two days
# Types per network, in INTERACTION_TYPES order: repost, reply, mention, like, click.
TYPE_MIX = np.array(
    [
        [0.18, 0.10, 0.06, 0.62, 0.04],  # twitter
        [0.01, 0.12, 0.05, 0.82, 0.00],  # instagram
        [0.02, 0.15, 0.03, 0.55, 0.25],  # youtube
        [0.12, 0.12, 0.04, 0.70, 0.02],  # tiktok
        [0.05, 0.20, 0.05, 0.15, 0.55],  # blog
    ]
)
FOLLOW_RATE = 0.6  # new follows per account per 90 days, at reacting activity 1
FOLLOW_TOPICAL_P = 0.7
FOLLOW_INFLUENCE_EXPONENT = 1.2

ANY_TOPIC = N_TOPICS  # the "whole network" pseudo-topic
N_KEYS = (N_TOPICS + 1) * N_BANDS + 1
ANYONE = N_KEYS - 1  # any topic, any stratum


def _band_table() -> np.ndarray:
    """Cumulative reactor-stratum probabilities for author influence percentiles 0.00..0.99."""
    p = (np.arange(100) + 0.5) / 100
    logits = ASSORTATIVITY * (p[:, None] - 0.5) * (np.arange(N_BANDS)[None, :] - (N_BANDS - 1) / 2)
    probs = np.exp(logits)
    return np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)


def reactor_pool(net: int, people: People, accounts: Accounts) -> tuple[GroupSampler, np.ndarray]:
    """Reactors on one network keyed by (topic, influence stratum), plus each key's non-empty fallback."""
    acc = np.flatnonzero((accounts.network == net) & (accounts.react_weight > 0))
    person = accounts.person[acc]
    band = people.band[person].astype(np.int64)
    weight = accounts.react_weight[acc]
    keys, members, weights = [], [], []
    for slot in range(people.topics.shape[1]):  # up to three interests
        topic = people.topics[person, slot].astype(np.int64)
        has = topic >= 0
        keys.append(topic[has] * N_BANDS + band[has])
        members.append(acc[has])
        weights.append(weight[has])
    keys += [ANY_TOPIC * N_BANDS + band, np.full(len(acc), ANYONE)]
    members += [acc, acc]
    weights += [weight, weight]
    pool = GroupSampler(np.concatenate(keys), np.concatenate(members), np.concatenate(weights), N_KEYS)

    key = np.arange(N_KEYS)
    general = np.where(key == ANYONE, ANYONE, ANY_TOPIC * N_BANDS + key % N_BANDS)
    fallback = np.where(pool.has(key), key, np.where(pool.has(general), general, ANYONE))
    return pool, np.where(pool.has(fallback), fallback, -1)


def expected_reactions(people: People, accounts: Accounts, posts: Posts, index: np.ndarray) -> np.ndarray:
    """The mean organic reaction count of each post at `index`: what its author's influence earns on its network
    before the luck of the post (reposts draw none; their reactions go to the original)."""
    person = accounts.person[posts.account[index]]
    kind = posts.kind[index]
    mean = REACTION_BASE[posts.network[index]] * people.influence[person] ** INFLUENCE_EXPONENT
    mean = np.where(kind == KIND_REPLY, mean * REPLY_FACTOR, mean)
    return np.where(kind == KIND_REPOST, 0.0, mean)


def organic_reactions(net: int, people: People, accounts: Accounts, posts: Posts, seed: int) -> Batch:
    """Reactions to the original posts and replies of one network."""
    rng = stream(seed, STAGE, net)
    post = np.flatnonzero((posts.network == net) & (posts.kind != KIND_REPOST))
    author = posts.account[post]
    person = accounts.person[author]
    mean = expected_reactions(people, accounts, posts, post)
    count = rng.poisson(mean * rng.gamma(GAMMA_SHAPE, 1 / GAMMA_SHAPE, len(post)))
    pool, fallback = reactor_pool(net, people, accounts)

    post = np.repeat(post, count)
    author = np.repeat(author, count)
    person = np.repeat(person, count)
    pct = people.pct[person]
    m = len(post)

    u = rng.random(m)
    band = np.zeros(m, dtype=np.int64)
    cum = _band_table()[np.minimum((pct * 100).astype(np.int64), 99)]
    for b in range(N_BANDS - 1):
        band += u > cum[:, b]
    source = rng.random(m)
    circle = source < CIRCLE_SHARE * (1 - pct) ** 2
    general = ~circle & (source > 1 - GENERAL_SHARE)
    topic = np.where(general, ANY_TOPIC, posts.topic[post].astype(np.int64))
    topic = np.where(circle, people.topics[person, 0], topic)
    band = np.where(circle, people.band[person], band)
    # A circle member is a fixed draw per (author, slot), so the same few accounts keep coming back.
    draw = rng.random(m)
    draw[circle] = hash_uniform(seed, author[circle], rng.integers(0, CIRCLE_SIZE, int(circle.sum())))

    key = fallback[topic * N_BANDS + band]
    ok = key >= 0
    post, author, key, draw = post[ok], author[ok], key[ok], draw[ok]
    pos = pool.draw(key, draw)
    self_hit = pool.member[pos] == author
    pos[self_hit] = pool.next_in_group(pos[self_hit], key[self_hit])
    actor = pool.member[pos]

    kind = rng.choice(TYPE_MIX.shape[1], size=len(post), p=TYPE_MIX[net]).astype(np.int8)
    t = posts.t[post] + lognormal_delays(rng, len(post), DELAY_MEDIAN_S, DELAY_SIGMA)
    return Batch(actor, author, post, kind, t)


def thread_interactions(net: int, posts: Posts) -> Batch:
    """Each reply or repost post is also a reply/repost interaction with its parent's author."""
    child = np.flatnonzero((posts.network == net) & (posts.parent >= 0))
    parent = posts.parent[child]
    kind = np.where(posts.kind[child] == KIND_REPLY, REPLY, REPOST).astype(np.int8)
    return Batch(posts.account[child], posts.account[parent], parent, kind, posts.t[child])


def _follow_pool(net: int, people: People, accounts: Accounts) -> GroupSampler:
    """Accounts on one network that can be followed, keyed by each of their topics and ANY_TOPIC, by influence."""
    target_acc = np.flatnonzero((accounts.network == net) & (people.role[accounts.person] != Role.BOT))
    target_person = accounts.person[target_acc]
    weight = people.influence[target_person] ** FOLLOW_INFLUENCE_EXPONENT
    keys = [np.full(len(target_acc), ANY_TOPIC)]
    members, weights = [target_acc], [weight]
    for slot in range(people.topics.shape[1]):  # up to three interests
        topic = people.topics[target_person, slot].astype(np.int64)
        has = topic >= 0
        keys.append(topic[has])
        members.append(target_acc[has])
        weights.append(weight[has])
    return GroupSampler(np.concatenate(keys), np.concatenate(members), np.concatenate(weights), N_TOPICS + 1)


def _followers(net: int, people: People, accounts: Accounts, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """The accounts on one network that follow others, and how many new follows each makes on average."""
    actor_acc = np.flatnonzero((accounts.network == net) & (accounts.react_weight > 0))
    return actor_acc, FOLLOW_RATE * window.days / 90 * people.lurk[accounts.person[actor_acc]]


def organic_follows(net: int, people: People, accounts: Accounts, window: Window, seed: int) -> Batch:
    """New follows in the window: active accounts follow influential ones, mostly in their own topics."""
    rng = stream(seed, STAGE, 10 + net)
    pool = _follow_pool(net, people, accounts)
    actor_acc, rate = _followers(net, people, accounts, window)
    actor = np.repeat(actor_acc, rng.poisson(rate))
    person = accounts.person[actor]
    n_interests = (people.topics[person] >= 0).sum(axis=1)
    slot = np.floor(rng.random(len(actor)) * n_interests).astype(np.int64)
    topic = np.where(rng.random(len(actor)) < FOLLOW_TOPICAL_P, people.topics[person, slot], ANY_TOPIC)
    topic = np.where(pool.has(topic), topic, ANY_TOPIC)
    ok = pool.has(topic)
    actor, topic = actor[ok], topic[ok]
    pos = pool.draw(topic, rng.random(len(actor)))
    self_hit = pool.member[pos] == actor
    pos[self_hit] = pool.next_in_group(pos[self_hit], topic[self_hit])
    none = np.full(len(actor), -1, dtype=np.int64)
    t = rhythm_times(rng, 0, window.days, len(actor))
    return Batch(actor, pool.member[pos], none, np.full(len(actor), FOLLOW, dtype=np.int8), t)


def expected_follows(people: People, accounts: Accounts, window: Window) -> np.ndarray:
    """Per account, the mean number of organic follows it receives in the window (what organic_follows draws from)."""
    expected = np.zeros(accounts.n)
    groups = np.arange(N_TOPICS + 1)
    for net in range(len(DEMO_NETWORKS)):  # five networks
        pool = _follow_pool(net, people, accounts)
        if not pool.has(np.array([ANY_TOPIC]))[0]:
            continue
        actor_acc, rate = _followers(net, people, accounts, window)
        topics = people.topics[accounts.person[actor_acc]].astype(np.int64)
        share = FOLLOW_TOPICAL_P * rate / (topics >= 0).sum(axis=1)
        into = np.bincount(topics[topics >= 0], np.repeat(share, (topics >= 0).sum(axis=1)), minlength=len(groups))
        into[ANY_TOPIC] += (1 - FOLLOW_TOPICAL_P) * rate.sum()
        empty = ~pool.has(groups)  # follows meant for a topic nobody here covers go to the whole network
        into[ANY_TOPIC] += into[empty].sum()
        into[empty] = 0.0
        weight = np.diff(pool.cum, prepend=0.0)
        group = np.repeat(groups, pool.end - pool.start)
        expected += np.bincount(pool.member, weight * (into / np.maximum(pool.total, 1e-300))[group], accounts.n)
    return expected
