"""A campaign member's tracked mention collected from a live network marks them posted in the same load."""

import json
from datetime import datetime, time
from pathlib import Path

from core.campaigns import records
from core.collect import bluesky, lake
from core.collect.events import Tally, to_batch
from core.db import warehouse
from core.ops.collect import ingest_collected
from core.workspace.access import LOCAL
from tests.unit.campaign_world import ready_copy

MEMBER_DID = "did:plc:member45cjiw7w4nobfgnu35f"


def test_a_collected_tracked_mention_marks_the_member_posted(small_demo_file, tmp_path):
    db = Path(ready_copy(small_demo_file, tmp_path / "sway.duckdb"))
    con = warehouse.connect(db)
    try:
        campaign_id, person_id = warehouse.rows(
            con,
            "SELECT m.campaign_id, m.person_id FROM campaign_members m JOIN campaigns c USING (campaign_id) "
            "WHERE m.status::VARCHAR <> 'posted' AND c.archived_at IS NULL ORDER BY ALL LIMIT 1",
        )[0]
        # The perk went out (as the Campaigns page records it); the member has not posted yet.
        con.execute(
            "UPDATE campaign_members SET status = 'perk_shipped' WHERE campaign_id = ? AND person_id = ?",
            [campaign_id, person_id],
        )
        campaign = records.get_campaign(con, LOCAL, campaign_id)
        # The member's Bluesky account, as a collector's profile look-up would have stored it.
        con.execute(
            "INSERT INTO accounts (account_id, person_id, network, external_id, handle) "
            "SELECT max(account_id) + 1, ?, 'bluesky', ?, 'member.bsky.social' FROM accounts",
            [person_id, MEMBER_DID],
        )
        posted = datetime.combine(campaign.spec.starts_on, time(12))
        frame = {
            "did": MEMBER_DID,
            "time_us": int(posted.timestamp() * 1e6),
            "kind": "commit",
            "commit": {
                "rev": "3m7kq2vutsw2b",
                "operation": "create",
                "collection": "app.bsky.feed.post",
                "rkey": "3m7kq2vuowo2c",
                "record": {
                    "$type": "app.bsky.feed.post",
                    "createdAt": posted.isoformat() + "Z",
                    "text": f"Loving it: {campaign.spec.terms[0].label()}",
                },
            },
        }
        lake.write_segment(lake.lake_dir(db), "bluesky", to_batch([bluesky.parse(json.dumps(frame), Tally())]))
        lines = ingest_collected(con, LOCAL, db=db, network="bluesky")
        after, url = warehouse.rows(
            con,
            "SELECT status::VARCHAR, post_url FROM campaign_members WHERE campaign_id = ? AND person_id = ?",
            [campaign_id, person_id],
        )[0]
    finally:
        con.close()
    assert after == "posted"
    assert url and "3m7kq2vuowo2c" in url
    assert any("marked posted" in line for line in lines)
