"""The link to a member's tracked post reaches a link column: only http(s) addresses, never javascript: or data:
addresses an imported blog, Bluesky or Mastodon post may carry."""

import pytest

from core.campaigns.tracking import post_link, post_links
from core.db import warehouse


@pytest.mark.parametrize("network", ["blog", "bluesky", "mastodon"])
@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://blog.example/p/1", "https://blog.example/p/1"),
        ("HTTP://blog.example/p/1", "http://blog.example/p/1"),
        ("javascript:alert(document.cookie)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", None),
        ("//blog.example/p/1", None),
        (None, None),
    ],
)
def test_a_stored_address_becomes_a_link_only_when_it_is_http(network, url, link):
    assert post_link(network, "someone", "p-1", url) == link


def test_the_networks_own_pages_are_linked_whatever_the_stored_address():
    assert post_link("twitter", "ann", "42", "javascript:alert(1)") == "https://x.com/ann/status/42"


def test_post_links_leaves_an_imported_javascript_address_unlinked(raw_demo_copy):
    con = warehouse.connect(raw_demo_copy)
    try:
        post = warehouse.scalar(con, "SELECT min(post_id) FROM posts WHERE network = 'blog'")
        con.execute("UPDATE posts SET url = 'javascript:alert(document.cookie)' WHERE post_id = ?", [post])
        assert post_links(con, [post]).rows() == [(post, None)]
    finally:
        con.close()
