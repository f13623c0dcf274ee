"""Tell a real htmx swap from a page load, and answer each the way htmx expects.

One URL serves two renderings: the full page for normal, boosted and history-restore
requests, and the partial only for a real swap. Boosted navigation sends ``HX-Request`` too,
so that header alone is not enough to decide.
"""

from urllib.parse import urlsplit

from flask import Response, make_response, render_template, request
from flask import redirect as flask_redirect


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
    raw = request.headers.get("HX-Current-URL")
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path or "/"
    return f"{path}?{parts.query}" if parts.query else path


def redirect(url: str) -> Response:
    """Leave the page for ``url``: a 303, or ``HX-Redirect`` on a 200 for a real htmx swap.

    A plain or boosted request is a page navigation, which follows a 303 (htmx takes the final
    URL for the address bar). A real swap would put the next page inside its target, and htmx
    ignores headers on a 3xx, so there the redirect travels on a 2xx and loads a full page.
    """
    if not is_swap():
        return flask_redirect(url, 303)
    response = make_response("", 200)
    response.headers["HX-Redirect"] = url
    return response


def render(template: str, partial: str | None = None, status: int = 200, **context) -> Response:
    """Render ``partial`` for a real swap and ``template`` otherwise, varying on ``HX-Request``."""
    name = partial if partial is not None and is_swap() else template
    response = make_response(render_template(name, **context), status)
    response.vary.add("HX-Request")
    return response
