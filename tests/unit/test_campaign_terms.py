"""Tracking terms: parsing what a marketer types, and finding mentions in posts (case, hashtags, handles, URLs)."""

from datetime import datetime

import pytest

from core.campaigns.mentions import mention_posts
from core.campaigns.terms import Term, parse_terms, terms_text
from core.db import warehouse

DAY = datetime(2026, 9, 1, 12)


def test_parse_each_kind_lower_cased_and_deduplicated():
    terms = parse_terms("#Brand, @Brand\n https://www.Brand.com/shop?x=1; brand.co.uk, Kettle  &  Crumb, #brand")
    assert terms == (
        Term("hashtag", "brand"),
        Term("handle", "brand"),
        Term("domain", "brand.com"),
        Term("domain", "brand.co.uk"),
        Term("keyword", "kettle & crumb"),
    )
    assert terms_text(terms) == "#brand, @brand, brand.com, brand.co.uk, kettle & crumb"


def test_unusable_terms_are_named():
    with pytest.raises(ValueError, match=r"'#', 'ab'\. Write a hashtag as #name"):
        parse_terms("#ok, #, ab")


@pytest.fixture(scope="module")
def posts_warehouse(tmp_path_factory):
    con = warehouse.connect(tmp_path_factory.mktemp("terms") / "terms.duckdb")
    con.execute(
        "INSERT INTO accounts (account_id, person_id, network, external_id, handle, followers) "
        "VALUES (1, 1, 'twitter', 't1', 'ann', 100)"
    )
    yield con
    con.close()


def _matches(con, terms: str, text: str, url: str | None = None) -> bool:
    con.execute("DELETE FROM posts")
    con.execute(
        "INSERT INTO posts (post_id, account_id, network, external_id, posted_at, text, url, kind) "
        "VALUES (1, 1, 'twitter', 'p1', ?, ?, ?, 'post')",
        [DAY, text, url],
    )
    return mention_posts(con, parse_terms(terms), datetime(2026, 9, 1), datetime(2026, 9, 2)).height == 1


@pytest.mark.parametrize(
    ("terms", "text", "url", "expected"),
    [
        ("#brand", "Loving my #Brand box!", None, True),
        ("#brand", "so #brandnew today", None, False),
        ("#brand", "mybrand#brand", None, False),
        ("#brand", "#BRAND.", None, True),
        ("#brand", "brand without a hash", None, False),
        ("@brand", "thanks @Brand!", None, True),
        ("@brand", "thanks @brandx", None, False),
        ("@brand", "mail me@brand", None, False),
        ("@brand", "see @brand.official", None, False),
        ("@brand", "end of line @brand.", None, True),
        ("brand.com", "get it at https://shop.brand.com/p/1", None, True),
        ("brand.com", "www.BRAND.com", None, True),
        ("brand.com", "visit notbrand.com today", None, False),
        ("brand.com", "brand.com.evil.net is a scam", None, False),
        ("brand.com", "the brand.community forum", None, False),
        ("brand.com", "link in bio", "https://brand.com/x", True),
        ("brand.com", "link in bio", "https://other.com/brand.com", False),
        ("Kettle & Crumb", "A kettle & crumb morning", None, True),
        ("Kettle & Crumb", "kettle & crumbs everywhere", None, False),
        ("voltwise", "my #voltwise charger", None, True),
        ("voltwise", "voltwisely done", None, False),
    ],
)
def test_matching(posts_warehouse, terms, text, url, expected):
    assert _matches(posts_warehouse, terms, text, url) is expected
    # The same with dozens of other brands' terms of every kind tracked beside it (one pattern per kind).
    assert _matches(posts_warehouse, f"{terms}, {OTHER_BRANDS}", text, url) is expected


OTHER_BRANDS = ", ".join(
    f"#otherbrand{i}, @otherbrand{i}, otherbrand{i}.com, other brand {i}" for i in range(12)
)


def test_mentions_outside_the_period_are_left_out(posts_warehouse):
    assert _matches(posts_warehouse, "#brand", "#brand")
    terms = parse_terms("#brand")
    assert mention_posts(posts_warehouse, terms, datetime(2026, 9, 2), datetime(2026, 9, 3)).is_empty()
