"""Bluesky's Jetstream events (the v1 JSON wire of /subscribe) as lake rows.

Follows the app.bsky lexicons: a post's text, langs, reply.parent, embed (a quoted record, or an external link),
facets (#mention with a DID, #link with a URI, #tag) and tags; a like's or repost's subject (a strong ref whose
at:// URI names the author's DID); a follow's subject DID; a profile's displayName and description. Identity
events carry the new handle, account events the active flag and status. Every value read is checked for the type
the lexicon gives it: an event with one of the wrong type is malformed. Anything else is counted, never fatal.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

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
# What an identity event (and the AppView) names an account whose handle no longer verifies: not a handle.
INVALID_HANDLE = "handle.invalid"
# A createdAt this far past the stream time is a client's clock, not a moment: the stream time is used instead
# (one post dated 9999 would otherwise move every window that ends at the newest activity).
MAX_CLOCK_AHEAD = timedelta(minutes=5)
_END_US = 253_402_300_800_000_000  # 10000-01-01 in microseconds: no stream time (nor datetime) reaches it
# What a skipped event's sample shows as it is (core/collect/events.py: everything else is a placeholder). The relay
# writes the event's kind, a commit's operation and an account's status: lexicon tokens, shown when token-shaped.
# A collection or $type is an NSID that whoever writes the record chooses: shown only under the protocol's own
# authorities (app.bsky.feed.post, com.atproto.repo.strongRef), so no one's name in a made-up one is kept.
_RELAY_TOKENS = (("kind",), ("commit", "operation"), ("account", "status"))
_TOKEN = re.compile(r"[a-z][a-zA-Z]{0,31}")
_PROTOCOL_NSID = re.compile(
    r"(app\.bsky|chat\.bsky|com\.atproto|tools\.ozone)(\.[a-z][a-zA-Z0-9]{0,62})+(#[a-zA-Z][a-zA-Z0-9]{0,62})?"
)


class Malformed(ValueError):
    """An event that does not have the shape Jetstream and the lexicons give it."""


def at_uri(did: str, collection: str, rkey: str) -> str:
    """The record's key in Sway: at://did/collection/rkey."""
    return f"at://{did}/{collection}/{rkey}"


def _string(value: object, what: str) -> str:
    """`value` when it is a string; else the event is malformed."""
    if not isinstance(value, str):
        raise Malformed(f"{what} is not a string")
    return value


def _optional_string(value: object, what: str) -> str | None:
    """`value` when it is a string or absent (None); else the event is malformed."""
    return None if value is None else _string(value, what)


def _strings(value: object, what: str) -> list[str]:
    """`value` when it is a list of strings (absent: empty); else the event is malformed."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Malformed(f"{what} is not a list of strings")
    return list(value)


def _did(value: object, what: str) -> str:
    """`value` when it is a DID; else the event is malformed."""
    did = _string(value, what)
    if not did.startswith("did:"):
        raise Malformed(f"{what} is not a DID")
    return did


def uri_did(value: object) -> str:
    """The repository (author) DID of an at:// URI.

    Accounts are keyed by DID: a URI naming its repository by handle (the syntax allows it, strong references do
    not use it) or by nothing would make an account out of a handle or an empty string, so it is malformed.
    """
    uri = _string(value, "an at:// URI")
    if not uri.startswith("at://"):
        raise Malformed("not an at:// URI")  # the value is not named: it may be someone's
    authority = uri[5:].split("/", 1)[0]
    if not authority.startswith("did:") or len(authority) <= len("did:"):
        raise Malformed("an at:// URI whose repository is not a DID")
    return authority


def uri_collection(uri: str) -> str:
    """The collection of an at:// URI ('' when it has none)."""
    parts = uri[5:].split("/")
    return parts[1] if len(parts) > 2 else ""


def web_url(did: str, rkey: str) -> str:
    """Where a person opens the post in the Bluesky app."""
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def record_time(value: object) -> datetime | None:
    """An ISO 8601 time as naive UTC; None when absent, unreadable or outside the years a datetime holds."""
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return (stamp.astimezone(UTC) if stamp.tzinfo else stamp.replace(tzinfo=UTC)).replace(tzinfo=None)
    except (ValueError, OverflowError):  # e.g. 0001-01-01T00:00:00+01:00 is in year 0 in UTC
        return None


def parse_time(value: object, stream_us: int) -> datetime:
    """A record's createdAt as naive UTC; the stream time when absent, unreadable or impossibly far ahead of it
    (clients set createdAt; the relay's stream time is when the record was seen)."""
    stream = datetime.fromtimestamp(stream_us / 1e6, UTC).replace(tzinfo=None)
    stamp = record_time(value)
    return stream if stamp is None or stamp > stream + MAX_CLOCK_AHEAD else stamp


def parse(raw: str | bytes, tally: Tally) -> Row | None:
    """One Jetstream frame as a lake row, or None (counted in `tally`) when malformed or of no use to Sway."""
    try:
        event = json.loads(raw)
    except ValueError:
        tally.skip("malformed (not JSON)", raw)
        return None
    except RecursionError:
        tally.skip("malformed (nested too deeply)", raw)
        return None
    return parse_event(event, tally)


def parse_event(event: object, tally: Tally) -> Row | None:
    """A decoded Jetstream event as a lake row, or None (counted in `tally`, with a sample of its shape)."""
    try:
        if not isinstance(event, dict):
            raise Malformed("not a JSON object")
        return _event(event, tally)
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, RecursionError) as exc:
        tally.skip(f"malformed ({type(exc).__name__})", event, shown_in_samples)
        return None


def shown_in_samples(path: tuple[str, ...], value: str | int | float) -> bool:
    """Whether a skipped event's sample may show `value` (at `path`) as it is: the stream cursor, and protocol
    values no person chose (see _RELAY_TOKENS); never a DID, handle, text or other number."""
    if isinstance(value, str) and path in _RELAY_TOKENS:
        return _TOKEN.fullmatch(value) is not None
    if isinstance(value, str) and (path == ("commit", "collection") or path[-1:] == ("$type",)):
        return _PROTOCOL_NSID.fullmatch(value) is not None
    return path == ("time_us",) and type(value) is int


def _event(event: dict, tally: Tally) -> Row | None:
    did, time_us, kind = event["did"], event["time_us"], event["kind"]
    if not isinstance(did, str) or not did.startswith("did:"):
        raise Malformed("no did")
    if type(time_us) is not int or not 0 < time_us < _END_US:  # True is an int to Python, not to the lake
        raise Malformed("no time_us")
    if kind == "identity":
        row = empty_row(NETWORK, time_us, did, "identity")
        handle = _optional_string(event["identity"].get("handle"), "handle")
        row["handle"] = None if handle == INVALID_HANDLE else handle  # None keeps the handle stored
        return row
    if kind == "account":
        account = event["account"]
        active = account["active"]
        if not isinstance(active, bool):
            raise Malformed("account active is not true or false")
        row = empty_row(NETWORK, time_us, did, "account")
        row["active"] = active
        row["status"] = _optional_string(account.get("status"), "account status") or (
            "active" if active else "deactivated"
        )
        return row
    if kind != "commit":
        tally.skip("unknown kind", event, shown_in_samples)  # the sample shows which, when it is a token
        return None
    commit = event["commit"]
    collection, operation = commit["collection"], commit["operation"]
    rkey = _string(commit["rkey"], "rkey")
    if collection not in _KIND:
        tally.skip("unknown collection", event, shown_in_samples)
        return None
    uri = at_uri(did, collection, rkey)
    if operation == "delete":
        if collection not in _DELETABLE:
            tally.skip("profile deleted", event, shown_in_samples)
            return None
        row = empty_row(NETWORK, time_us, did, "delete")
        row["uri"] = uri
        return row
    if operation not in ("create", "update"):
        raise Malformed("unknown operation")
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
        row["subject"] = row["subject_did"] = _did(record["subject"], "follow subject")
    else:
        # The record is the whole profile: a field it lacks was cleared ("" says so; null would mean "not known").
        row["display_name"] = _optional_string(record.get("displayName"), "displayName") or ""
        row["bio"] = _optional_string(record.get("description"), "description") or ""
        row["created_at"] = None
    return row


def _post(row: Row, record: dict, did: str, rkey: str) -> None:
    """Fill a post's text, languages, reply parent, quote and facets from its app.bsky.feed.post record."""
    row["text"] = _string(record["text"], "post text")
    row["langs"] = _strings(record.get("langs"), "langs")
    reply = record.get("reply")
    if reply is not None:
        if not isinstance(reply, dict):
            raise Malformed("reply is not an object")
        row["parent_uri"] = _string(reply["parent"]["uri"], "reply parent")
        row["subject_did"] = uri_did(row["parent_uri"])  # a reply reacts to the parent's author
    row["quote_uri"], link = _embed(record.get("embed"))
    mentions, tags, links = [], _strings(record.get("tags"), "tags"), []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            kind = feature.get("$type")
            if kind == "app.bsky.richtext.facet#mention":
                mentions.append(_did(feature["did"], "mention"))
            elif kind == "app.bsky.richtext.facet#link":
                links.append(_string(feature["uri"], "link"))
            elif kind == "app.bsky.richtext.facet#tag":
                tags.append(_string(feature["tag"], "tag"))
    if link is not None:  # links written in the text come first: they are what the author chose to say
        links.append(link)
    row["mentions"], row["tags"], row["links"] = mentions, tags, links
    row["web_url"] = web_url(did, rkey)


def _embed(embed: object) -> tuple[str | None, str | None]:
    """(quoted post URI, external link) of a post's embed, either possibly None."""
    if embed is None:
        return None, None
    if not isinstance(embed, dict):
        raise Malformed("embed is not an object")
    kind, link = embed.get("$type"), None
    if kind == "app.bsky.embed.record":
        quoted = _string(embed["record"]["uri"], "quoted post")
    elif kind == "app.bsky.embed.recordWithMedia":
        quoted = _string(embed["record"]["record"]["uri"], "quoted post")
        media = embed.get("media")  # images, a video, or a link card beside the quote
        if isinstance(media, dict) and media.get("$type") == "app.bsky.embed.external":
            link = _string(media["external"]["uri"], "external link")
    elif kind == "app.bsky.embed.external":
        return None, _string(embed["external"]["uri"], "external link")
    else:
        return None, None
    # Only a quoted post is a mention of its author; an embedded list or feed generator is not.
    return (quoted if uri_collection(quoted) == POST else None), link
