"""Blanking the @mentions of erased people's handles in what others wrote: their posts, bios and copies of posts.

Someone else's post ("thanks @alice") or bio keeps an erased person's handle as text. Erasure keeps no handle in
the clear, only keyed hashes of (network, handle) (core/privacy.py), so a text is checked by listing the handles
its @mentions may name and hashing those: the same rule at erasure, at a restore and on every later import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

ERASED = "@[erased]"
# A mention: @ at the start or after a character that cannot be in a word (an e-mail address is not one), then a
# handle's characters, the first group. Dots, hyphens and a second @ belong to Bluesky (alice.bsky.social) and
# Mastodon (alice@mastodon.social) handles. Without a look-behind, so DuckDB's RE2 reads it the same way
# (core/privacy.py lists the mentions of stored texts in SQL with this very pattern).
MENTION = r"(?:^|[^A-Za-z0-9_])@([A-Za-z0-9_][A-Za-z0-9_.@-]*)"
TRAILING = ".-@"  # a sentence's full stop or dash after a handle is not part of it
_MENTION = re.compile(MENTION)


def _handle(token: str) -> str:
    return token.rstrip(TRAILING).lower()


def mentioned(text: str | None) -> set[str]:
    """The handles (lower case) that the @mentions in `text` name."""
    if not text or "@" not in text:
        return set()
    return {h for token in _MENTION.findall(text) if (h := _handle(token))}


def redact(text: str, handles: Iterable[str]) -> str:
    """`text` with every @mention of one of `handles` (lower case) replaced by "@[erased]"."""
    wanted = set(handles)

    def swap(match: re.Match[str]) -> str:
        token = match.group(1)
        handle = _handle(token)
        if handle not in wanted:
            return match.group(0)
        before = match.group(0)[: match.start(1) - match.start(0) - 1]  # the character before the @, if any
        return before + ERASED + token[len(handle) :]

    return _MENTION.sub(swap, text)


def redact_all(texts: pl.Series, handles: Iterable[str]) -> pl.Series:
    """`texts` with the @mentions of `handles` (lower case) blanked."""
    wanted = frozenset(handles)
    if not wanted:
        return texts
    out = [redact(text, wanted) if text and "@" in text else text for text in texts.to_list()]
    return pl.Series(texts.name, out, dtype=pl.String)


def mentions_frame(ids: Iterable[object], networks: Iterable[str], texts: Iterable[str | None]) -> pl.DataFrame:
    """(id, network, handle): one row per handle a text mentions, for a hash look-up of them all at once."""
    found = [
        (row_id, network, handle)
        for row_id, network, text in zip(ids, networks, texts, strict=True)
        for handle in mentioned(text)
    ]
    return pl.DataFrame(found, schema={"id": pl.Int64, "network": pl.String, "handle": pl.String}, orient="row")


def redacted(texts: pl.Series, networks: pl.Series, erased: pl.DataFrame) -> pl.Series:
    """`texts` with the mentions of `erased` (network, handle) blanked; texts without one come back unchanged."""
    by_network: dict[str, set[str]] = {}
    for network, handle in erased.select("network", "handle").iter_rows():
        by_network.setdefault(network, set()).add(handle)
    if not by_network:
        return texts
    out = [
        redact(text, by_network[network]) if text and network in by_network else text
        for text, network in zip(texts.to_list(), networks.to_list(), strict=True)
    ]
    return pl.Series(texts.name, out, dtype=pl.String)
