"""Bluesky's Jetstream events (the v1 JSON wire of /subscribe) as lake rows.

Follows the app.bsky lexicons: a post's text, langs, reply.parent, embed (a quoted record, or an external link),
facets (#mention with a DID, #link with a URI, #tag) and tags; a like's or repost's subject (a strong ref whose
at:// URI names the author's DID); a follow's subject DID; a profile's displayName and description. Identity
events carry the new handle, account events the active flag and status. Anything else is counted, never fatal.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from core.collect.events import Row, Tally, empty_row

NETWORK = "bluesky"
POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
PROFILE = "app.bsky.actor.profile"
# The collections a collector asks Jetstream for by default: everything the warehouse maps.
COLLECTIONS = (POST, LIKE, REPOST, FOLLOW, PROFILE)
_KIND = {POST: "post", LIKE: "like", REPOST: "repost", FOLLOW: "follow", PROFILE: "profile"}
_DELETABLE = (POST, LIKE, REPOST, FOLLOW)


class Malformed(ValueError):
    """An event that does not have the shape Jetstream and the lexicons give it."""


def at_uri(did: str, collection: str, rkey: str) -> str:
    """The record's key in Sway: at://did/collection/rkey."""
    return f"at://{did}/{collection}/{rkey}"


def uri_did(uri: str) -> str:
    """The repository (author) DID of an at:// URI."""
    if not uri.startswith("at://"):
        raise Malformed(f"not an at:// URI: {uri[:80]!r}")
    return uri[5:].split("/", 1)[0]


def uri_collection(uri: str) -> str:
    """The collection of an at:// URI ('' when it has none)."""
    parts = uri[5:].split("/")
    return parts[1] if len(parts) > 2 else ""


def web_url(did: str, rkey: str) -> str:
    """Where a person opens the post in the Bluesky app."""
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def parse_time(text: object, fallback_us: int) -> datetime:
    """A record's createdAt as naive UTC; the stream time when absent or unreadable (clients set createdAt)."""
    if isinstance(text, str):
        try:
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
        if stamp is not None:
            return (stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)).replace(tzinfo=None)
    return datetime.fromtimestamp(fallback_us / 1e6, UTC).replace(tzinfo=None)


def parse(raw: str | bytes, tally: Tally) -> Row | None:
    """One Jetstream frame as a lake row, or None (counted in `tally`) when malformed or of no use to Sway."""
    try:
        event = json.loads(raw)
    except ValueError:
        tally.skip("malformed (not JSON)", raw)
        return None
    return parse_event(event, tally, raw)


def parse_event(event: object, tally: Tally, raw: str | bytes | None = None) -> Row | None:
    """A decoded Jetstream event as a lake row, or None (counted in `tally`); `raw` is what samples show."""
    try:
        if not isinstance(event, dict):
            raise Malformed("not a JSON object")
        return _event(event, tally, raw if raw is not None else json.dumps(event, default=str))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        tally.skip(f"malformed ({type(exc).__name__})", raw if raw is not None else json.dumps(event, default=str))
        return None


def _event(event: dict, tally: Tally, raw: str | bytes) -> Row | None:
    did, time_us, kind = event["did"], event["time_us"], event["kind"]
    if not isinstance(did, str) or not did.startswith("did:") or not isinstance(time_us, int):
        raise Malformed("no did or time_us")
    if kind == "identity":
        row = empty_row(NETWORK, time_us, did, "identity")
        row["handle"] = event["identity"].get("handle")
        return row
    if kind == "account":
        account = event["account"]
        row = empty_row(NETWORK, time_us, did, "account")
        row["active"] = bool(account["active"])
        row["status"] = account.get("status") or ("active" if account["active"] else "deactivated")
        return row
    if kind != "commit":
        tally.skip(f"unknown kind {str(kind)[:40]}", raw)
        return None
    commit = event["commit"]
    collection, operation, rkey = commit["collection"], commit["operation"], commit["rkey"]
    if collection not in _KIND:
        tally.skip("unknown collection", raw)
        return None
    uri = at_uri(did, collection, rkey)
    if operation == "delete":
        if collection not in _DELETABLE:
            tally.skip("profile deleted", raw)
            return None
        row = empty_row(NETWORK, time_us, did, "delete")
        row["uri"] = uri
        return row
    if operation not in ("create", "update"):
        raise Malformed(f"unknown operation {operation!r}")
    record = commit["record"]
    if not isinstance(record, dict):
        raise Malformed("commit without a record")
    row = empty_row(NETWORK, time_us, did, _KIND[collection])
    row["uri"] = uri
    row["created_at"] = parse_time(record.get("createdAt"), time_us)
    if collection == POST:
        _post(row, record, did, rkey)
    elif collection in (LIKE, REPOST):
        subject = record["subject"]["uri"]
        row["subject"], row["subject_did"] = subject, uri_did(subject)
    elif collection == FOLLOW:
        subject = record["subject"]
        if not isinstance(subject, str) or not subject.startswith("did:"):
            raise Malformed("follow subject is not a DID")
        row["subject"] = row["subject_did"] = subject
    else:
        row["display_name"] = record.get("displayName")
        row["bio"] = record.get("description")
        row["created_at"] = None
    return row


def _post(row: Row, record: dict, did: str, rkey: str) -> None:
    """Fill a post's text, languages, reply parent, quote and facets from its app.bsky.feed.post record."""
    text = record["text"]
    if not isinstance(text, str):
        raise Malformed("post text is not a string")
    row["text"] = text
    langs = record.get("langs") or []
    row["langs"] = [str(lang) for lang in langs]
    reply = record.get("reply")
    if isinstance(reply, dict):
        row["parent_uri"] = reply["parent"]["uri"]
        row["subject_did"] = uri_did(row["parent_uri"])  # a reply reacts to the parent's author
    row["quote_uri"], link = _embed(record.get("embed"))
    mentions, tags, links = [], [str(t) for t in record.get("tags") or []], []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            kind = feature.get("$type")
            if kind == "app.bsky.richtext.facet#mention":
                mentions.append(feature["did"])
            elif kind == "app.bsky.richtext.facet#link":
                links.append(feature["uri"])
            elif kind == "app.bsky.richtext.facet#tag":
                tags.append(feature["tag"])
    if link is not None:  # links written in the text come first: they are what the author chose to say
        links.append(link)
    row["mentions"], row["tags"], row["links"] = mentions, tags, links
    row["web_url"] = web_url(did, rkey)


def _embed(embed: object) -> tuple[str | None, str | None]:
    """(quoted post URI, external link) of a post's embed, either possibly None."""
    if not isinstance(embed, dict):
        return None, None
    kind = embed.get("$type")
    if kind == "app.bsky.embed.record":
        quoted = embed["record"]["uri"]
    elif kind == "app.bsky.embed.recordWithMedia":
        quoted = embed["record"]["record"]["uri"]
    elif kind == "app.bsky.embed.external":
        return None, embed["external"]["uri"]
    else:
        return None, None
    # Only a quoted post is a mention of its author; an embedded list or feed generator is not.
    return (quoted if uri_collection(quoted) == POST else None), None
