"""The small demo world made ready for campaign tests: scored, topics from the planted interests (standing in
for the topic step, so these tests do not depend on the classifier), Discover built, demo campaigns loaded."""

import shutil
from pathlib import Path

from core.campaigns.demo import import_demo_campaigns
from core.db import warehouse
from core.discover import build_discovery
from core.scoring.refresh import refresh


def ready_copy(small_demo_file: str, target: Path) -> str:
    """A copy of the small demo warehouse with scores, Discover tables and the demo campaigns in workspace 1."""
    shutil.copy(small_demo_file, target)
    con = warehouse.connect(target)
    try:
        refresh(con)
        # The small demo already carries the classifier's topics: replace them, not add to them.
        con.execute("DELETE FROM topic_evidence")
        con.execute("DELETE FROM topic_influence")
        con.execute(
            """
            INSERT INTO topic_influence (run_id, person_id, topic, influence, raw, posts, reactions, distinct_reactors,
                                         share)
            SELECT s.run_id, t.person_id, u.topic, greatest(1, s.score - 3 * (u.i - 1))::SMALLINT, 1, 3, 10, 5, 0.5
            FROM truth_people t, unnest(t.topics) WITH ORDINALITY AS u(topic, i)
            JOIN scores s ON s.person_id = t.person_id AND s.network = 'all'
            """
        )
        build_discovery(con)
        import_demo_campaigns(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return str(target)
