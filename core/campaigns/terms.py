"""Tracking terms (#hashtags, @handles, domains, brand keywords) and the one RE2 pattern that finds them in posts.

Matching is case-insensitive and token-aware: `#brand` does not match `#brandnew`, `@brand` does not match
`@brandx` or an e-mail address, `brand.com` matches `https://shop.brand.com/x` but not `notbrand.com` or
`brand.com.evil.net`, and a keyword matches whole words only (also inside a hashtag or handle: `#brand`
mentions the keyword `brand`). Patterns are bound as query parameters, never formatted into SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KINDS = ("hashtag", "handle", "domain", "keyword")
_WORD = r"\pL\pN_"  # letters, digits, underscore: what a hashtag or handle is made of
_TAG = re.compile(r"^[^\W]+$")
_HANDLE = re.compile(r"^[^\W][\w.]*$")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z]{2,}$")
MIN_KEYWORD = 3


@dataclass(frozen=True, order=True)
class Term:
    """One tracking term: its kind and its lower-case text without # or @."""

    kind: str
    term: str

    def label(self) -> str:
        """How a marketer writes it: '#brand', '@brand', 'brand.com' or 'brand'."""
        return {"hashtag": "#", "handle": "@"}.get(self.kind, "") + self.term


def parse_terms(text: str) -> tuple[Term, ...]:
    """Terms from comma- or line-separated text; raises ValueError naming each term it cannot use."""
    found: list[Term] = []
    bad: list[str] = []
    for raw in re.split(r"[,\n;]+", text):
        item = raw.strip()
        if not item:
            continue
        term = _parse_one(item)
        if term is None:
            bad.append(item)
        elif term not in found:
            found.append(term)
    if bad:
        raise ValueError(
            f"Cannot use these tracking terms: {', '.join(repr(b) for b in bad)}. Write a hashtag as #name, a handle "
            f"as @name, a site as brand.com, or a brand keyword of at least {MIN_KEYWORD} letters."
        )
    return tuple(found)


def _parse_one(item: str) -> Term | None:
    lowered = item.lower()
    if lowered.startswith("#"):
        return Term("hashtag", lowered[1:]) if _TAG.match(lowered[1:]) else None
    if lowered.startswith("@"):
        return Term("handle", lowered[1:].rstrip(".")) if _HANDLE.match(lowered[1:]) else None
    host = urlsplit(lowered if "://" in lowered else f"//{lowered}").hostname or ""
    if " " not in lowered and _DOMAIN.match(host):
        return Term("domain", host.removeprefix("www."))
    if len(re.sub(r"\W", "", lowered)) >= MIN_KEYWORD:
        return Term("keyword", " ".join(lowered.split()))
    return None


def _literal(text: str) -> str:
    """Text as an RE2 literal: every character that is not a letter or digit as a \\x{..} escape."""
    return "".join(c if c.isalnum() and c.isascii() else f"\\x{{{ord(c):x}}}" for c in text)


def _body(term: Term) -> str:
    """The term's own text as RE2: a literal, with any run of spaces in a keyword matching any whitespace."""
    if term.kind == "keyword":
        return r"\s+".join(_literal(w) for w in term.term.split())
    return _literal(term.term)


# What must come before and after a term of each kind ({} is the alternation of the kind's terms).
_BOUNDS = {
    "hashtag": rf"(?:^|[^{_WORD}#])#(?:{{}})(?:$|[^{_WORD}])",
    "handle": rf"(?:^|[^{_WORD}@.])@(?:{{}})(?:$|[^{_WORD}.]|\.(?:$|[^{_WORD}]))",
    "domain": rf"(?:^|[^{_WORD}./-]|://)(?:[{_WORD}-]+\.)*(?:{{}})(?:$|[^{_WORD}.-]|\.(?:$|[^{_WORD}-]))",
    "keyword": rf"(?:^|[^{_WORD}])(?:{{}})(?:$|[^{_WORD}])",
}


def text_pattern(terms: tuple[Term, ...]) -> str:
    """One RE2 pattern matching lower-cased post text that mentions any of the terms.

    Terms of a kind share one pair of boundary classes around an alternation of their texts: repeating the
    Unicode classes per term grows RE2's DFA past its budget with a few dozen terms, and it falls back to a
    matcher hundreds of times slower (30 hashtags took 31 s over 200,000 posts; factored, 0.05 s).
    """
    if not terms:
        raise ValueError("A campaign needs at least one tracking term to find mentions.")
    by_kind = {kind: [_body(t) for t in terms if t.kind == kind] for kind in KINDS}
    return "|".join(f"(?:{_BOUNDS[kind].format('|'.join(bodies))})" for kind, bodies in by_kind.items() if bodies)


def url_pattern(terms: tuple[Term, ...]) -> str | None:
    """An RE2 pattern for a post's lower-cased link field: its host is one of the domains (or a subdomain);
    None without domain terms."""
    hosts = "|".join(_literal(t.term) for t in terms if t.kind == "domain")
    return rf"^(?:[a-z][a-z0-9+.-]*://)?(?:[^/@]*@)?(?:[{_WORD}-]+\.)*(?:{hosts})(?:[:/?#]|$)" if hosts else None


def terms_text(terms: tuple[Term, ...]) -> str:
    """The terms as a marketer would type them, comma-separated."""
    return ", ".join(t.label() for t in terms)
