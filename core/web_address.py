"""Which web addresses from the data may become links (web_url): http(s) with a host, nothing else.

Imported posts carry addresses their authors chose; a `javascript:` or `data:` one must never reach a link
column or an <a> tag, so every address shown as a link, in core or the UI, passes through `web_url`.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

_WEB_SCHEMES = ("http", "https")


def web_url(url: object) -> str | None:
    """`url` if it is an http or https address with a host (scheme in lower case), else None.

    Anything else — javascript:, data:, file:, relative paths, junk — must never become a link.
    """
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return None
    return urlunsplit(parts._replace(scheme=parts.scheme.lower()))
