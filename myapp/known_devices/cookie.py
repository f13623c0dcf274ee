"""The device cookie: a random id that tells one browser from another across sign-ins.

It outlives sign-out (that is its point: the next sign-in from this browser is not "new"),
so it grants nothing: it is not a session, and only its hash is stored.
"""

from flask import Response, after_this_request, current_app, request

from myapp.sessions.tokens import hash_token, is_well_formed, new_token

#: Browsers cap cookie lifetimes at 400 days; each sign-in renews it.
MAX_AGE = 400 * 24 * 3600


def cookie_name() -> str:
    """Return the device cookie's name (``__Host-device`` when cookies are Secure)."""
    return current_app.config["DEVICE_COOKIE_NAME"]


def device_hash() -> str:
    """Return the hash of this browser's device id, giving it a new id if it has none.

    A new or renewed cookie is set on the response of this request.
    """
    device_id = request.cookies.get(cookie_name())
    if not is_well_formed(device_id):
        device_id = new_token()

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            cookie_name(),
            device_id,
            max_age=MAX_AGE,
            path="/",
            secure=current_app.config["COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
        return response

    return hash_token(device_id)
