"""Names of the discovery table's per-network and per-topic-slot columns; SQL is only formatted with these."""

from __future__ import annotations

from core.vocabulary import NETWORKS

# Score column per scope: 'all' is the combined score.
SCORE_COLUMNS: dict[str, str] = {"all": "score"} | {n: f"score_{n}" for n in NETWORKS}

TOPIC_SLOTS = 32  # topic_0 .. topic_31 in migration 005; bits of the UINTEGER topic_mask


def network_mask(networks: tuple[str, ...]) -> int:
    """The `networks` bits of these networks (unknown names contribute nothing)."""
    return sum(1 << i for i, name in enumerate(NETWORKS) if name in networks)


def topic_column(slot: int) -> str:
    """The discovery column holding influence in the topic of a slot."""
    if not 0 <= slot < TOPIC_SLOTS:
        raise ValueError(f"Topic slot {slot} is outside 0..{TOPIC_SLOTS - 1}.")
    return f"topic_{slot}"


# Plain names of the networks, as the screens and exports show them.
NETWORK_LABELS: dict[str, str] = {
    "twitter": "Twitter",
    "instagram": "Instagram",
    "youtube": "YouTube",
    "tiktok": "TikTok",
    "blog": "Blog",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
}
