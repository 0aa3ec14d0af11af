"""Erasing a person on request, and keeping them erased when old files are imported again.

Erasure removes the person, their accounts, posts and every interaction, score, explanation, history, topic,
Discover and campaign row that refers to them, and the live collectors' bookkeeping rows that name them by
external id or at:// URI, in one transaction. What is kept: an audit entry with counts only, and keyed hashes of
their account and person keys (suppressed_keys) that the importer checks.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from core.db.ids import issued_now, note_issued
from core.db.warehouse import base_table_columns, get_meta, registered, rows, scalar, set_meta, transaction
from core.durable import replace_durably
from core.mention_redaction import MENTION, TRAILING, mentions_frame, redact, redacted
from core.numbers import count_of
from core.workspace import audit
from core.workspace.access import Access
from core.workspace.authorize import authorize_operator

SECRET_KEY = "suppression_secret"  # noqa: S105 - the name of a warehouse_meta key

# Columns that point at the erased person's rows, whatever table they are in; found in the catalog so
# tables added later (results, lists) are covered without a change here.
_PERSON = ("person_id",)
_ACCOUNT = ("account_id", "actor_account_id", "target_account_id")
_POST = ("post_id",)
_KEEP = {"people", "accounts", "posts"}  # deleted last, by their own keys
# The live collectors' bookkeeping (collect_records, collect_deleted, collect_hidden) keys people by text, not ids:
# an account's external id (on the row's network), and a record's key, which is a post's external id or an at://
# URI naming its author's DID, or a look-up's key made from who reacted to what (core/collect/events.LOOKUP_KEY).
# Erasure matches these against the erased accounts' and posts' external ids.
_ACCOUNT_KEY = ("actor_key", "target_key", "external_id")  # people.external_id is a person key: people is _KEEP
_RECORD_KEY = ("uri", "post_key")
_AT_AUTHORITY = r"^at://([^/]+)/"  # the repository (author) DID of an at:// URI
# Keyed hashes: sha256(secret | key). The secret is bound as the first parameter.
_SUPPRESS_ACCOUNTS = """
    INSERT OR IGNORE INTO suppressed_keys
    SELECT sha256(? || '|account|' || network::VARCHAR || '|' || external_id), ? FROM erase_accounts
"""
_SUPPRESS_PERSON = """
    INSERT OR IGNORE INTO suppressed_keys
    SELECT sha256(? || '|person|' || external_id), ? FROM people WHERE person_id = ?
"""
# Their handles too, current and former (migration 023), lower-cased, so a mention of one in what others wrote can
# be blanked now and in later imports.
_SUPPRESS_HANDLES = """
    INSERT OR IGNORE INTO suppressed_keys
    SELECT sha256(? || '|handle|' || network::VARCHAR || '|' || lower(handle)), ? FROM (
        SELECT network, handle FROM erase_accounts
        UNION SELECT e.network, f.handle FROM erase_accounts e JOIN account_former_handles f USING (account_id)
    )
    WHERE coalesce(handle, '') <> ''
"""
_ERASED_HANDLES = """
    SELECT DISTINCT network, handle FROM sway_suppress_handles
    WHERE sha256(? || '|handle|' || network || '|' || handle) IN (SELECT key_hash FROM suppressed_keys)
"""
# What others wrote in their own words, which can mention an erased person's handle: (table, id, text column).
_FREE_TEXT = (
    ("posts", "post_id", "text"),
    ("accounts", "account_id", "bio"),
    ("accounts", "account_id", "display_name"),
)
# Others' rows whose text @mentions an erased person's handle, and the handles: core/mention_redaction's rule in
# SQL (its pattern and trailing characters are bound), so only those rows come to Python to be rewritten. The
# erased accounts themselves (erase_accounts) are left out: their own words go with them.
_ERASED_MENTIONS = """
    SELECT DISTINCT id, network, handle FROM (
        SELECT id, network, lower(rtrim(unnest(regexp_extract_all(text, $pattern, 1)), $trailing)) AS handle
        FROM (
            SELECT {id} AS id, network::VARCHAR AS network, {text} AS text FROM {table}
            WHERE contains({text}, '@') AND account_id NOT IN (SELECT account_id FROM erase_accounts)
        )
    )
    WHERE handle <> '' AND sha256($secret || '|handle|' || network || '|' || handle) IN
          (SELECT key_hash FROM suppressed_keys)
"""
# A Mastodon post shows a mention as @user, without the instance, and the handle is user@instance: in posts that
# mention an erased Mastodon account (a mention interaction, read before erasure deletes it) and show @user, @user
# is theirs too. The collectors' mention names no post, so the post is found by its author and time (two equality
# joins: an OR of them would compare every post with every mention); another post of that author in the same
# second that also shows @user is blanked too.
_MASTODON_SHORT_MENTIONS = """
    WITH mention AS (
        SELECT i.actor_account_id, i.post_id, i.occurred_at, lower(split_part(e.handle, '@', 1)) AS handle
        FROM erase_accounts e JOIN interactions i ON i.target_account_id = e.account_id AND i.type = 'mention'
        WHERE e.network = 'mastodon' AND contains(e.handle, '@')
    ), mentioning AS (
        SELECT p.post_id, p.account_id, p.text, m.handle FROM mention m JOIN posts p ON p.post_id = m.post_id
        UNION ALL
        SELECT p.post_id, p.account_id, p.text, m.handle FROM mention m
        JOIN posts p ON p.account_id = m.actor_account_id AND p.posted_at = m.occurred_at
        WHERE m.post_id IS NULL
    )
    SELECT DISTINCT post_id AS id, 'mastodon' AS network, handle FROM mentioning
    WHERE contains(lower(text), '@' || handle) AND account_id NOT IN (SELECT account_id FROM erase_accounts)
"""
# Discover's word index (core/discover/index.py) cuts each post's words once, as a post's text never changes but
# here: a post whose handle mention is blanked leaves it, and the next Discover build indexes its new text.
_WORD_INDEX = ("discovery_terms", "discovery_documents")
_HIDDEN_ACCOUNTS = """
    SELECT network, external_id FROM sway_suppress_keys
    WHERE sha256(? || '|account|' || network || '|' || external_id) IN (SELECT key_hash FROM suppressed_keys)
"""
_HIDDEN_PEOPLE = """
    SELECT person_key FROM sway_suppress_people
    WHERE sha256(? || '|person|' || person_key) IN (SELECT key_hash FROM suppressed_keys)
"""


class ErasureError(ValueError):
    """The person cannot be erased (e.g. there is no such person); the message says what to do."""


@dataclass(frozen=True)
class ErasureReport:
    """Rows removed per table (no personal data: this is what the audit log keeps)."""

    removed: dict[str, int]
    blanked: int = 0  # others' posts, bios and display names whose @mentions of them were blanked

    def summary(self) -> str:
        """One line for the CLI and the app."""
        total = sum(self.removed.values())
        where = "post, bio or name" if self.blanked == 1 else "posts, bios and names"
        mentions = f" Their @handle was blanked in {self.blanked:,} {where} by others." if self.blanked else ""
        return (
            f"Erased one person: {count_of(self.removed.get('accounts', 0), 'account')}, "
            f"{count_of(self.removed.get('posts', 0), 'post')} and {total:,} rows in all.{mentions} Their accounts "
            "will be left out of later imports."
        )


def _secret(con: duckdb.DuckDBPyConnection) -> str | None:
    return get_meta(con).get(SECRET_KEY)


# The erasure list is copied to a file beside the warehouse after every erasure and restore, so that a restore onto a
# warehouse that is gone or was moved aside as damaged still knows who was erased since the backup was taken.
_HEX64 = re.compile(r"[0-9a-f]{64}")


def ledger_path(db: Path) -> Path:
    """The file beside the warehouse `db` that keeps a copy of its erasure list."""
    return db.with_name(db.name + ".erasures.json")


def write_ledger(con: duckdb.DuckDBPyConnection, db: Path) -> None:
    """Copy the warehouse's suppression secret and suppressed keys (hashes, no personal data) beside it; written
    under a temporary name and renamed, so the copy is whole or the previous one. Nothing to copy before the
    first erasure."""
    secret = _secret(con)
    if secret is None:
        return
    keys = rows(con, "SELECT key_hash, suppressed_at FROM suppressed_keys ORDER BY key_hash")
    body = json.dumps({"secret": secret, "keys": [[key, when.isoformat()] for key, when in keys]})
    replace_durably(ledger_path(db), lambda handle: handle.write(body.encode("utf-8")))


def read_ledger(db: Path) -> tuple[str | None, list[tuple[str, datetime]]]:
    """(secret, [(key_hash, suppressed_at)]) from the copy beside the warehouse `db`, or (None, []) if there is none.

    A copy that does not read as one is refused rather than ignored: restoring without it could bring erased
    people back.
    """
    path = ledger_path(db)
    if not path.exists():
        return None, []
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        secret, keys = body["secret"], [(str(k), datetime.fromisoformat(t)) for k, t in body["keys"]]
        if not isinstance(secret, str) or not _HEX64.fullmatch(secret) or not all(_HEX64.fullmatch(k) for k, _ in keys):
            raise ValueError("not a secret and key hashes")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ErasureError(
            f"The copy of the erasure list {path} is damaged ({exc}), so it cannot say who was erased. Restore it "
            "from where you keep copies of the server's files; delete it only if no one was ever erased here."
        ) from None
    return secret, keys


def ensure_secret(con: duckdb.DuckDBPyConnection) -> str:
    """The warehouse's suppression secret, created on first use (inside the caller's transaction)."""
    found = _secret(con)
    if found is None:
        found = secrets.token_hex(32)
        set_meta(con, {SECRET_KEY: found})
    return found


def erase_person(con: duckdb.DuckDBPyConnection, access: Access, person_id: int) -> ErasureReport:
    """Remove person `person_id` and everything derived from them, suppress their keys; instance operators only."""
    with transaction(con):
        authorize_operator(con, access, "erasing a person")
        if not scalar(con, "SELECT count(*) FROM people WHERE person_id = ?", [person_id]):
            raise ErasureError(f"There is no person {person_id} in Sway. Check the id on their profile page.")
        secret = ensure_secret(con)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE erase_accounts AS SELECT account_id, network, external_id, handle "
            "FROM accounts WHERE person_id = ?",
            [person_id],
        )
        _collect_posts(con)
        now = datetime.now()
        con.execute(_SUPPRESS_ACCOUNTS, [secret, now])
        con.execute(_SUPPRESS_PERSON, [secret, now, person_id])
        con.execute(_SUPPRESS_HANDLES, [secret, now])
        blanked = blank_erased_mentions(con)
        removed = _delete_everywhere(con, person_id)
        con.execute("DROP TABLE erase_accounts")
        con.execute("DROP TABLE erase_posts")
        report = ErasureReport(removed, blanked)
        scrubbed = audit.forget_person(con, person_id)
        audit.record(
            con,
            access,
            "erase",
            {
                "rows_removed": sum(removed.values()),
                **removed,
                "audit_entries_scrubbed": scrubbed,
                "mentions_blanked": blanked,
            },
            shared=True,
        )
    return report


def _collect_posts(con: duckdb.DuckDBPyConnection) -> None:
    """The posts of the accounts in erase_accounts, by id and by their key on the network, as erase_posts."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE erase_posts AS SELECT post_id, network, external_id FROM posts "
        "WHERE account_id IN (SELECT account_id FROM erase_accounts)"
    )


# A look-up's key names the post reacted to, and on Mastodon the account that reacted by its id alone:
# at://<actor>/<collection>/lookup:at://<author>/... and <instance>/like|repost/<status id>/<account id>.
_LOOKUP_KEY_CONDITIONS = (
    "EXISTS (SELECT 1 FROM erase_accounts e WHERE contains({key}, '/lookup:at://' || e.external_id || '/'){same})",
    # Mastodon accounts are <instance>/accounts/<id>, statuses <instance>/statuses/<id>.
    "EXISTS (SELECT 1 FROM erase_accounts e WHERE e.external_id LIKE '%/accounts/%' AND ("
    "starts_with({key}, split_part(e.external_id, '/accounts/', 1) || '/like/') OR "
    "starts_with({key}, split_part(e.external_id, '/accounts/', 1) || '/repost/')) AND "
    "ends_with({key}, '/' || split_part(e.external_id, '/accounts/', 2)){same})",
    "EXISTS (SELECT 1 FROM erase_posts e WHERE e.external_id LIKE '%/statuses/%' AND ("
    "starts_with({key}, replace(e.external_id, '/statuses/', '/like/') || '/') OR "
    "starts_with({key}, replace(e.external_id, '/statuses/', '/repost/') || '/')){same})",
)


def _key_conditions(table: str, columns: list[str]) -> list[str]:
    """SQL conditions matching `table`'s text-keyed rows of the erased accounts and posts (names from the catalog).

    A table with a network column is matched on it too; one without is matched on the key alone (fail closed).
    """
    same = f' AND e.network::VARCHAR = "{table}".network::VARCHAR' if "network" in columns else ""
    conditions = []
    for column in columns:
        key = f'"{table}"."{column}"'
        if column in _ACCOUNT_KEY:
            conditions.append(f"EXISTS (SELECT 1 FROM erase_accounts e WHERE e.external_id = {key}{same})")  # noqa: S608
        elif column in _RECORD_KEY:
            conditions.append(f"EXISTS (SELECT 1 FROM erase_posts e WHERE e.external_id = {key}{same})")  # noqa: S608
            # <key>#<note>: the collectors' notes about a record (core.collect.ingest marks an edit '#edited').
            noted = f"starts_with({key}, e.external_id || '#')"
            conditions.append(f"EXISTS (SELECT 1 FROM erase_posts e WHERE {noted}{same})")  # noqa: S608
            # at://<did>/...: a record in the erased account's repository, whoever else it names.
            authored = f"starts_with({key}, 'at://' || e.external_id || '/')"
            conditions.append(f"EXISTS (SELECT 1 FROM erase_accounts e WHERE {authored}{same})")  # noqa: S608
            conditions += [c.format(key=key, same=same) for c in _LOOKUP_KEY_CONDITIONS]
    return conditions


def _delete_everywhere(con: duckdb.DuckDBPyConnection, person_id: int | None) -> dict[str, int]:
    """Delete every row that refers to the person, their accounts or posts (by id, or by their text keys in the
    live collectors' bookkeeping); rows removed per table."""
    removed: dict[str, int] = {}
    note_issued(con, issued_now(con))  # their ids, perhaps the highest, are never handed out again
    for table, columns in base_table_columns(con).items():
        if table in _KEEP:
            continue
        conditions, params = _key_conditions(table, columns), []
        for column in columns:
            if column in _PERSON:
                conditions.append(f'"{column}" = ?')
                params.append(person_id)
            elif column in _ACCOUNT:
                conditions.append(f'"{column}" IN (SELECT account_id FROM erase_accounts)')  # noqa: S608 - catalog name
            elif column in _POST:
                conditions.append(f'"{column}" IN (SELECT post_id FROM erase_posts)')  # noqa: S608 - catalog name
        if "parent_post_id" in columns:
            con.execute(
                f'UPDATE "{table}" SET parent_post_id = NULL '  # noqa: S608 - names from the catalog
                "WHERE parent_post_id IN (SELECT post_id FROM erase_posts)"
            )
        if conditions:
            count = scalar(con, f'SELECT count(*) FROM "{table}" WHERE {" OR ".join(conditions)}', params)  # noqa: S608
            if count:
                con.execute(f'DELETE FROM "{table}" WHERE {" OR ".join(conditions)}', params)  # noqa: S608
                removed[table] = int(count)
    con.execute("UPDATE posts SET parent_post_id = NULL WHERE parent_post_id IN (SELECT post_id FROM erase_posts)")
    for table, sql in (
        ("posts", "DELETE FROM posts WHERE post_id IN (SELECT post_id FROM erase_posts)"),
        ("accounts", "DELETE FROM accounts WHERE account_id IN (SELECT account_id FROM erase_accounts)"),
        ("people", "DELETE FROM people WHERE person_id = ?"),
    ):
        params = [person_id] if table == "people" else []
        count = scalar(con, sql.replace("DELETE FROM", "SELECT count(*) FROM"), params)
        con.execute(sql, params)
        removed[table] = int(count)
    for table, count in _forget_text_copies(con).items():
        removed[table] = removed.get(table, 0) + count
    return removed


def _forget_text_copies(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Delete copies of a post's text (rows of a table with post_id and text columns, e.g. topic corrections) whose
    post is gone or now holds another text; rows removed per table.

    Such a copy outlives a post removed before the erasure (deleted on its network, or replaced by an edit), so
    matching erase_posts alone would miss it, and the post id it names may since have gone to someone else's post.
    """
    removed = {}
    for table, columns in base_table_columns(con).items():
        if table in _KEEP or "post_id" not in columns or "text" not in columns:
            continue
        stale = (
            f'FROM "{table}" c WHERE NOT EXISTS '  # noqa: S608 - a name from the catalog
            "(SELECT 1 FROM posts p WHERE p.post_id = c.post_id AND p.text IS NOT DISTINCT FROM c.text)"
        )
        count = scalar(con, f"SELECT count(*) {stale}")
        if count:
            con.execute(f"DELETE {stale}")
            removed[table] = int(count)
    return removed


def erase_suppressed(con: duckdb.DuckDBPyConnection) -> ErasureReport:
    """Delete the accounts whose keys are suppressed, everything derived from them, and the people suppressed or
    left without accounts, and blank their handles where others mention them; what was removed and blanked. A
    restore and a demo rebuild call this so an old backup or a regenerated world brings no one back; the audit
    entries naming a removed person lose their id, as on erasure.
    """
    secret = _secret(con)
    if secret is None:
        return ErasureReport({})
    removed: dict[str, int] = {}
    with transaction(con):
        con.execute(
            "CREATE OR REPLACE TEMP TABLE erase_accounts AS SELECT account_id, person_id, network, external_id, handle "
            "FROM accounts "
            "WHERE sha256(? || '|account|' || network::VARCHAR || '|' || external_id) IN (SELECT key_hash FROM "
            "suppressed_keys) OR person_id IN (SELECT person_id FROM people WHERE sha256(? || '|person|' || "
            "external_id) IN (SELECT key_hash FROM suppressed_keys))",
            [secret, secret],
        )
        gone_people = rows(
            con,
            "SELECT person_id FROM people WHERE sha256(? || '|person|' || external_id) IN (SELECT key_hash FROM "
            "suppressed_keys) OR (person_id IN (SELECT person_id FROM erase_accounts) AND person_id NOT IN "
            "(SELECT person_id FROM accounts WHERE account_id NOT IN (SELECT account_id FROM erase_accounts)))",
            [secret],
        )
        _collect_posts(con)
        blanked = blank_erased_mentions(con)  # what others wrote about them, in the restored or rebuilt world
        # None first: the accounts (of people who keep others too), then each person left with none.
        for person_id in [None, *(p for (p,) in gone_people)]:
            for table, count in _delete_everywhere(con, person_id).items():
                removed[table] = removed.get(table, 0) + count
            if person_id is not None:
                audit.forget_person(con, person_id)  # as erase_person does: no entry names them after a restore
        con.execute("DROP TABLE erase_accounts")
        con.execute("DROP TABLE erase_posts")
    return ErasureReport({table: count for table, count in removed.items() if count}, blanked)


def erased_handles_among(con: duckdb.DuckDBPyConnection, handles: pl.DataFrame) -> pl.DataFrame:
    """Which of these (network, handle) pairs, handles lower-cased, were erased people's; empty when none were."""
    erased = pl.DataFrame(schema={"network": pl.String, "handle": pl.String})
    secret = _secret(con)
    if secret is None or not handles.height or not suppressed_count(con):
        return erased
    with registered(con, {"sway_suppress_handles": handles.select("network", "handle")}):
        return con.sql(_ERASED_HANDLES, params=[secret]).pl().cast(erased.schema)


def blank_mentions(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """`frame` (with a `network` column) with the @mentions of erased people's handles in `columns` blanked: for
    what an import or a live load is about to store."""
    if not frame.height or (_secret(con) is None) or not suppressed_count(con):
        return frame
    mentions = pl.concat([mentions_frame(range(frame.height), frame["network"], frame[c]) for c in columns])
    erased = erased_handles_among(con, mentions.select("network", "handle").unique())
    if not erased.height:
        return frame
    return frame.with_columns(redacted(frame[c], frame["network"], erased) for c in columns)


def blank_erased_mentions(con: duckdb.DuckDBPyConnection) -> int:
    """Blank the @mentions of erased people's handles in others' stored posts, bios and display names, and in the
    copies of them (tables with post_id and text, as _forget_text_copies finds them; Discover's search text and
    names); rows changed.

    Caller's transaction, with the accounts being erased in erase_accounts (account_id, network, handle) and their
    interactions not yet deleted. Erasure and erase_suppressed (a restore, a demo rebuild) call it. The changed
    posts and people leave Discover's word index, so no word of the handle stays in the file even before the next
    Discover build, which indexes them anew.
    """
    secret = _secret(con)
    if secret is None:
        return 0
    changed = 0
    for table, id_column, column in _FREE_TEXT:
        found = [
            con.sql(
                _ERASED_MENTIONS.format(id=id_column, text=column, table=table),
                params={"pattern": MENTION, "trailing": TRAILING, "secret": secret},
            ).pl()
        ]
        if table == "posts":
            found.append(con.sql(_MASTODON_SHORT_MENTIONS).pl())
        named = pl.concat(found).group_by("id").agg(pl.col("handle").unique())
        if not named.height:
            continue
        with registered(con, {"sway_named": named}):
            texts = con.sql(
                f"SELECT n.id, n.handle, t.{column} AS text FROM sway_named n "  # noqa: S608 - fixed names
                f"JOIN {table} t ON t.{id_column} = n.id"
            ).pl()
        edits = texts.with_columns(new_text=_redacted_each(texts["text"], texts["handle"])).filter(
            pl.col("text") != pl.col("new_text")
        )
        with registered(con, {"sway_blanked": edits}):
            con.execute(
                f"UPDATE {table} SET {column} = b.new_text FROM sway_blanked b "  # noqa: S608 - fixed names
                f"WHERE {table}.{id_column} = b.id"
            )
            if table == "posts":
                _blank_post_copies(con)
            else:
                _blank_people_documents(con, edits, renamed=column == "display_name")
        changed += edits.height
    return changed


def _redacted_each(texts: pl.Series, handles: pl.Series) -> pl.Series:
    """Each text with its own handles (a list per row) blanked."""
    return pl.Series([redact(t, h) if t else t for t, h in zip(texts, handles, strict=True)], dtype=pl.String)


def _blank_post_copies(con: duckdb.DuckDBPyConnection) -> None:
    """The posts in sway_blanked (id, text, new_text) leave the word index; copies of their old text are blanked."""
    for index in _WORD_INDEX:
        con.execute(f"DELETE FROM {index} WHERE post_id IN (SELECT id FROM sway_blanked)")  # noqa: S608
    for copies, columns in base_table_columns(con).items():
        if copies not in _KEEP and "post_id" in columns and "text" in columns:
            con.execute(
                f'UPDATE "{copies}" SET text = b.new_text FROM sway_blanked b '  # noqa: S608 - catalog name
                f'WHERE "{copies}".post_id = b.id AND "{copies}".text = b.text'
            )


def _blank_people_documents(con: duckdb.DuckDBPyConnection, edits: pl.DataFrame, *, renamed: bool) -> None:
    """Discover's search text of the people whose bios or display names `edits` (id: account, text, new_text)
    changed gets the same change (each old text replaced by its new one, so a handle is blanked only where its own
    network's account had it), and their own documents leave the word index (the next build indexes their text
    anew). A person named after a display name that changed (`renamed`) takes the new one, in Discover too."""
    with registered(con, {"sway_texts": edits.select("id", "text", "new_text")}):
        if renamed:
            for table in ("people", "discovery"):
                con.execute(
                    f"UPDATE {table} SET name = b.new_text FROM sway_texts b "  # noqa: S608 - fixed names
                    f"JOIN accounts a ON a.account_id = b.id WHERE {table}.person_id = a.person_id "
                    f"AND {table}.name = b.text"
                )
        changes = con.sql(
            "SELECT a.person_id, d.search_text, b.text, b.new_text FROM sway_texts b "
            "JOIN accounts a ON a.account_id = b.id JOIN discovery d ON d.person_id = a.person_id "
            "ORDER BY a.person_id, a.account_id"
        ).pl()
    if not changes.height:
        return
    texts: dict[int, str] = {}
    for person, search_text, old, new in changes.iter_rows():
        texts[person] = texts.get(person, search_text).replace(old, new)
    blanked = pl.DataFrame({"person_id": list(texts), "search_text": list(texts.values())})
    with registered(con, {"sway_blanked_people": blanked}):
        con.execute(
            "UPDATE discovery SET search_text = b.search_text FROM sway_blanked_people b "
            "WHERE discovery.person_id = b.person_id"
        )
        for index in _WORD_INDEX:
            con.execute(
                f"DELETE FROM {index} WHERE post_id IS NULL "  # noqa: S608 - fixed names
                "AND person_id IN (SELECT person_id FROM sway_blanked_people)"
            )


def suppressed_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many keys are suppressed. The list only grows (an erasure adds to it, a restore merges the current one
    in), so a consumer that remembers the count can tell whether anyone was erased since (the lake scrub does)."""
    return int(scalar(con, "SELECT count(*) FROM suppressed_keys"))


def suppressed_keys_among(
    con: duckdb.DuckDBPyConnection, accounts: pl.DataFrame, person_keys: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Which of these account keys (network, external_id) and person keys (person_key) belong to erased people.

    The importer calls this before matching, so an old file imported again does not bring anyone back; both
    frames come back empty when nobody was ever erased.
    """
    hidden = (
        pl.DataFrame(schema={"network": pl.String, "external_id": pl.String}),
        pl.DataFrame(schema={"person_key": pl.String}),
    )
    secret = _secret(con)
    if secret is None or not suppressed_count(con):
        return hidden
    frames = {
        "sway_suppress_keys": accounts.select("network", "external_id"),
        "sway_suppress_people": person_keys.select("person_key"),
    }
    with registered(con, frames):
        return (
            con.sql(_HIDDEN_ACCOUNTS, params=[secret]).pl().cast(hidden[0].schema),
            con.sql(_HIDDEN_PEOPLE, params=[secret]).pl().cast(hidden[1].schema),
        )


def naming_erased(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    *,
    accounts: tuple[str, ...] = (),
    account_lists: tuple[str, ...] = (),
    records: tuple[str, ...] = (),
) -> pl.Series:
    """A mask over `frame`'s rows: True where a row names an erased person, so a loader can leave it out.

    `frame` has a `network` column; `accounts` are columns of account external ids, `account_lists` columns of
    lists of them, `records` columns of record keys (an at:// URI names its author's DID). All False when nobody
    was ever erased. For the live collectors' load: what the stream brings of an erased person must be written to
    no table, their bookkeeping included.
    """
    indexed = frame.select("network", *accounts, *account_lists, *records).with_row_index("sway_row")
    keys = [*(pl.col(c) for c in accounts), *(pl.col(c).str.extract(_AT_AUTHORITY) for c in records)]
    lists = [indexed.select("sway_row", "network", external_id=c).explode("external_id") for c in account_lists]
    named = pl.concat([*(indexed.select("sway_row", "network", external_id=key) for key in keys), *lists]).drop_nulls()
    hidden, _ = suppressed_keys_among(
        con, named.select("network", "external_id").unique(), pl.DataFrame(schema={"person_key": pl.String})
    )
    erased_rows = named.join(hidden, on=["network", "external_id"], how="semi")["sway_row"]
    return indexed["sway_row"].is_in(erased_rows.implode()).alias("erased")


def last_erasure_at(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the latest erasure (or the keys it added) was stored; None if nobody was ever erased."""
    return scalar(con, "SELECT max(suppressed_at) FROM suppressed_keys")


def person_label(con: duckdb.DuckDBPyConnection, person_id: int) -> str | None:
    """'Name (@handle on network, ...)' of a person, so an admin can check whom they are about to erase."""
    found = rows(
        con,
        "SELECT p.name, string_agg(a.handle || ' on ' || a.network::VARCHAR, ', ' ORDER BY a.network) "
        "FROM people p LEFT JOIN accounts a USING (person_id) WHERE p.person_id = ? GROUP BY p.name",
        [person_id],
    )
    if not found:
        return None
    name, handles = found[0]
    return f"{name or 'unnamed'} ({handles or 'no accounts'})"
