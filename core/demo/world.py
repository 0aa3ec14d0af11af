"""The seeded demo world: people, accounts, posts and reactions with planted truth to score against.

Everything is drawn with numpy from per-stage generators seeded by (seed, stage), so the same
(people, seed, days) always gives identical tables, and everything is vectorised: no Python loop
runs per person, post or interaction (only per network, topic, pod network or campaign).

Ground truth of influence (truth_people.latent_influence): the organic reactions a person can expect in the
window, i.e. the sum over their posts of the mean each post's reactions were drawn from (their latent reach
on that network, before the luck of the post) plus the mean number of organic follows they attract. Reach is
each person's hidden trait (lognormal); what the truth adds up is what that trait earns from what they
actually posted. It leaves out everything bought or traded (pods, bursts, farms, react-all accounts) and is
observable in principle: the more someone posts, the closer their real organic reactions come to it. Everyone
Sway tracks posts (about monthly per network at least), so nobody's influence is hidden for want of a post;
the bots that deliver bought likes never post and have an influence of 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from core.db import warehouse
from core.demo.accounts import Accounts, generate_accounts
from core.demo.campaigns import Campaigns, generate_campaigns, mention_posts
from core.demo.common import DEMO_END, LIKE, REPOST, Batch, Window
from core.demo.gaming import Gaming, gaming_interactions, plant_buyers, plant_schemers
from core.demo.people import People, generate_people
from core.demo.posts import Corpus, Posts, assemble, regular_posts
from core.demo.reactions import (
    expected_follows,
    expected_reactions,
    organic_follows,
    organic_reactions,
    thread_interactions,
)
from core.demo.write import write_accounts, write_campaigns, write_gaming, write_interactions, write_people, write_posts
from core.progress import Progress, scaled, silent
from core.vocabulary import DEMO_NETWORKS

__all__ = ["DEMO_END", "build_demo", "build_demo_warehouse"]

STEPS = 6


@dataclass
class World:
    """Everything generated before the interactions, which are made and written one network at a time."""

    people: People
    accounts: Accounts
    gaming: Gaming
    campaigns: Campaigns
    corpus: Corpus
    posts: Posts


def _step(progress: Progress, fraction: float, n: int, what: str) -> None:
    progress(fraction, f"{what} ({n} of {STEPS})")


def _generate(people: int, seed: int, window: Window, progress: Progress) -> World:
    """People, accounts, schemers, campaigns and posts (steps 1-3)."""
    _step(progress, 0.0, 1, "Generating people")
    folk = generate_people(people, seed)
    _step(progress, 0.03, 2, "Generating accounts")
    accounts = generate_accounts(folk, window, seed)
    gaming = plant_schemers(folk, accounts, seed)
    campaigns = generate_campaigns(folk, accounts, window, seed)
    _step(progress, 0.06, 3, "Generating posts and brand mentions")
    corpus = Corpus()
    parts = [
        regular_posts(folk, accounts, window, corpus, seed),
        mention_posts(folk, accounts, campaigns, window, corpus, seed),
    ]
    posts = assemble(parts, folk, accounts, seed)
    plant_buyers(folk, accounts, posts, window, campaigns.member_person, gaming, seed)
    return World(folk, accounts, gaming, campaigns, corpus, posts)


def _interactions(
    con: duckdb.DuckDBPyConnection, world: World, window: Window, seed: int, progress: Progress
) -> tuple[int, tuple[np.ndarray, np.ndarray]]:
    """Generate and write every interaction, network by network (step 4); returns the count and the
    likes and reposts seen per post (the basis of the reported totals)."""
    posts = world.posts
    likes = np.zeros(len(posts), dtype=np.int64)
    reposts = np.zeros(len(posts), dtype=np.int64)
    written_total = 0
    for net, name in enumerate(DEMO_NETWORKS):  # one network at a time bounds memory
        progress(net / len(DEMO_NETWORKS), f"Generating reactions on {name} (4 of {STEPS})")
        batch = Batch.concat(
            [
                organic_reactions(net, world.people, world.accounts, posts, seed),
                thread_interactions(net, posts),
                organic_follows(net, world.people, world.accounts, window, seed),
                gaming_interactions(net, world.people, world.accounts, posts, world.gaming, window, seed),
            ]
        )
        progress((net + 0.6) / len(DEMO_NETWORKS), f"Writing reactions on {name} (4 of {STEPS})")
        # Reactions due after DEMO_END have not happened yet.
        batch = batch.keep((batch.t < window.seconds) & (batch.actor != batch.target))
        written = write_interactions(con, net, batch, window)
        written_total += written.height
        on_post = written.filter(pl.col("post") > 0)
        index = on_post["post"].to_numpy() - 1
        kind = on_post["type"].to_numpy()
        likes += np.bincount(index[kind == LIKE], minlength=len(posts))
        reposts += np.bincount(index[kind == REPOST], minlength=len(posts))
    return written_total, (likes, reposts)


def true_influence(world: World, window: Window) -> np.ndarray:
    """Each person's ground-truth influence (truth_people.latent_influence, defined in the module docstring):
    the mean reaction count of each of their posts, summed, plus the mean number of organic follows they draw."""
    posts, accounts = world.posts, world.accounts
    on_posts = expected_reactions(world.people, accounts, posts, np.arange(len(posts)))
    reactions = np.bincount(accounts.person[posts.account], on_posts, minlength=world.people.n)
    return reactions + np.bincount(accounts.person, expected_follows(world.people, accounts, window), world.people.n)


def build_demo(
    con: duckdb.DuckDBPyConnection,
    *,
    people: int = 20_000,
    seed: int = 7,
    days: int = 90,
    progress: Progress = silent,
) -> None:
    """Fill an empty, migrated warehouse with the demo world and its truth tables, in one transaction."""
    if people < 1:
        raise ValueError(f"The demo world needs at least one person; got {people}.")
    if warehouse.scalar(con, "SELECT count(*) FROM people") or warehouse.scalar(con, "SELECT count(*) FROM accounts"):
        raise warehouse.WarehouseError(
            "The demo world can only be built into an empty warehouse; rebuild it with build_demo_warehouse."
        )
    window = Window(days)
    with warehouse.transaction(con):
        world = _generate(people, seed, window, progress)
        n_interactions, seen = _interactions(con, world, window, seed, scaled(progress, 0.12, 0.75))

        _step(progress, 0.75, 5, "Writing people and accounts")
        write_people(con, world.people, true_influence(world, window), seed)
        write_accounts(con, world.people, world.accounts, seed)
        write_posts(con, world.posts, world.accounts, world.corpus, window, seen, seed, scaled(progress, 0.82, 0.96))
        _step(progress, 0.96, 5, "Writing the ground truth")
        write_gaming(con, world.gaming)
        write_campaigns(con, world.campaigns, window)

        _step(progress, 0.98, 6, "Recording the load")
        counts = {"people": people, "accounts": world.accounts.n, "posts": len(world.posts)}
        warehouse.record_load(
            con, "demo", [f"{people:,} people, random seed {seed}"], {**counts, "interactions": n_interactions}
        )
        warehouse.set_meta(
            con,
            {
                "origin": "demo",
                "seed": str(seed),
                "people": str(people),
                "days": str(days),
                "as_of": DEMO_END.isoformat(),
            },
        )
    progress(1.0, f"Demo world ready: {people:,} people, {len(world.posts):,} posts, {n_interactions:,} reactions")


def build_demo_warehouse(path: Path | str, *, people: int = 20_000, seed: int = 7, progress: Progress = silent) -> None:
    """Build the demo world into a fresh file beside `path`, then swap it in (a failure leaves `path` as it was)."""
    warehouse.rebuild(path, lambda con: build_demo(con, people=people, seed=seed, progress=progress))
