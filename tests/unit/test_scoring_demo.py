"""The whole refresh on the small demo world: every table consistent with the others."""

import json

from core import warehouse
from core.scoring import backfill_history, refresh
from core.warehouse import rows, scalar


def test_refresh_on_the_demo_world_stores_consistent_scores_explanations_and_flags(demo_copy):
    con = warehouse.connect(demo_copy)
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
