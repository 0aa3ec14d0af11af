"""Authenticity: detect gaming accounts with the evidence for each flag, and rate every account 0-100.

- follow_farm: follows thousands and about as many follow back, and in the follow interactions it follows
  many accounts of which many follow back (follow-for-follow);
- react_all: reacts to very many distinct accounts, a good share of them accounts that few others react to
  (its choices do not follow what anyone finds worth reacting to);
- pod: a small group whose members each react to most of the others' posts, mutually, and who get a large
  share of all their reactions from the group (connected components of mutual "dedicated" pairs);
- bought_burst (the account whose post got the burst) and burst_reactor (the near-silent accounts that
  delivered it): many reactions to one post within minutes, mostly from accounts that do little else;
- automated: the account's own posting looks like a bot's to a model fitted on real labelled accounts
  (core/scoring/automation.py, with its own tunables and a sentence of evidence).
Each flag keeps the numbers that triggered it as JSON evidence. A flag cuts the account's rating by its
severity (rating = 100 x product of (1 - severity)); the account's reactions and its own score are then
scaled by its factor, (rating / 100) ** inauthentic_power.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from core.scoring import automation
from core.scoring.params import ScoreParams
from core.scoring.reactions import FOLLOW, Features, index_of

# How much each flag cuts the rating: a flagged account keeps (1 - severity) of it.
SEVERITY: dict[str, float] = {
    "follow_farm": 0.7,
    "react_all": 0.8,
    "pod": 0.8,
    "bought_burst": 0.8,
    "burst_reactor": 0.9,
}
FLAG_SCHEMA = {"aidx": pl.Int32, "flag": pl.String, "severity": pl.Float64, "evidence": pl.String}


@dataclass
class Authenticity:
    """Flags with evidence, and every account's rating and discount factor (indexed by aidx)."""

    flags: pl.DataFrame  # aidx, flag, severity, evidence (JSON text)
    rating: np.ndarray  # 0..100 per account
    factor: np.ndarray  # (rating / 100) ** inauthentic_power per account


def _flag(aidx: np.ndarray | pl.Series, name: str, evidence: pl.DataFrame) -> pl.DataFrame:
    """Flag rows for these accounts, the evidence columns encoded as one JSON object per row."""
    return pl.DataFrame(
        {
            "aidx": pl.Series(aidx, dtype=pl.Int32),
            "flag": name,
            "severity": SEVERITY[name],
            "evidence": evidence.select(pl.struct(pl.all()).struct.json_encode()).to_series(),
        },
        schema=FLAG_SCHEMA,
    )


def _follow_farms(con: duckdb.DuckDBPyConnection, f: Features, params: ScoreParams) -> pl.DataFrame:
    found = con.sql(
        """
        WITH follows AS (
            SELECT DISTINCT actor_account_id AS a, target_account_id AS b
            FROM interactions WHERE type = 'follow' AND occurred_at <= $as_of
        ), given AS (
            SELECT f.a AS account_id, count(*) AS follows_given, count(r.a) AS followed_back
            FROM follows f LEFT JOIN follows r ON r.a = f.b AND r.b = f.a
            GROUP BY f.a
            HAVING count(*) >= $min_follows
        )
        SELECT account_id, acc.following, acc.followers,
               round(acc.following / greatest(acc.followers, 1), 2) AS following_per_follower,
               g.follows_given, g.followed_back, round(g.followed_back / g.follows_given, 3) AS reciprocity
        FROM accounts acc JOIN given g USING (account_id)
        WHERE acc.following >= $min_following
          AND acc.following <= $max_ratio * acc.followers
          AND g.followed_back >= $min_reciprocity * g.follows_given
        ORDER BY account_id
        """,
        params={
            "as_of": f.window.as_of,
            "min_follows": params.farm_min_follows,
            "min_following": params.farm_min_following,
            "max_ratio": params.farm_max_ratio,
            "min_reciprocity": params.farm_min_reciprocity,
        },
    ).pl()
    aidx = index_of(found["account_id"].to_numpy(), f.accounts["account_id"].to_numpy())
    return _flag(aidx, "follow_farm", found.drop("account_id"))


def _react_all(f: Features, params: ScoreParams) -> pl.DataFrame:
    n = f.accounts.height
    reacted = f.given > 0
    reactors = np.bincount(f.target[reacted], minlength=n)
    median = float(np.median(reactors[reactors > 0])) if reactors.any() else 0.0
    unpopular = np.bincount(f.actor[reacted], weights=reactors[f.target[reacted]] <= median, minlength=n)
    broad = f.distinct_targets >= params.react_all_min_targets
    hit = np.flatnonzero(broad & (unpopular >= params.react_all_min_unpopular_share * f.distinct_targets))
    breadth = np.maximum(f.distinct_targets[hit], 1)
    evidence = pl.DataFrame(
        {
            "distinct_accounts_reacted_to": f.distinct_targets[hit],
            "share_rarely_reacted_to_by_others": np.round(unpopular[hit] / breadth, 3),
            "rarely_means_at_most_reactors": np.full(len(hit), median),
            "share_reacted_to_only_once": np.round(f.once_targets[hit] / breadth, 3),
            "reactions_given": f.reactions_given[hit],
            "posts_written": f.posts_written[hit],
        }
    )
    return _flag(hit, "react_all", evidence)


def _posts_covered(f: Features, mask: np.ndarray) -> pl.DataFrame:
    """Per (actor, target) among the masked reactions: distinct posts of the target reacted to, and the share."""
    r = f.reactions
    mask = mask & (r.post >= 0)
    covered = (
        pl.DataFrame({"actor": r.actor[mask], "target": r.target[mask], "post": r.post[mask]})
        .unique()
        .group_by("actor", "target")
        .agg(posts=pl.len())
        .sort("actor", "target")
    )
    written = f.posts_written[covered["target"].to_numpy()]
    share = np.minimum(covered["posts"].to_numpy() / np.maximum(written, 1), 1.0)
    return covered.with_columns(coverage=pl.Series(np.where(written > 0, share, 0.0)))


def _pods(f: Features, params: ScoreParams) -> pl.DataFrame:
    n = f.accounts.height
    written = f.posts_written[f.target]
    # Cheap prefilter: a dedicated reactor reacts at least as often as it needs to cover the target's posts.
    # Covering most of someone's posts means little when they wrote one or two: the core needs pod_min_posts.
    cand = np.flatnonzero((written >= params.pod_min_posts) & (f.given >= params.pod_min_coverage * written))
    # In a group of 3 or more everyone has at least 2 dedicated partners each way: peel off the rest.
    for _ in range(3):
        actor, target = f.actor[cand], f.target[cand]
        out_deg, in_deg = np.bincount(actor, minlength=n), np.bincount(target, minlength=n)
        busy = (out_deg >= 2) & (in_deg >= 2)
        cand = cand[busy[actor] & busy[target]]
    key = f.actor[cand].astype(np.int64) * n + f.target[cand]
    mutual = np.sort(key[np.isin(key, f.target[cand].astype(np.int64) * n + f.actor[cand])])
    if not len(mutual):
        return pl.DataFrame(schema=FLAG_SCHEMA)
    r = f.reactions
    involved = np.zeros(n, dtype=bool)
    involved[mutual // n] = True
    near = np.flatnonzero(involved[r.actor] & involved[r.target])  # cheap narrowing before the exact match
    exact = np.isin(r.actor[near].astype(np.int64) * n + r.target[near], mutual)
    in_mutual = np.zeros(len(r.actor), dtype=bool)
    in_mutual[near[exact]] = True
    dedicated = _posts_covered(f, in_mutual).filter(pl.col("coverage") >= params.pod_min_coverage)
    both = dedicated.join(
        dedicated.select(actor="target", target="actor", back="coverage"), on=["actor", "target"]
    ).filter(pl.col("actor") < pl.col("target"))
    if not both.height:
        return pl.DataFrame(schema=FLAG_SCHEMA)
    ids, idx = np.unique(np.concatenate([both["actor"].to_numpy(), both["target"].to_numpy()]), return_inverse=True)
    m = both.height
    _, label = connected_components(
        coo_matrix((np.ones(m), (idx[:m], idx[m:])), shape=(len(ids), len(ids))), directed=False
    )
    size = np.bincount(label)
    edges = np.bincount(label[idx[:m]], minlength=len(size))
    density = edges / np.maximum(size * (size - 1) / 2, 1)
    core = ((size >= 3) & (size <= params.pod_max_size) & (density >= params.pod_min_density))[label]
    if not core.any():
        return pl.DataFrame(schema=FLAG_SCHEMA)
    # A pod is named by its smallest account id, so the same group keeps its id across refreshes.
    account_id = f.accounts["account_id"].to_numpy()
    aidx, group = ids[core].astype(np.int32), label[core]
    pod_id = np.full(len(size), np.iinfo(np.int64).max)
    np.minimum.at(pod_id, group, account_id[aidx])
    cores = pl.DataFrame(
        {"aidx": aidx, "group": group, "pod_id": pod_id[group], "mutual_pairs": edges[group], "density": density[group]}
    )
    # A pod is mostly its mutual core: a small core with more one-way "joiners" than members is a popular
    # account with its fans, so such joiners are dropped (and the core must then carry the pod on its own).
    members = (
        cores.with_columns(joined=False)
        .vstack(_joiners(f, cores, params))
        .filter(~pl.col("joined") | (pl.col("joined").sum().over("group") <= (~pl.col("joined")).sum().over("group")))
        .drop("group")
    )
    pod_of = np.full(n, -1, dtype=np.int64)
    pod_of[members["aidx"].to_numpy()] = members["pod_id"].to_numpy()
    tgt_pod = pod_of[f.target]
    in_pod = tgt_pod >= 0
    pod_ids, pod_idx = np.unique(tgt_pod[in_pod], return_inverse=True)
    received = np.bincount(pod_idx, weights=f.given[in_pod])
    inside = np.bincount(pod_idx, weights=f.given[in_pod] * (pod_of[f.actor[in_pod]] == tgt_pod[in_pod]))
    totals = pl.DataFrame({"pod_id": pod_ids, "pod_reactions_received": received, "from_inside_pod": inside})
    members = (
        members.join(totals, on="pod_id", how="left")
        .with_columns(members=pl.len().over("pod_id"))
        .with_columns(share_from_inside=(pl.col("from_inside_pod") / pl.col("pod_reactions_received")).round(3))
        .filter(
            (pl.col("members") <= params.pod_max_size)
            & (pl.col("from_inside_pod") >= params.pod_min_internal_share * pl.col("pod_reactions_received"))
        )
        .sort("aidx")
    )
    evidence = members.select(
        "pod_id",
        "members",
        "mutual_pairs",
        pl.col("density").round(3),
        joined_by_reacting="joined",
        pod_reactions_received=pl.col("pod_reactions_received").cast(pl.Int64),
        from_inside_pod=pl.col("from_inside_pod").cast(pl.Int64),
        share_from_inside="share_from_inside",
    )
    return _flag(members["aidx"], "pod", evidence)


def _joiners(f: Features, cores: pl.DataFrame, params: ScoreParams) -> pl.DataFrame:
    """Accounts that post little (so get no reactions back) but react to most posts of half a pod or more."""
    core_of = np.full(f.accounts.height, -1, dtype=np.int64)
    core_of[cores["aidx"].to_numpy()] = cores["group"].to_numpy()
    r = f.reactions
    served = (
        _posts_covered(f, (core_of[r.target] >= 0) & (core_of[r.actor] < 0))
        .filter(pl.col("coverage") >= params.pod_min_coverage)
        .join(cores.select(target="aidx", group="group"), on="target")
        .group_by("actor", "group")
        .agg(served=pl.len())
        .join(cores.group_by("group").agg(core_size=pl.len()), on="group")
        .filter(pl.col("served") >= 0.5 * pl.col("core_size"))
        .sort(["actor", "served", "group"], descending=[False, True, False])
        .unique("actor", keep="first", maintain_order=True)
    )
    pod_info = cores.group_by("group").agg(pl.col("pod_id", "mutual_pairs", "density").first())
    return served.join(pod_info, on="group").select(
        aidx=pl.col("actor").cast(pl.Int32),
        group="group",
        pod_id="pod_id",
        mutual_pairs="mutual_pairs",
        density="density",
        joined=pl.lit(True),
    )


def _bought_bursts(con: duckdb.DuckDBPyConnection, f: Features, params: ScoreParams) -> pl.DataFrame:
    r = f.reactions
    slot = r.post + 1  # slot 0: reactions on no post (and follows) never form a burst
    slot[r.kind == FOLLOW] = 0
    popular = np.bincount(slot, minlength=len(r.post_ids) + 1) >= params.burst_min_reactions
    popular[0] = False
    # Narrowing: a near-silent account does little besides reacting to popular posts, so only posts with
    # enough reactions from such candidates can hold a bought burst (all their reactions count for its share).
    on_popular = popular[slot]
    elsewhere = f.posts_written + f.reactions_given - np.bincount(r.actor[on_popular], minlength=f.accounts.height)
    candidate = (elsewhere <= params.burst_max_other_activity)[r.actor] & on_popular
    hot_post = np.bincount(slot[candidate], minlength=len(popular)) >= params.burst_min_reactions
    hot_post[0] = False
    hot = hot_post[slot]
    con.register(
        "_sc_hot",
        pl.DataFrame(
            {"target": r.target[hot], "post_id": r.post_ids[r.post[hot]], "actor": r.actor[hot], "t": r.t[hot]}
        ),
    )
    con.register(
        "_sc_activity", pl.DataFrame({"aidx": f.accounts["aidx"], "other": f.posts_written + f.reactions_given})
    )
    try:
        # Dense buckets: >= min reactions to one post inside one bucket; two bucketings offset by half a
        # bucket, so any burst no longer than half a bucket falls whole into one of them.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _sc_bursts AS
            WITH stamped AS (SELECT *, t // $span AS b0, (t + $span // 2) // $span AS b1 FROM _sc_hot),
            dense0 AS (SELECT post_id, b0 FROM stamped GROUP BY ALL HAVING count(*) >= $min_reactions),
            dense1 AS (SELECT post_id, b1 FROM stamped GROUP BY ALL HAVING count(*) >= $min_reactions)
            SELECT target, post_id, actor, t FROM stamped SEMI JOIN dense0 USING (post_id, b0)
            UNION
            SELECT target, post_id, actor, t FROM stamped SEMI JOIN dense1 USING (post_id, b1)
            """,
            {"min_reactions": params.burst_min_reactions, "span": params.burst_minutes * 60},
        )
        # Other activity = posts written plus reactions given outside dense buckets.
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _sc_bought AS
            WITH inside AS (SELECT actor, count(*) AS n FROM _sc_bursts GROUP BY actor),
            quiet AS (
                SELECT i.actor FROM inside i JOIN _sc_activity a ON a.aidx = i.actor WHERE a.other - i.n <= $max_other
            )
            SELECT b.target, b.post_id, count(*) AS burst_reactions,
                   count(q.actor) AS from_quiet, (max(b.t) - min(b.t)) / 60 AS minutes, min(b.t) AS started
            FROM _sc_bursts b LEFT JOIN quiet q USING (actor)
            GROUP BY ALL
            HAVING count(q.actor) >= $min_reactions AND count(q.actor) >= $min_share * count(*)
            """,
            {
                "max_other": params.burst_max_other_activity,
                "min_reactions": params.burst_min_reactions,
                "min_share": params.burst_min_share,
            },
        )
        buyers = con.sql(
            """
            SELECT target AS aidx, count(*) AS bursts, sum(burst_reactions)::BIGINT AS burst_reactions,
                   sum(from_quiet)::BIGINT AS from_near_silent_accounts,
                   -- The largest burst; of equal ones the latest post, so the same data always gives the same words.
                   arg_max(post_id, (burst_reactions, post_id)) AS largest_burst_post_id,
                   max(burst_reactions) AS largest_burst_reactions,
                   round(arg_max(minutes, (burst_reactions, post_id)), 1) AS largest_burst_minutes,
                   strftime(
                       $start::TIMESTAMP + to_seconds(arg_max(started, (burst_reactions, post_id))), '%Y-%m-%d %H:%M'
                   ) AS largest_burst_started
            FROM _sc_bought GROUP BY target ORDER BY target
            """,
            params={"start": f.window.start},
        ).pl()
        delivered = con.sql(
            """
            SELECT b.actor AS aidx, count(*) AS reactions_in_bought_bursts, count(DISTINCT b.post_id) AS bursts,
                   any_value(a.other) - count(*) AS other_activity
            FROM _sc_bursts b SEMI JOIN _sc_bought p USING (post_id)
            JOIN _sc_activity a ON a.aidx = b.actor
            GROUP BY b.actor
            HAVING any_value(a.other) - count(*) <= $max_other
            ORDER BY b.actor
            """,
            params={"max_other": params.burst_max_other_activity},
        ).pl()
    finally:
        con.unregister("_sc_hot")
        con.unregister("_sc_activity")
        con.execute("DROP TABLE IF EXISTS _sc_bursts")
        con.execute("DROP TABLE IF EXISTS _sc_bought")
    return pl.concat(
        [
            _flag(buyers["aidx"], "bought_burst", buyers.drop("aidx")),
            _flag(delivered["aidx"], "burst_reactor", delivered.drop("aidx")),
        ]
    )


def detect(con: duckdb.DuckDBPyConnection, f: Features, params: ScoreParams) -> Authenticity:
    """Run every detector over the window's features and rate the accounts."""
    flags = pl.concat(
        [
            _follow_farms(con, f, params),
            _react_all(f, params),
            _pods(f, params),
            _bought_bursts(con, f, params),
            automation.flags(con, f.accounts, f.window.start, f.window.as_of, f.window.coverage_days),
        ]
    ).sort("aidx", "flag")
    kept = np.ones(f.accounts.height)
    np.multiply.at(kept, flags["aidx"].to_numpy(), 1.0 - flags["severity"].to_numpy())
    rating = np.round(100 * kept).astype(np.int16)
    return Authenticity(flags=flags, rating=rating, factor=rating_factor(rating, params))


def rating_factor(rating: np.ndarray, params: ScoreParams) -> np.ndarray:
    """What an account's reactions and its own score keep of their value at this rating (0..100)."""
    return (rating / 100.0) ** params.inauthentic_power
