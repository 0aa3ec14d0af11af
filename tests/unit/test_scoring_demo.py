"""The whole refresh on the small demo world: every table consistent with the others."""

import json

from scipy.stats import spearmanr

from core.db import warehouse
from core.db.warehouse import rows, scalar
from core.scoring.refresh import backfill_history, refresh


def test_refresh_on_the_demo_world_stores_consistent_scores_explanations_and_flags(raw_demo_copy):
    con = warehouse.connect(raw_demo_copy)
    try:
        report = refresh(con)
        people = scalar(con, "SELECT count(*) FROM people")
        assert report.people == people
        assert scalar(con, "SELECT count(*) FROM scores WHERE network = 'all'") == people
        assert rows(con, "SELECT min(score) >= 1, max(score) <= 100 FROM scores") == [(True, True)]
        # Every account has a network row and a rating.
        assert scalar(con, "SELECT count(*) FROM accounts") == scalar(con, "SELECT count(*) FROM authenticity")
        missing = scalar(
            con,
            "SELECT count(*) FROM accounts a ANTI JOIN scores s "
            "ON s.person_id = a.person_id AND s.network = a.network::VARCHAR",
        )
        assert missing == 0
        # The explanation rows add up to each score (less the floor), up to the rounding of the score.
        off = scalar(
            con,
            """
            SELECT max(abs(1 + coalesce(e.points, 0) - s.score))
            FROM scores s LEFT JOIN (
                SELECT person_id, network, sum(points) AS points FROM score_explanations GROUP BY ALL
            ) e USING (person_id, network)
            """,
        )
        assert off <= 0.5 + 1e-9
        # No planted gaming account's person is in the top 1% by score.
        top = rows(
            con,
            """
            SELECT count(*) FROM (
                SELECT person_id FROM scores WHERE network = 'all' ORDER BY raw DESC, person_id
                LIMIT (SELECT count(*) // 100 FROM people)
            ) t
            SEMI JOIN (SELECT a.person_id FROM truth_gaming g JOIN accounts a USING (account_id)) x USING (person_id)
            """,
        )
        assert top == [(0,)]
        for flag, evidence in rows(con, "SELECT flag, evidence FROM authenticity_flags"):
            assert json.loads(evidence), flag
        days = backfill_history(con, days=90, step_days=7)
        assert days.days and scalar(con, "SELECT count(DISTINCT day) FROM score_history") == len(days.days) + 1
    finally:
        con.close()


def test_the_score_ranks_planted_influence_far_better_than_followers_or_raw_reaction_counts(raw_demo_copy):
    con = warehouse.connect(raw_demo_copy)
    try:
        refresh(con)
        people = con.sql(
            """
            SELECT t.latent_influence AS truth, s.raw, s.score, f.followers, coalesce(r.reactions, 0) AS reactions
            FROM truth_people t JOIN scores s USING (person_id)
            JOIN (SELECT person_id, sum(followers) AS followers FROM accounts GROUP BY 1) f USING (person_id)
            LEFT JOIN (SELECT a.person_id, count(*) AS reactions FROM interactions i
                       JOIN accounts a ON a.account_id = i.target_account_id GROUP BY 1) r USING (person_id)
            WHERE s.network = 'all'
            """
        ).pl()
    finally:
        con.close()
    rho = {c: spearmanr(people[c], people["truth"])[0] for c in ("raw", "score", "followers", "reactions")}
    assert rho["raw"] > 0.85 and rho["score"] > 0.85  # 0.90+ on the 20,000-person world (bench.score_validity)
    assert rho["raw"] > rho["reactions"] + 0.03
    assert rho["raw"] > rho["followers"] + 0.15  # 0.19 on this world, 0.20 on the 20,000-person one
