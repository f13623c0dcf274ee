"""Brute-force throttling whose state lives in the database.

Counting in a table rather than in process memory makes the limits hold across gunicorn
workers and hosts. Each password check and sign-up is counted before the limits are read,
on its own connection and committed at once: so requests sent in parallel cannot pass a
limit together, and the count survives the rollback of the action that failed.
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
#: A password check made from a signed-in session (sudo, password change).
SESSION_CHECK = "session_check"
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


def count_password_check(email: str, ip: str | None, *, session_id: int | None = None) -> int:
    """Count a password check for ``email`` and ``ip``, then refuse with 429 past the limits.

    The check is counted before the limits are read, on its own connection and committed at
    once, so the limit holds for checks sent in parallel: each reads a count that includes
    itself and every check counted before it, and the one past the limit is refused however
    the requests interleave. (Reading first let 11 of 30 parallel guesses past a limit of 10.)
    A refused check is taken out again, so hammering a locked email does not extend its lock.
    The answer is the same whether or not the email has an account.

    A check made from a signed-in session (``session_id``: sudo, password change) counts
    against that session's budget instead of the email's: guessing at an email from anywhere
    must not lock its owner's sessions out of sudo (they could not end a thief's session),
    and a thief's session guessing sudo locks only itself. Both budgets are
    ``SIGN_IN_LIMIT_PER_EMAIL``; the per-IP limit applies to each kind.

    Return the id of the counted check: a failed check stays counted; a successful one is
    taken out with ``forget_password_check`` (or ``forget_failed_sign_ins``).
    """
    config = current_app.config
    if session_id is None:
        kind, column, key = SIGN_IN_FAILURE, AuthAttempt.email, email
    else:
        kind, column, key = SESSION_CHECK, AuthAttempt.session_id, session_id
    check_id = _count_now(kind, email=email, ip=ip, session_id=session_id)
    count, oldest = _window_state(kind, column, key, SIGN_IN_WINDOW)
    if count > config["SIGN_IN_LIMIT_PER_EMAIL"]:
        _take_back(check_id)
        _refuse(oldest, SIGN_IN_WINDOW, TOO_MANY_SIGN_INS)
    if ip is not None:
        count, oldest = _window_state(kind, AuthAttempt.ip, ip, SIGN_IN_WINDOW)
        if count > config["SIGN_IN_LIMIT_PER_IP"]:
            _take_back(check_id)
            _refuse(oldest, SIGN_IN_WINDOW, TOO_MANY_SIGN_INS)
    return check_id


def forget_password_check(check_id: int) -> None:
    """Take out a check whose password was right: only failures count.

    Committed at once, like the count: the password was right whatever the action does next.
    """
    _take_back(check_id)


def forget_failed_sign_ins(email: str) -> None:
    """Stage removal of ``email``'s failures after it signed in successfully."""
    db.session.execute(
        delete(AuthAttempt).where(AuthAttempt.kind == SIGN_IN_FAILURE, AuthAttempt.email == email)
    )


def count_sign_up(ip: str | None) -> None:
    """Count a sign-up from ``ip``, then refuse with 429 when it is one too many this hour.

    Counted first and committed on its own, like a password check, so parallel sign-ups
    cannot pass the limit together. A sign-up refused because the email has an account stays
    counted: that refusal tells whether the account exists, and uncounted it would let anyone
    ask about any number of emails.
    """
    if ip is None:
        return
    count_attempt(
        SIGN_UP,
        [(AuthAttempt.ip, ip, current_app.config["SIGN_UP_LIMIT_PER_IP"], SIGN_UP_WINDOW)],
        TOO_MANY_SIGN_UPS,
        ip=ip,
    )


def count_attempt(
    kind: str, limits, message: str, *, email: str | None = None, ip: str | None = None
) -> int:
    """Count one attempt of ``kind``, then refuse with 429 if it passes any of ``limits``.

    ``limits`` holds ``(column, value, limit, window)``: at most ``limit`` attempts with
    ``column == value`` within ``window``. Counted first and committed on its own connection,
    so attempts sent in parallel cannot pass a limit together; a refused attempt is taken
    back, so hammering a limit does not extend it. Return the counted attempt's id.
    """
    attempt_id = _count_now(kind, email=email, ip=ip)
    for column, value, limit, window in limits:
        count, oldest = _window_state(kind, column, value, window)
        if count > limit:
            _take_back(attempt_id)
            _refuse(oldest, window, message)
    return attempt_id


def _count_now(
    kind: str, *, email: str | None, ip: str | None, session_id: int | None = None
) -> int:
    # On its own connection and committed at once: before the limits are read (see
    # count_password_check), and kept when the action that follows is rolled back.
    with db.engine.begin() as connection:
        return connection.execute(
            insert(AuthAttempt)
            .values(kind=kind, email=email, ip=ip, session_id=session_id, created_at=utcnow())
            .returning(AuthAttempt.id)
        ).scalar_one()


def _take_back(attempt_id: int) -> None:
    with db.engine.begin() as connection:
        connection.execute(delete(AuthAttempt).where(AuthAttempt.id == attempt_id))


def purge_old_attempts() -> int:
    """Delete attempt rows older than any window; return how many."""
    cutoff = utcnow() - ATTEMPT_RETENTION
    return db.session.execute(delete(AuthAttempt).where(AuthAttempt.created_at < cutoff)).rowcount
