"""The read-only session endpoint: clients can look at their session, never change it."""

from flask import Blueprint, jsonify

from myapp.sessions.lookup import deduped_auth, session_alive

bp = Blueprint("sessions_api", __name__)


@bp.get("/api/auth/session")
def session_json():
    """Return the current session as JSON, or ``null`` when signed out.

    Only GET is routed: POST, PUT, PATCH and DELETE get 405, so unlike Auth.js's
    ``update()`` no client can write to its own session.
    """
    auth_session = deduped_auth()
    if auth_session is None:
        return jsonify(None)
    user = auth_session.user
    return jsonify(
        user={
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "email_verified": user.email_verified,
        },
        expires=auth_session.expires_at.isoformat(),
    )


@bp.get("/api/auth/session/alive")
def alive():
    """Return ``{"alive": true}`` while this browser's session lives, else ``false``.

    Open signed-in pages ask it every ``SESSION_CHECK_INTERVAL`` seconds while visible
    (``static/js/session-check.js``), so a revoked device leaves its private page without a
    click. It costs one SELECT and writes nothing: no sliding expiry, no cookie.
    """
    return jsonify(alive=session_alive())
