"""The samples a collector keeps of the events it skips hold their shape, never who or what: a malformed event can
name a person who is later erased, and the collector rewrites its state file from memory, so the sample itself
must never hold their DID, handle or text (the product rule: an erased person stays erased, in the file's bytes)."""

import json

from core.collect import bluesky
from core.collect.events import Tally, sample
from core.collect.status import CollectorState, forget_raw_samples, read_state, state_path, write_state

DID = "did:plc:erasedpersonq2vuowo2bxyz"
HANDLE = "erased-person.bsky.social"
TEXT = "Meet me at Lindenstrasse 12, Tuesday"
AT = 1764921700000000


def _frame(kind: str, body: dict, *, kind_value: str | None = None) -> str:
    return json.dumps({"did": DID, "time_us": AT, "kind": kind_value or kind, kind: body})


def _post(record: dict) -> str:
    record = {"$type": bluesky.POST, "createdAt": "2025-12-05T08:00:00.000Z", "text": TEXT, **record}
    commit = {"rev": "3m7kq2vuowo2b", "operation": "create", "collection": bluesky.POST, "rkey": "3m7kq2vuowo2b",
              "cid": "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi", "record": record}  # fmt: skip
    return _frame("commit", commit)


# Malformed and unknown events, each naming the person (DID, handle, text) where a person, not the protocol, chose it.
SKIPPED = [
    _post({"facets": [{"features": [{"$type": "app.bsky.richtext.facet#mention", "did": HANDLE}]}]}),
    _frame("identity", {"did": DID, "handle": [HANDLE], "seq": 1409752997}),
    _frame("sync", {"did": DID, "handle": HANDLE}, kind_value=HANDLE),
    _frame("commit", {"operation": "create", "collection": f"app.bsky.{HANDLE}", "rkey": "self", "record": {}}),
    f'{{"did": "{DID}", "kind": "commit", "commit": {{"record": {{"text": "{TEXT}"',  # cut off: not JSON
]


def _skipped() -> Tally:
    tally = Tally()
    assert [bluesky.parse(frame, tally) for frame in SKIPPED] == [None] * len(SKIPPED)
    return tally


def _names_them(text: str) -> bool:
    return any(value in text for value in (DID, HANDLE, TEXT, "erased", "Lindenstrasse"))


def test_samples_and_reasons_keep_no_did_handle_or_text():
    tally = _skipped()
    assert tally.total == len(SKIPPED) and len(tally.samples) == len(SKIPPED)
    assert not any(_names_them(reason) for reason in tally.counts)  # "unknown kind <their handle>" would
    assert not any(_names_them(s) for s in tally.samples)


def test_a_sample_keeps_the_field_names_their_types_and_the_protocol_values():
    post, identity, kind, collection, cut = _skipped().samples
    mention = '"facets": [{"features": [{"$type": "app.bsky.richtext.facet#mention", "did": "<str 25>"}]}]'
    for field in ('"did": "<did 32>"', '"time_us": 1764921700000000', '"kind": "commit"', '"operation": "create"',
                  f'"collection": "{bluesky.POST}"', f'"$type": "{bluesky.POST}"', '"createdAt": "<datetime 24>"',
                  f'"text": "<str {len(TEXT)}>"', mention):  # fmt: skip
        assert field in post, (field, post)
    assert '"handle": ["<str 25>"]' in identity and '"seq": "<int 10>"' in identity  # a number, not the relay's id
    assert kind.startswith("unknown kind: ") and '"kind": "<str 25>"' in kind
    assert '"collection": "<str 34>"' in collection  # a collection a person named is not a protocol value
    assert cut.startswith("malformed (not JSON): ") and f"({len(SKIPPED[-1])} characters" in cut


def test_the_state_file_holds_no_did_handle_or_text(tmp_path):
    tally = _skipped()
    write_state(tmp_path, CollectorState("bluesky", skipped=dict(tally.counts), samples=list(tally.samples)))
    saved = state_path(tmp_path, "bluesky").read_bytes()
    assert not _names_them(saved.decode("utf-8"))
    assert read_state(tmp_path, "bluesky").samples == tally.samples


def test_a_sample_of_anything_is_bounded_and_never_fails():
    deep: list = []
    for _ in range(10_000):
        deep = [deep]
    assert len(sample(deep)) <= 600 and len(sample({"k": list(range(100_000))})) <= 600
    assert sample(b"\xff\xfe" + DID.encode()) == f"({2 + len(DID)} bytes)"
    assert sample({"did:plc:x": 1, "with space": True}) == '{"<key 1: 9 chars>": "<int 1>", "<key 2: 10 chars>": true}'


def test_a_state_file_of_an_older_version_shows_no_samples_and_an_erasure_rewrites_it(tmp_path):
    old = {"network": "bluesky", "events": 7, "samples": [f'malformed (TypeError): {{"did": "{DID}"}}']}  # raw
    state_path(tmp_path, "bluesky").write_text(json.dumps(old), encoding="utf-8")
    assert read_state(tmp_path, "bluesky").samples == []

    forget_raw_samples(tmp_path, ("bluesky", "mastodon"))  # what an erasure does (its collector may never run again)
    assert DID not in state_path(tmp_path, "bluesky").read_text(encoding="utf-8")
    assert read_state(tmp_path, "bluesky").events == 7
