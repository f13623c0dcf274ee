"""Send signed-out users to ``/sign-in`` and bring them back only to pages of this site."""

from urllib.parse import urlencode, urlsplit

from flask import Response, request, url_for

from myapp import htmx

#: Longest ``next`` value carried through sign-in; longer ones are dropped.
NEXT_MAX_LENGTH = 2000


def safe_next(value: str | None) -> str | None:
    """Return ``value`` if it is a relative path on this site, else None.

    Rejects absolute and scheme-relative URLs (``https://x``, ``//x``, ``/\\x``), any backslash
    (browsers read it as a slash), control characters, and ``javascript:`` and other schemes.
    """
    if not value or len(value) > NEXT_MAX_LENGTH:
        return None
    if not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


def sign_in_url(next_path: str | None = None) -> str:
    """Return the sign-in URL that comes back to ``next_path`` when it is safe."""
    next_path = safe_next(next_path)
    base = url_for("auth.sign_in")
    return f"{base}?{urlencode({'next': next_path})}" if next_path else base


def requested_path() -> str:
    """Return the page to come back to after signing in.

    A page load (plain or boosted) comes back to itself; an htmx swap to the page the user is
    on (``HX-Current-URL``); a plain form post to the page the form was on.
    """
    if request.method == "GET" and not htmx.is_swap():
        return request.full_path.rstrip("?")
    current = htmx.current_url_path() if htmx.is_htmx() else None
    if current:
        return current
    return htmx.path_on_this_host(request.referrer, relative_ok=False) or "/"


def sign_in_redirect() -> Response:
    """Return the response that sends a signed-out request to sign in.

    htmx gets a 2xx with ``HX-Redirect`` so the sign-in page loads as a full page instead of
    being swapped into a fragment; everything else gets a 303.
    """
    return htmx.redirect(sign_in_url(requested_path()))
