"""The sign-in step between a correct password and a session: bound to one browser, brief.

A correct password for an account with a second factor creates a ``PendingSignIn`` row and
sets a cookie holding its random token (only the SHA-256 is stored), instead of a session.
The step ends after ``PENDING_MAX_AGE`` or ``MAX_FAILED_CODES`` wrong codes, and the user
starts over from the password. Failures are written on their own connection, because the
failing action is rolled back.
"""

from datetime import timedelta

from flask import Response, current_app, request, url_for
from sqlalchemy import delete, select, update

from myapp import htmx
from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.tokens import hash_token, is_well_formed, new_token
from myapp.two_factor.models import PendingSignIn

PENDING_MAX_AGE = timedelta(minutes=5)
MAX_FAILED_CODES = 5


def cookie_name() -> str:
    """Return the pending step's cookie name, ``__Host-`` prefixed when cookies are Secure."""
    prefix = "__Host-" if current_app.config["COOKIE_SECURE"] else ""
    return f"{prefix}two_factor"


def begin(user_id: int, next_path: str | None, first_factor: str = "password") -> Response:
    """Stage a pending sign-in for the user and return the response that goes to its page.

    ``first_factor`` is what proved the first step (the password, or a provider's name): the
    session records it with the second factor.
    """
    token = new_token()
    now = utcnow()
    db.session.add(
        PendingSignIn(
            token_hash=hash_token(token),
            user_id=user_id,
            next_path=next_path,
            first_factor=first_factor,
            failed_attempts=0,
            created_at=now,
            expires_at=now + PENDING_MAX_AGE,
        )
    )
    response = htmx.redirect(url_for("two_factor.sign_in"))
    response.set_cookie(
        cookie_name(),
        token,
        max_age=int(PENDING_MAX_AGE.total_seconds()),
        path="/",
        secure=current_app.config["COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def current() -> PendingSignIn | None:
    """Return this browser's unexpired pending sign-in, or None."""
    token = request.cookies.get(cookie_name())
    if not is_well_formed(token):
        return None
    pending = db.session.scalar(
        select(PendingSignIn).where(PendingSignIn.token_hash == hash_token(token))
    )
    if pending is None or pending.expires_at <= utcnow():
        return None
    return pending


def count_failure(pending_id: int) -> int:
    """Count a wrong code, committed at once; end the step at the limit. Return failures so far."""
    with db.engine.begin() as connection:
        connection.execute(
            update(PendingSignIn)
            .where(PendingSignIn.id == pending_id)
            .values(failed_attempts=PendingSignIn.failed_attempts + 1)
        )
        failures = connection.scalar(
            select(PendingSignIn.failed_attempts).where(PendingSignIn.id == pending_id)
        )
        if failures is not None and failures >= MAX_FAILED_CODES:
            connection.execute(delete(PendingSignIn).where(PendingSignIn.id == pending_id))
    return failures or MAX_FAILED_CODES


def finish(pending_id: int, response: Response) -> Response:
    """Stage the end of the pending step and clear its cookie on ``response``."""
    db.session.execute(delete(PendingSignIn).where(PendingSignIn.id == pending_id))
    forget(response)
    return response


def forget(response: Response) -> None:
    """Clear the pending step's cookie on ``response``."""
    response.delete_cookie(
        cookie_name(),
        path="/",
        secure=current_app.config["COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def purge_expired() -> int:
    """Delete ended pending steps; return how many."""
    return db.session.execute(
        delete(PendingSignIn).where(PendingSignIn.expires_at <= utcnow())
    ).rowcount
