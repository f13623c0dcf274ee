"""Brute-force throttling whose state lives in the database.

Counting failures in a table rather than in process memory makes the limits hold across
gunicorn workers and hosts. Failures are written on their own connection and committed at
once, because the failing action itself is rolled back.
"""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select
from werkzeug.exceptions import TooManyRequests

from myapp.auth.models import AuthAttempt
from myapp.database import utcnow
from myapp.extensions import db

SIGN_IN_WINDOW = timedelta(minutes=15)
SIGN_UP_WINDOW = timedelta(hours=1)
#: How long attempt rows are kept: longer than any window.
ATTEMPT_RETENTION = timedelta(days=1)

SIGN_IN_FAILURE = "sign_in"
SIGN_UP = "sign_up"

TOO_MANY_SIGN_INS = (
    "Too many failed sign-in attempts. For your security, wait {minutes} before trying again."
)
TOO_MANY_SIGN_UPS = "Too many accounts were created from your network. Try again in {minutes}."


def _window_state(kind: str, column, value, window: timedelta):
    """Return (attempts in the window, the oldest one's time) for ``column == value``."""
    since = utcnow() - window
    return db.session.execute(
        select(func.count(AuthAttempt.id), func.min(AuthAttempt.created_at)).where(
            AuthAttempt.kind == kind, column == value, AuthAttempt.created_at > since
        )
    ).one()


def _refuse(oldest, window: timedelta, message: str):
    seconds = max(1, math.ceil((oldest + window - utcnow()).total_seconds()))
    minutes = max(1, math.ceil(seconds / 60))
    raise TooManyRequests(
        description=message.format(minutes=f"{minutes} minute{'s' if minutes != 1 else ''}"),
        retry_after=seconds,
    )


def check_sign_in_allowed(email: str, ip: str | None) -> None:
    """Refuse with 429 when this email or this IP has failed too often in 15 minutes.

    The answer is the same whether or not the email has an account.
    """
    config = current_app.config
    count, oldest = _window_state(SIGN_IN_FAILURE, AuthAttempt.email, email, SIGN_IN_WINDOW)
    if count >= config["SIGN_IN_LIMIT_PER_EMAIL"]:
        _refuse(oldest, SIGN_IN_WINDOW, TOO_MANY_SIGN_INS)
    if ip is not None:
        count, oldest = _window_state(SIGN_IN_FAILURE, AuthAttempt.ip, ip, SIGN_IN_WINDOW)
        if count >= config["SIGN_IN_LIMIT_PER_IP"]:
            _refuse(oldest, SIGN_IN_WINDOW, TOO_MANY_SIGN_INS)


def record_failed_sign_in(email: str, ip: str | None) -> None:
    """Count a failed password check for ``email`` and ``ip``, committed on its own."""
    _record_now(SIGN_IN_FAILURE, email=email, ip=ip)


def _record_now(kind: str, *, email: str | None, ip: str | None) -> None:
    # On its own connection and committed at once: the refused action is rolled back.
    with db.engine.begin() as connection:
        connection.execute(
            insert(AuthAttempt).values(kind=kind, email=email, ip=ip, created_at=utcnow())
        )


def forget_failed_sign_ins(email: str) -> None:
    """Stage removal of ``email``'s failures after it signed in successfully."""
    db.session.execute(
        delete(AuthAttempt).where(AuthAttempt.kind == SIGN_IN_FAILURE, AuthAttempt.email == email)
    )


def check_sign_up_allowed(ip: str | None) -> None:
    """Refuse with 429 when this IP created too many accounts within the hour."""
    if ip is None:
        return
    count, oldest = _window_state(SIGN_UP, AuthAttempt.ip, ip, SIGN_UP_WINDOW)
    if count >= current_app.config["SIGN_UP_LIMIT_PER_IP"]:
        _refuse(oldest, SIGN_UP_WINDOW, TOO_MANY_SIGN_UPS)


def record_sign_up(ip: str | None) -> None:
    """Stage a sign-up for ``ip``; it commits with the new account."""
    db.session.add(AuthAttempt(kind=SIGN_UP, ip=ip, created_at=utcnow()))


def record_refused_sign_up(ip: str | None) -> None:
    """Count a sign-up refused because the email has an account, committed on its own.

    The refusal says that the account exists; uncounted, it would let anyone ask that about
    any number of emails.
    """
    _record_now(SIGN_UP, email=None, ip=ip)


def purge_old_attempts() -> int:
    """Delete attempt rows older than any window; return how many."""
    cutoff = utcnow() - ATTEMPT_RETENTION
    return db.session.execute(delete(AuthAttempt).where(AuthAttempt.created_at < cutoff)).rowcount
