"""Posts: when accounts post, on which topic, with which real text, and which posts reply to or repost others."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from core.corpus.samples import TOPICS, labelled_posts
from core.demo.accounts import Accounts
from core.demo.common import KIND_POST, KIND_REPLY, KIND_REPOST, N_TOPICS, Window, rhythm_times, stream
from core.demo.people import People

STAGE = 3
STRAY_P = 0.1  # posts outside the author's own interests
# Which of a person's 1, 2 or 3 interests a post is about (strongest interest first).
INTEREST_SLOT_P = np.array([[1.0, 0.0, 0.0], [0.65, 0.35, 0.0], [0.5, 0.3, 0.2]])
REPLY_P = np.array([0.10, 0.03, 0.0, 0.04, 0.0])  # per network; youtube videos and blog posts stand alone
REPOST_P = np.array([0.08, 0.0, 0.0, 0.05, 0.0])
PARENT_INFLUENCE_EXPONENT = 1.0  # replies and reposts go to influential authors' posts
PARENT_MAX_AGE_S = 2 * 86_400  # ... posted in the two days before


class Corpus:
    """The shipped labelled texts sorted by topic, so each topic's texts are one contiguous row range."""

    def __init__(self) -> None:
        frame = labelled_posts().with_columns(
            # Reddit's texts come HTML-escaped, some more than once ("&amp;amp;"); &amp;, &lt; and &gt; are the only
            # entities in them. A person's post on screen shows "<100$", not "&lt;100$".
            pl.col("text").str.replace_all("&(?:amp;)+", "&").str.replace_many(["&lt;", "&gt;"], ["<", ">"]),
            topic_idx=pl.col("topic").replace_strict(list(TOPICS), list(range(N_TOPICS)), return_dtype=pl.Int32),
        )
        self.frame = frame.sort("topic_idx", maintain_order=True).with_row_index("row")
        counts = np.bincount(self.frame["topic_idx"].to_numpy(), minlength=N_TOPICS)
        self.start = np.cumsum(counts) - counts
        self.count = counts

    def draw(self, rng: np.random.Generator, topic: np.ndarray) -> np.ndarray:
        """A uniformly random text row of each given topic."""
        return (self.start[topic] + np.floor(rng.random(len(topic)) * self.count[topic])).astype(np.int32)


@dataclass
class Posts:
    """Parallel arrays, one entry per post (after `assemble`, index = post_id - 1, in time order)."""

    account: np.ndarray
    network: np.ndarray
    t: np.ndarray  # seconds from the window start
    topic: np.ndarray
    stray: np.ndarray
    text: np.ndarray  # corpus row
    kind: np.ndarray
    parent: np.ndarray  # post index, -1 for none
    brand: np.ndarray  # brand index mentioned, -1 for none
    mark: np.ndarray  # how the brand is mentioned: 0 hashtag, 1 @handle, 2 link
    slug: np.ndarray  # number in the brand link's path

    def __len__(self) -> int:
        return len(self.account)

    def take(self, index: np.ndarray) -> Posts:
        """The posts at `index`, in that order."""
        return Posts(*(getattr(self, f.name)[index] for f in fields(self)))

    @staticmethod
    def concat(parts: list[Posts]) -> Posts:
        """All posts of the parts, in order."""
        return Posts(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Posts)))


def new_posts(
    account: np.ndarray, accounts: Accounts, t: np.ndarray, topic: np.ndarray, stray: np.ndarray, text: np.ndarray
) -> Posts:
    """Plain original posts (no parent, no brand) with the given authors, times, topics and texts."""
    n = len(account)
    minus_one = np.full(n, -1, dtype=np.int64)
    return Posts(
        account=account.astype(np.int64),
        network=accounts.network[account],
        t=t.astype(np.int64),
        topic=topic.astype(np.int8),
        stray=stray,
        text=text,
        kind=np.full(n, KIND_POST, dtype=np.int8),
        parent=minus_one,
        brand=minus_one.astype(np.int8),
        mark=np.zeros(n, dtype=np.int8),
        slug=np.zeros(n, dtype=np.int32),
    )


def _stray_topics(rng: np.random.Generator, interest: np.ndarray) -> np.ndarray:
    """A uniformly random topic outside each row's interests (redrawing the few that hit one)."""
    topic = rng.integers(0, N_TOPICS, len(interest))
    bad = interest[np.arange(len(interest)), topic]
    while bad.any():
        topic[bad] = rng.integers(0, N_TOPICS, int(bad.sum()))
        bad = interest[np.arange(len(interest)), topic]
    return topic


def regular_posts(people: People, accounts: Accounts, window: Window, corpus: Corpus, seed: int) -> Posts:
    """Each account's own posts: Poisson count by its rate, topics mostly from its person's interests."""
    rng = stream(seed, STAGE)
    counts = rng.poisson(accounts.post_rate * window.days)
    account = np.repeat(np.arange(accounts.n), counts)
    person = accounts.person[account]
    n = len(account)
    t = rhythm_times(rng, 0, window.days, n)

    n_interests = (people.topics[person] >= 0).sum(axis=1)
    cum = np.cumsum(INTEREST_SLOT_P[n_interests - 1], axis=1)
    slot = (rng.random(n)[:, None] > cum[:, :2]).sum(axis=1)
    topic = people.topics[person, slot].astype(np.int64)
    stray = rng.random(n) < STRAY_P
    topic[stray] = _stray_topics(rng, people.interest[person[stray]])
    return new_posts(account, accounts, t, topic, stray, corpus.draw(rng, topic))


def assemble(parts: list[Posts], people: People, accounts: Accounts, seed: int) -> Posts:
    """Put all posts in time order (that order gives the post ids) and make some replies and reposts."""
    posts = Posts.concat(parts)
    posts = posts.take(np.lexsort((posts.account, posts.t)))
    _threads(posts, people, accounts, stream(seed, STAGE, 1))
    return posts


def _threads(posts: Posts, people: People, accounts: Accounts, rng: np.random.Generator) -> None:
    """Turn some plain posts into replies/reposts of an earlier post on the same network and topic."""
    n = len(posts)
    u = rng.random(n)
    plain = (posts.kind == KIND_POST) & (posts.brand < 0)
    kind = np.where(u < REPLY_P[posts.network], KIND_REPLY, KIND_POST)
    kind = np.where((u >= REPLY_P[posts.network]) & (u < (REPLY_P + REPOST_P)[posts.network]), KIND_REPOST, kind)
    kind = np.where(plain, kind, KIND_POST).astype(np.int8)
    child = np.flatnonzero(kind != KIND_POST)
    if len(child) == 0:
        return

    # Parents are plain posts; within one (network, topic) group they are in time order, so the recent
    # ones form a contiguous range and a weighted draw from it is one searchsorted on cumulative weights.
    cand = np.flatnonzero(plain & (kind == KIND_POST))
    group = posts.network[cand].astype(np.int64) * N_TOPICS + posts.topic[cand]
    order = np.lexsort((posts.t[cand], group))
    cand, group = cand[order], group[order]
    span = np.int64(posts.t.max() + 1)
    sort_key = group * span + posts.t[cand]
    weight = people.influence[accounts.person[posts.account[cand]]] ** PARENT_INFLUENCE_EXPONENT
    before = np.concatenate([[0.0], np.cumsum(weight)])

    child_group = posts.network[child].astype(np.int64) * N_TOPICS + posts.topic[child]
    oldest = np.maximum(posts.t[child] - PARENT_MAX_AGE_S, 0)
    lo = np.searchsorted(sort_key, child_group * span + oldest, side="left")
    hi = np.searchsorted(sort_key, child_group * span + posts.t[child], side="left")  # strictly earlier
    total = before[hi] - before[lo]
    pos = np.searchsorted(before, before[lo] + rng.random(len(child)) * total, side="right") - 1
    pos = np.clip(pos, lo, np.maximum(hi - 1, lo))
    parent = cand[np.minimum(pos, len(cand) - 1)] if len(cand) else np.zeros(len(child), dtype=np.int64)
    ok = (total > 0) & (posts.account[parent] != posts.account[child])
    child, parent = child[ok], parent[ok]

    posts.kind[child] = kind[child]
    posts.parent[child] = parent
    repost = child[kind[child] == KIND_REPOST]
    # A repost carries its parent's text, so its topic is the parent's (already equal by construction).
    posts.text[repost] = posts.text[posts.parent[repost]]
