"""Planted gaming: follow farms, react-to-everything accounts, engagement pods and bought like bursts.

Every gamer has low latent reach. Pods and bursts inflate raw reaction counts, farms inflate
follower counts; none of them earns reactions from many distinct, influential, selective reactors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.demo.accounts import Accounts
from core.demo.common import (
    DEMO_NETWORKS,
    FOLLOW,
    INSTAGRAM,
    KIND_POST,
    KIND_REPOST,
    LIKE,
    REPLY,
    REPOST,
    TIKTOK,
    TWITTER,
    Batch,
    Window,
    lognormal_delays,
    rhythm_times,
    segment_arange,
    stream,
)
from core.demo.people import BURST_SHARE, LOW_INFLUENCE, POD_SHARE, People, Role
from core.demo.posts import Posts

STAGE = 6
POD_SIZE = (5, 12)
POD_NETWORKS = (INSTAGRAM, TWITTER, TIKTOK)
POD_NETWORK_P = np.array([0.5, 0.25, 0.25])
POD_POST_BOOST = 4.0  # pod members post a lot, so the pod has plenty to react to
POD_REACT_P = {LIKE: 0.95, REPLY: 0.35, REPOST: 0.25}  # per member and post; reposts on twitter/tiktok only
FARM_FOLLOWING = (2_000, 7_500)
FARM_FOLLOWERS_SHARE = (0.55, 0.95)  # followers gained by following (follow-for-follow)
FARM_FOLLOWS = (80, 250)  # new follows per 90 days
FARM_FOLLOW_BACK_P = 0.4
REACT_ALL_REACTIONS = (200, 600)  # reactions per 90 days, on any post at all
BURST_POSTS_P = np.array([0.6, 0.3, 0.1])  # a buyer boosts 1, 2 or 3 posts
BURST_LIKES = (150, 500)
BURST_WINDOW_S = 3_600
BURST_NETWORKS = (TWITTER, INSTAGRAM, TIKTOK)


@dataclass
class Gaming:
    """The planted gaming accounts (account indices) and their groups."""

    farm: np.ndarray
    react_all: np.ndarray
    pod_account: np.ndarray  # sorted by pod
    pod_id: np.ndarray  # 1-based pod id per pod_account
    buyer: np.ndarray
    burst_id: np.ndarray  # 1-based burst id per buyer
    boosted_post: np.ndarray  # posts whose likes were bought


def plant_schemers(people: People, accounts: Accounts, seed: int) -> Gaming:
    """Choose farm, react-all and pod accounts (before posting, which pods step up) and set their counts."""
    rng = stream(seed, STAGE)
    farm = accounts.first[np.flatnonzero(people.role == Role.FOLLOW_FARM)]
    react_all = accounts.first[np.flatnonzero(people.role == Role.REACT_ALL)]
    following = rng.integers(FARM_FOLLOWING[0], FARM_FOLLOWING[1] + 1, len(farm))
    accounts.following[farm] = following
    share = FARM_FOLLOWERS_SHARE[0] + rng.random(len(farm)) * (FARM_FOLLOWERS_SHARE[1] - FARM_FOLLOWERS_SHARE[0])
    accounts.followers[farm] = np.floor(following * share).astype(np.int64)

    n_pods = round(POD_SHARE * people.n / np.mean(POD_SIZE))
    sizes = rng.integers(POD_SIZE[0], POD_SIZE[1] + 1, n_pods)
    pod_network = np.array(POD_NETWORKS)[rng.choice(len(POD_NETWORKS), n_pods, p=POD_NETWORK_P)]
    pod_account, pod_id = [], []
    next_id = 1
    for net in POD_NETWORKS:  # three networks
        eligible = np.flatnonzero(
            (accounts.network == net)
            & (people.role[accounts.person] == Role.NORMAL)
            & (people.pct[accounts.person] < LOW_INFLUENCE)
        )
        shuffled = rng.permutation(eligible)
        net_sizes = sizes[pod_network == net]
        net_sizes = net_sizes[np.cumsum(net_sizes) <= len(shuffled)]
        members = shuffled[: int(net_sizes.sum())]
        people.role[accounts.person[members]] = Role.POD
        pod_account.append(members)
        pod_id.append(np.repeat(np.arange(next_id, next_id + len(net_sizes)), net_sizes))
        next_id += len(net_sizes)
    pod_account_all = np.concatenate(pod_account)
    accounts.post_rate[pod_account_all] *= POD_POST_BOOST
    none = np.zeros(0, dtype=np.int64)
    return Gaming(farm, react_all, pod_account_all, np.concatenate(pod_id), none, none, none)


def plant_buyers(
    people: People, accounts: Accounts, posts: Posts, window: Window, members: np.ndarray, gaming: Gaming, seed: int
) -> None:
    """Choose accounts that buy a like burst for 1-3 of their posts, among low-influence ordinary posters."""
    rng = stream(seed, STAGE, 1)
    # Likes are bought where there are bots to deliver them, on the networks that count likes most.
    bots = np.bincount(accounts.network[people.role[accounts.person] == Role.BOT], minlength=len(DEMO_NETWORKS))
    sold = (bots > 0) & np.isin(np.arange(len(DEMO_NETWORKS)), BURST_NETWORKS)
    person = accounts.person[posts.account]
    boostable = (
        (posts.kind == KIND_POST)
        & (posts.brand < 0)
        & (posts.t < window.seconds - 2 * BURST_WINDOW_S)
        & sold[posts.network]
        & (people.role[person] == Role.NORMAL)
        & (people.pct[person] < LOW_INFLUENCE)
    )
    boostable[np.isin(person, members)] = False
    candidates = rng.permutation(np.unique(posts.account[boostable]))
    _, first = np.unique(accounts.person[candidates], return_index=True)  # one account per person
    buyer = candidates[np.sort(first)][: round(BURST_SHARE * people.n)]
    people.role[accounts.person[buyer]] = Role.BOUGHT_BURST

    index = np.flatnonzero(boostable & np.isin(posts.account, buyer))
    index = index[np.lexsort((rng.random(len(index)), posts.account[index]))]
    owner = posts.account[index]
    rank = segment_arange(np.unique(owner, return_counts=True)[1])
    wanted = np.zeros(accounts.n, dtype=np.int64)
    wanted[buyer] = rng.choice(3, size=len(buyer), p=BURST_POSTS_P) + 1
    gaming.buyer, gaming.burst_id = buyer, np.arange(1, len(buyer) + 1)
    gaming.boosted_post = np.sort(index[rank < wanted[owner]])


def gaming_interactions(
    net: int, people: People, accounts: Accounts, posts: Posts, gaming: Gaming, window: Window, seed: int
) -> Batch:
    """Every planted gaming interaction on one network."""
    rng = stream(seed, STAGE, 2, net)
    scale = window.days / 90
    on_net = posts.network == net
    receivable = np.flatnonzero(on_net & (posts.kind != KIND_REPOST))
    return Batch.concat(
        [
            _react_all(rng, net, accounts, posts, gaming, receivable, scale),
            _pods(rng, net, accounts, posts, gaming, receivable),
            _bursts(rng, net, people, accounts, posts, gaming),
            _farms(rng, net, people, accounts, gaming, window, scale),
        ]
    )


def _react_all(
    rng: np.random.Generator,
    net: int,
    accounts: Accounts,
    posts: Posts,
    gaming: Gaming,
    receivable: np.ndarray,
    scale: float,
) -> Batch:
    """Unselective reactors: hundreds of likes and reposts on random posts of their network."""
    actor = gaming.react_all[accounts.network[gaming.react_all] == net]
    if len(actor) == 0 or len(receivable) == 0:
        return Batch.empty()
    count = np.round(rng.integers(REACT_ALL_REACTIONS[0], REACT_ALL_REACTIONS[1] + 1, len(actor)) * scale).astype(
        np.int64
    )
    actor = np.repeat(actor, count)
    post = receivable[rng.integers(0, len(receivable), len(actor))]
    shares = (0.5, 0.5, 0.0) if net in (TWITTER, TIKTOK) else (0.0, 0.9, 0.1)
    kind = np.array([REPOST, LIKE, REPLY])[rng.choice(3, size=len(actor), p=shares)]
    t = posts.t[post] + lognormal_delays(rng, len(actor), 600, 1.2)
    return Batch(actor, posts.account[post], post, kind.astype(np.int8), t)


def _pods(
    rng: np.random.Generator, net: int, accounts: Accounts, posts: Posts, gaming: Gaming, receivable: np.ndarray
) -> Batch:
    """Pod members react to almost every post of every other member of their pod, within minutes."""
    pod_of = np.zeros(accounts.n, dtype=np.int64)
    pod_of[gaming.pod_account] = gaming.pod_id
    mine = receivable[pod_of[posts.account[receivable]] > 0]
    if len(mine) == 0:
        return Batch.empty()
    pod_ids, start, size = np.unique(gaming.pod_id, return_index=True, return_counts=True)
    which = np.searchsorted(pod_ids, pod_of[posts.account[mine]])
    post = np.repeat(mine, size[which])
    actor = gaming.pod_account[np.repeat(start[which], size[which]) + segment_arange(size[which])]
    keep = actor != posts.account[post]
    post, actor = post[keep], actor[keep]
    batches = []
    for kind, p in POD_REACT_P.items():  # three reaction kinds
        if kind == REPOST and net not in (TWITTER, TIKTOK):
            continue
        hit = rng.random(len(post)) < p
        t = posts.t[post[hit]] + lognormal_delays(rng, int(hit.sum()), 240, 0.8)
        batches.append(
            Batch(actor[hit], posts.account[post[hit]], post[hit], np.full(int(hit.sum()), kind, dtype=np.int8), t)
        )
    return Batch.concat(batches)


def _bursts(
    rng: np.random.Generator, net: int, people: People, accounts: Accounts, posts: Posts, gaming: Gaming
) -> Batch:
    """Hundreds of likes within an hour from dormant accounts that do nothing else."""
    boosted = gaming.boosted_post[posts.network[gaming.boosted_post] == net]
    bots = np.flatnonzero((accounts.network == net) & (people.role[accounts.person] == Role.BOT))
    if len(boosted) == 0 or len(bots) == 0:
        return Batch.empty()
    count = rng.integers(BURST_LIKES[0], BURST_LIKES[1] + 1, len(boosted))
    post = np.repeat(boosted, count)
    actor = bots[rng.integers(0, len(bots), len(post))]
    delay = np.minimum(BURST_WINDOW_S, 30 + rng.exponential(900, len(post))).astype(np.int64)
    return Batch(actor, posts.account[post], post, np.full(len(post), LIKE, dtype=np.int8), posts.t[post] + delay)


def _farms(
    rng: np.random.Generator, net: int, people: People, accounts: Accounts, gaming: Gaming, window: Window, scale: float
) -> Batch:
    """Follow farms follow hundreds of random accounts, and many follow back within hours."""
    farm = gaming.farm[accounts.network[gaming.farm] == net]
    targets = np.flatnonzero((accounts.network == net) & (people.role[accounts.person] != Role.BOT))
    if len(farm) == 0 or len(targets) < 2:
        return Batch.empty()
    count = np.round(rng.integers(FARM_FOLLOWS[0], FARM_FOLLOWS[1] + 1, len(farm)) * scale).astype(np.int64)
    actor = np.repeat(farm, count)
    target = targets[rng.integers(0, len(targets), len(actor))]
    t = rhythm_times(rng, 0, window.days, len(actor))
    back = rng.random(len(actor)) < FARM_FOLLOW_BACK_P
    t_back = t[back] + lognormal_delays(rng, int(back.sum()), 4 * 3600, 1.0)
    none = np.full(len(actor) + int(back.sum()), -1, dtype=np.int64)
    return Batch(
        np.concatenate([actor, target[back]]),
        np.concatenate([target, actor[back]]),
        none,
        np.full(len(none), FOLLOW, dtype=np.int8),
        np.concatenate([t, t_back]),
    )
