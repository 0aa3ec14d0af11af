"""Small hand-made worlds for the scoring tests: people, one account each, posts and reactions."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb
import polars as pl

from core.db import warehouse

START = datetime(2024, 1, 1)


class World:
    """Builder of a tiny warehouse: add people, posts and reactions, then load it in one go."""

    def __init__(self) -> None:
        self.people: list[dict] = []
        self.accounts: list[dict] = []
        self.posts: list[dict] = []
        self.interactions: list[dict] = []

    def person(
        self,
        name: str,
        *,
        followers: int = 100,
        following: int = 100,
        network: str = "twitter",
        created_at: datetime | None = None,
    ) -> int:
        """Add a person with one account; returns the account id (= person id)."""
        pid = len(self.people) + 1
        self.people.append({"person_id": pid, "external_id": name, "name": name})
        self.account(pid, network=network, followers=followers, following=following, created_at=created_at)
        return pid

    def account(
        self,
        person_id: int,
        *,
        network: str,
        followers: int = 100,
        following: int = 100,
        created_at: datetime | None = None,
    ) -> int:
        """Add an account for an existing person; returns its id."""
        aid = person_id if network == "twitter" else 1000 + len(self.accounts)
        self.accounts.append(
            {
                "account_id": aid,
                "person_id": person_id,
                "network": network,
                "external_id": f"{network}:{aid}",
                "handle": f"h{aid}",
                "followers": followers,
                "following": following,
                "created_at": created_at,
            }
        )
        return aid

    def post(
        self,
        account: int,
        *,
        day: float = 1.0,
        kind: str = "post",
        text: str = "hello",
        reported_likes: int | None = None,
    ) -> int:
        """Add a post by an account at START + day; returns its id."""
        post_id = len(self.posts) + 1
        network = next(a["network"] for a in self.accounts if a["account_id"] == account)
        self.posts.append(
            {
                "post_id": post_id,
                "account_id": account,
                "network": network,
                "external_id": str(post_id),
                "posted_at": START + timedelta(days=day),
                "text": text,
                "kind": kind,
                "reported_likes": reported_likes,
            }
        )
        return post_id

    def react(
        self, actor: int, target: int, *, kind: str = "repost", post: int | None = None, day: float = 2.0
    ) -> None:
        """Add one interaction actor -> target (on a new post of the target unless given)."""
        if post is None and kind != "follow":
            post = self.post(target, day=day - 0.01)
        network = next(a["network"] for a in self.accounts if a["account_id"] == target)
        self.interactions.append(
            {
                "actor_account_id": actor,
                "target_account_id": target,
                "post_id": post,
                "type": kind,
                "occurred_at": START + timedelta(days=day),
                "network": network,
            }
        )

    def load(self, con: duckdb.DuckDBPyConnection) -> None:
        """Insert everything into a migrated warehouse connection."""
        frames = {
            "people": pl.DataFrame(self.people),
            "accounts": pl.DataFrame(self.accounts, schema_overrides={"created_at": pl.Datetime("us")}),
            "posts": pl.DataFrame(
                self.posts,
                schema_overrides={
                    "posted_at": pl.Datetime("us"),
                    "reported_likes": pl.Int64,
                },
            ),
            "interactions": pl.DataFrame(self.interactions, schema_overrides={"post_id": pl.Int64}),
        }
        for table, frame in frames.items():
            if frame.height:
                con.register("_frame", frame)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")  # noqa: S608 - fixed table names
                con.unregister("_frame")


def warehouse_with(world: World) -> duckdb.DuckDBPyConnection:
    """A migrated in-memory warehouse holding the world."""
    con = duckdb.connect(":memory:")
    warehouse.migrate(con)
    world.load(con)
    return con
