"""Security headers on every response, and no caching of anything that depends on a session."""

from urllib.parse import urlsplit

from flask import Response, current_app, request
from werkzeug.routing import RequestRedirect

#: No inline script or style anywhere: htmx is configured (see base.html) to need neither.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def content_security_policy() -> str:
    """Return the CSP, letting forms lead to the origins in ``CSP_FORM_ACTION_ORIGINS`` too.

    Browsers apply ``form-action`` to the redirects that follow a form post as well, so a
    "Continue with Google" button needs Google's origin there (see myapp/oidc/providers.py).
    """
    origins = current_app.config.get("CSP_FORM_ACTION_ORIGINS")
    if not origins:
        return CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(origins)
    )


def add_security_headers(response: Response) -> Response:
    """Add CSP, framing, sniffing and referrer headers; forbid storing dynamic responses."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy())
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["COOKIE_SECURE"]:
        # Served over HTTPS: tell browsers never to come back over plain HTTP for a year.
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static":
        # Pages, partials and the session endpoint all depend on who is signed in: a shared
        # cache or the back button on a shared computer must not replay them.
        response.headers["Cache-Control"] = "no-store"
    return response


def keep_slash_redirects_on_this_site(response: Response) -> Response:
    """Make werkzeug's trailing-slash redirect (308) a path, without the request's host.

    werkzeug builds an absolute URL from the ``Host`` header when ``SERVER_NAME`` is unset,
    so a forged header would be echoed into the redirect (and into any cache keyed without
    it). A path needs no host: the browser stays where it is.
    """
    if isinstance(request.routing_exception, RequestRedirect):
        parts = urlsplit(response.location)
        response.location = f"{parts.path}?{parts.query}" if parts.query else parts.path
    return response
