"""Start and end sign-in sessions: one row per device, revocable at any time.

These functions stage changes on ``db.session``; the calling action commits, so a session
row and the change that made it (a new account, a new password) land together or not at all.
"""

from datetime import timedelta

from flask import current_app, g, request
from flask import session as flask_cookie
from sqlalchemy import delete

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions import cookies
from myapp.sessions.lookup import AuthSession, AuthUser, replace_deduped_auth
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import hash_token, new_public_id, new_token

USER_AGENT_MAX_LENGTH = 512


def start_session(user, auth_method: str = "password") -> AuthSession:
    """Create a brand-new session for ``user`` on this device and set its cookie.

    ``auth_method`` records how the user proved who they are (see ``AUTH_METHODS``).

    A new random token is made every time; whatever token the browser held before (a planted
    one included) is never adopted. The CSRF secret is rotated with it, as Django's
    ``cycle_key()`` and ``rotate_token()`` do at login.
    """
    now = utcnow()
    config = current_app.config
    expires_at = min(
        now + timedelta(seconds=config["SESSION_MAX_AGE"]),
        now + timedelta(seconds=config["SESSION_ABSOLUTE_MAX_AGE"]),
    )
    token = new_token()
    row = UserSession(
        public_id=new_public_id(),
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        last_active_at=now,
        expires_at=expires_at,
        sudo_at=now,
        ip=client_ip(),
        user_agent=(request.user_agent.string or "")[:USER_AGENT_MAX_LENGTH] or None,
        auth_method=auth_method,
    )
    db.session.add(row)
    db.session.flush()
    _rotate_csrf()
    cookies.remember(token, expires_at)
    auth_session = AuthSession(
        id=row.id,
        public_id=row.public_id,
        user=AuthUser(
            id=user.id,
            email=user.email,
            name=user.name,
            email_verified=user.email_verified_at is not None,
        ),
        created_at=now,
        last_active_at=now,
        expires_at=expires_at,
        sudo_at=now,
    )
    replace_deduped_auth(auth_session)
    return auth_session


def end_session(auth_session: AuthSession) -> None:
    """Delete this device's session row and clear its cookie and Flask's cookie."""
    db.session.execute(delete(UserSession).where(UserSession.id == auth_session.id))
    forget_this_device()


def forget_this_device() -> None:
    """Sign this device out: clear its cookies (session, CSRF secret, flashes) and site data."""
    cookies.forget(signed_out=True)
    flask_cookie.clear()
    replace_deduped_auth(None)


def end_user_sessions(user_id: int, *, keep_session_id: int | None = None) -> int:
    """Delete every session of ``user_id`` but ``keep_session_id``, in one statement.

    Return how many ended. One bulk DELETE, never a load-then-delete loop: it stays a few
    milliseconds for a user with thousands of sessions, and takes effect on each device's
    very next request.
    """
    statement = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_session_id is not None:
        statement = statement.where(UserSession.id != keep_session_id)
    return db.session.execute(statement).rowcount


def client_ip() -> str | None:
    """Return the client's address as seen through the configured number of trusted proxies."""
    return (request.remote_addr or "")[:45] or None


def _rotate_csrf() -> None:
    # Flask-WTF keeps its secret in Flask's cookie and caches the signed token on g.
    flask_cookie.pop("csrf_token", None)
    g.pop("csrf_token", None)
