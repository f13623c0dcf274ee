"""Error pages: a full page for page loads, a short message for htmx swaps, JSON for the API."""

from flask import Flask, current_app, jsonify, redirect, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from myapp import htmx
from myapp.database import DatabaseUnavailable, discard_session
from myapp.extensions import db

#: What a person reads for each status, where werkzeug's wording is too technical.
MESSAGES = {
    400: "The request could not be understood. Reload the page and try again.",
    403: "You do not have permission to do that.",
    404: "That page does not exist, or you do not have access to it.",
    405: "That action is not allowed here.",
    413: "That request is too large.",
    429: "Too many attempts. Wait a little and try again.",
    500: "Something went wrong on our side. Try again in a moment.",
    503: DatabaseUnavailable.description,
}
CSRF_MESSAGE = "Your form expired or is missing its security token. Reload the page and try again."


def render_error(
    status: int,
    message: str,
    headers=None,
    link: tuple[str, str] | None = None,
    other_link: tuple[str, str] | None = None,
):
    """Return an error response in the shape this request expects.

    ``link`` (url, text) adds the way out to the page and to the htmx partial;
    ``other_link`` a second one.
    """
    if request.path.startswith("/api/"):
        response = jsonify(error=message)
        response.status_code = status
    else:
        response = htmx.render(
            "errors/error.html",
            "errors/_message.html",
            status=status,
            status_code=status,
            message=message,
            link=link,
            other_link=other_link,
        )
    for name, value in headers or ():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    """Render an HTTP error with a message a person understands, keeping its headers."""
    if error.code is None:
        return error
    message = MESSAGES.get(error.code, error.name)
    description = error.description or ""
    # A description that came from our own code (abort(403, "...")) is written for people.
    if description and description != type(error).description:
        message = description
    return render_error(error.code, message, error.get_headers())


def _answers(path: str, method: str) -> str | None:
    """Return the path a ``method`` request for ``path`` is served at (after a slash
    redirect), or None when no route serves it."""
    try:
        current_app.url_map.bind("localhost").match(path, method=method)
    except RequestRedirect as slash_redirect:
        return slash_redirect.new_url.removeprefix("http://localhost")
    except (MethodNotAllowed, NotFound):
        return None
    return path


def _local(path: str | None) -> str | None:
    # "//host" would leave the site; merged slashes never give it, but a redirect must not.
    return path if path and not path.startswith("//") else None


def page_holding(path: str) -> str | None:
    """Return the nearest page above ``path`` that answers GET, or None.

    Action URLs sit below the page that holds their form (``/settings/security/password``
    under ``/settings/security``, ``.../members/7/remove`` under ``.../members``), so the
    first ancestor path with a GET route is where the form is.
    """
    segments = path.rstrip("/").split("/")
    while len(segments) > 1:
        segments.pop()
        page = _local(_answers("/".join(segments) or "/", "GET"))
        if page is not None:
            return page
    return None


def handle_method_not_allowed(error: MethodNotAllowed):
    """Send a GET of a POST-only action URL to the page holding its form, with a 303.

    A form that failed validation without JavaScript is rendered at its action's URL; reloading
    it, or following it from the history, GETs that URL. The page with the form is the useful
    answer there, not a 405. Any other method still gets 405, unless no method serves the URL.
    """
    if not any(_answers(request.path, method) for method in error.valid_methods or ()):
        # werkzeug says 405 when another method's rule fits the path's shape even though its
        # converter refused the value (an id too large for the column): no such URL, a 404.
        return handle_http_exception(NotFound())
    page = page_holding(request.path) if request.method in ("GET", "HEAD") else None
    if page is None or request.path.startswith("/api/"):
        return handle_http_exception(error)
    query = request.query_string.decode("latin-1")
    return redirect(f"{page}?{query}" if query else page, 303)


def handle_csrf_error(error: CSRFError):
    """Refuse a write without a valid CSRF token, saying how to recover."""
    return render_error(400, CSRF_MESSAGE)


def handle_server_error(error: InternalServerError):
    """Roll back whatever the request staged, then render the 500 page."""
    db.session.rollback()
    return render_error(500, MESSAGES[500])


def handle_database_unavailable(error: DatabaseUnavailable):
    """Answer 503 with ``Retry-After`` while the database is down, without touching it again.

    Whatever the request staged is rolled back (it was never committed: the database is not
    there), and the layout shows no signed-in user rather than look the session up again.
    """
    from myapp.sessions.lookup import replace_deduped_auth

    discard_session()
    replace_deduped_auth(None)
    return render_error(503, MESSAGES[503], error.get_headers())


def register_errorhandlers(app: Flask) -> None:
    app.register_error_handler(DatabaseUnavailable, handle_database_unavailable)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(MethodNotAllowed, handle_method_not_allowed)
    app.register_error_handler(HTTPException, handle_http_exception)
