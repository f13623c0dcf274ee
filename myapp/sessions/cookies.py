"""Write the session token cookie once, at the end of the request.

Code that starts, slides or ends a session only records what the cookie should become; the
after-request hook writes it, so the last decision in a request wins and no code path builds
its own ``Set-Cookie``.
"""

from datetime import datetime

from flask import Response, current_app, g, request

_PENDING = "_session_cookie"


def cookie_name() -> str:
    """Return the name of the session token cookie (``__Host-session_token`` when Secure)."""
    return current_app.config["SESSION_TOKEN_COOKIE_NAME"]


def presented_token() -> str | None:
    """Return the token the browser sent, or None."""
    return request.cookies.get(cookie_name())


#: Sent when this device signs out: pages of the signed-in user may sit in the browser's cache
#: and storage.
CLEAR_SITE_DATA = '"cache", "storage"'


def remember(token: str, expires_at: datetime) -> None:
    """Set the cookie to ``token`` until ``expires_at`` when this response goes out."""
    setattr(g, _PENDING, (token, expires_at, False))


def forget(*, signed_out: bool = False) -> None:
    """Clear the cookie when this response goes out, if the browser sent one.

    ``signed_out`` (this device's session ended, not a stale cookie) also asks the browser to
    clear the site's cache and storage, the one place ``Clear-Site-Data`` is set.
    """
    setattr(g, _PENDING, (None, None, signed_out))


def write_session_cookie(response: Response) -> Response:
    """Apply the pending cookie change to ``response`` (an after-request hook)."""
    pending = g.pop(_PENDING, None)
    if pending is None:
        return response
    token, expires_at, signed_out = pending
    secure = current_app.config["COOKIE_SECURE"]
    if token is None:
        if signed_out:
            response.headers["Clear-Site-Data"] = CLEAR_SITE_DATA
        if presented_token() is not None:
            response.delete_cookie(
                cookie_name(), path="/", secure=secure, httponly=True, samesite="Lax"
            )
        return response
    response.set_cookie(
        cookie_name(),
        token,
        expires=expires_at,
        path="/",
        secure=secure,
        httponly=True,
        samesite="Lax",
    )
    return response
