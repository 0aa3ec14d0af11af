"""Finding the handles a text's @mentions name, and blanking the erased ones, on hand-made texts."""

import duckdb
import polars as pl

from core.mention_redaction import MENTION, TRAILING, mentioned, mentions_frame, redact, redacted


def test_mentions_are_found_in_every_network_s_form_and_not_in_e_mail_addresses():
    text = "Thanks @Alice! cc @bob.bsky.social, @carol@mastodon.social and @dave. Mail me at erin@example.com"
    assert mentioned(text) == {"alice", "bob.bsky.social", "carol@mastodon.social", "dave"}
    assert mentioned("no mention here") == set() and mentioned(None) == set() and mentioned("@ alone") == set()


def test_only_the_erased_handles_are_blanked_whatever_their_case_and_trailing_punctuation():
    text = "Loved it @ALICE. Ask @alicebob or @alice_ — and @alice.bsky.social, @alice"
    assert redact(text, {"alice"}) == (
        "Loved it @[erased]. Ask @alicebob or @alice_ — and @alice.bsky.social, @[erased]"
    )
    assert redact(text, {"alice.bsky.social"}) == "Loved it @ALICE. Ask @alicebob or @alice_ — and @[erased], @alice"
    assert redact("write to alice@example.com", {"example.com"}) == "write to alice@example.com"


def test_a_frame_is_blanked_per_network():
    texts = pl.Series("text", ["hi @alice", "hi @alice", None, "nothing"])
    networks = pl.Series("network", ["twitter", "bluesky", "twitter", "twitter"])
    erased = pl.DataFrame({"network": ["twitter"], "handle": ["alice"]})
    out = redacted(texts, networks, erased)
    assert out.to_list() == ["hi @[erased]", "hi @alice", None, "nothing"]  # another network's alice is someone else
    assert out.name == "text"
    found = mentions_frame(range(4), networks, texts)
    assert sorted(found.rows()) == [(0, "twitter", "alice"), (1, "bluesky", "alice")]


def test_duckdb_reads_the_mention_pattern_as_python_does():
    texts = [
        "Thanks @Alice! cc @bob.bsky.social, @carol@mastodon.social and @dave.",
        "(@erin) @frank,@gina @@hank x@ivan é@judy @-kim @_lee- @mo.",
        "@start\n@line2 mail: ned@example.com @ alone",
    ]
    con = duckdb.connect()
    sql = (
        "SELECT list_filter(list_transform(regexp_extract_all(?, ?, 1), lambda x: lower(rtrim(x, ?))), "
        "lambda x: x <> '')"
    )
    for text in texts:
        in_sql = con.execute(sql, [text, MENTION, TRAILING]).fetchall()[0][0]
        assert set(in_sql) == mentioned(text), text
    assert mentioned(texts[1]) == {"erin", "frank", "gina", "hank", "judy", "_lee", "mo"}
