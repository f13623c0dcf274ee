"""Tell a real htmx swap from a page load, and answer each the way htmx expects.

One URL serves two renderings: the full page for normal, boosted and history-restore
requests, and the partial only for a real swap. Boosted navigation sends ``HX-Request`` too,
so that header alone is not enough to decide. A result that a plain request would flash is
announced to htmx instead (``announce()``), in the page's one live region.
"""

import json
from urllib.parse import urlsplit

from flask import Response, make_response, render_template, request
from flask import redirect as flask_redirect
from werkzeug.urls import iri_to_uri


def is_htmx() -> bool:
    """Return whether htmx sent this request (a swap, a boosted link or a history restore)."""
    return request.headers.get("HX-Request") == "true"


def is_swap() -> bool:
    """Return whether this request wants a fragment: htmx, not boosted, not a history restore."""
    return (
        is_htmx()
        and request.headers.get("HX-Boosted") != "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def current_url_path() -> str | None:
    """Return the path and query of the page the user is on, from ``HX-Current-URL``.

    Only a URL on this host counts; anything else returns None.
    """
    return path_on_this_host(request.headers.get("HX-Current-URL"), relative_ok=True)


def path_on_this_host(url: str | None, *, relative_ok: bool) -> str | None:
    """Return the path and query of ``url`` if it points to this host, else None.

    ``relative_ok`` accepts a URL with no host. A URL that does not even parse (``http://[x``
    in a header) is None, like any other foreign URL: headers are the client's to make up.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.netloc != request.host and (parts.netloc or not relative_ok):
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def redirect(url: str) -> Response:
    """Leave the page for ``url``: a 303, or ``HX-Redirect`` on a 200 for a real htmx swap.

    A plain or boosted request is a page navigation, which follows a 303 (htmx takes the final
    URL for the address bar). A real swap would put the next page inside its target, and htmx
    ignores headers on a 3xx, so there the redirect travels on a 2xx and loads a full page.
    Either way the URL is sent percent-encoded, so any ``next`` a user typed can travel.
    """
    if not is_swap():
        return flask_redirect(url, 303)
    response = make_response("", 200)
    # werkzeug encodes a Location header this way when it sends it; HX-Redirect is ours to
    # encode, before the server fails on a character outside Latin-1 after the action committed.
    response.headers["HX-Redirect"] = iri_to_uri(url)
    return response


#: The event static/js/focus.js listens for; its detail is the message for the live region.
ANNOUNCE_EVENT = "announce"

#: Said after a form comes back with messages on its fields and none for the whole form.
FIX_ERRORS = "Please fix the errors below."


def announce(response: Response, message: str) -> Response:
    """Have htmx put ``message`` in the page's live region once the swap has settled.

    The message travels in ``HX-Trigger-After-Settle``, so static/js/focus.js announces it
    after focus has moved to the swapped content, not before (a move of focus interrupts what
    a screen reader is saying). JSON escapes every non-ASCII character, so any name in the
    message fits in a header. Events already set on the response, in htmx's JSON form, are
    kept.
    """
    header = "HX-Trigger-After-Settle"
    events = json.loads(response.headers[header]) if header in response.headers else {}
    events[ANNOUNCE_EVENT] = message
    response.headers[header] = json.dumps(events)
    return response


def render(template: str, partial: str | None = None, status: int = 200, **context) -> Response:
    """Render ``partial`` for a real swap and ``template`` otherwise, varying on ``HX-Request``."""
    name = partial if partial is not None and is_swap() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response
