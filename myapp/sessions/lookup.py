"""Find the session behind the request: ``auth()`` and ``deduped_auth()``.

This is the hot path of every authenticated request, so it reads one row of ``sessions``
joined to its user with a single Core statement and returns plain frozen objects, not ORM
instances: no identity map, no lazy loads, nothing to expire. It writes only when it has to:
to delete an expired row, or to slide the expiry at most once per ``SESSION_UPDATE_AGE``.

The read runs on a driver connection of its own rather than through ``db.session``: an ORM
session per request, and on PostgreSQL the BEGIN and ROLLBACK around a lone SELECT, cost more
than the lookup itself (``python -m bench`` measures it). On PostgreSQL that connection is kept
open by the process (``connection.py``); on SQLite it comes from the pool. Once the request has
begun its own transaction, the read joins it instead, so a request sees the sessions it has just
revoked.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from flask import current_app, g
from sqlalchemy import bindparam, delete, select, update

from myapp.auth.models import User
from myapp.database import DatabaseUnavailable, is_unavailable, utcnow
from myapp.extensions import db
from myapp.sessions import connection as lookup_connection
from myapp.sessions import cookies
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import hash_token, is_well_formed

_sessions = UserSession.__table__
_users = User.__table__

_LOOKUP = (
    select(
        _sessions.c.id,
        _sessions.c.public_id,
        _sessions.c.created_at,
        _sessions.c.last_active_at,
        _sessions.c.expires_at,
        _sessions.c.sudo_at,
        _users.c.id.label("user_id"),
        _users.c.email,
        _users.c.name,
        _users.c.email_verified_at,
    )
    .join(_users, _users.c.id == _sessions.c.user_id)
    .where(_sessions.c.token_hash == bindparam("token_hash"))
)


@dataclass(frozen=True, slots=True)
class AuthUser:
    """The signed-in user, as much of it as every request needs."""

    id: int
    email: str
    name: str
    #: Whether the address is verified: every page shows a notice until it is.
    email_verified: bool = False


@dataclass(frozen=True, slots=True)
class AuthSession:
    """A valid sign-in session and its user; what ``ctx.session`` holds."""

    id: int
    public_id: str
    user: AuthUser
    created_at: datetime
    last_active_at: datetime
    expires_at: datetime
    sudo_at: datetime | None


def auth() -> AuthSession | None:
    """Return the current request's session with its user, or None; query on every call.

    Use it where a fresh read matters more than a query, e.g. after revoking sessions within
    the same request. Everywhere else use ``deduped_auth()``.
    """
    token = cookies.presented_token()
    if token is None:
        return None
    if not is_well_formed(token):
        cookies.forget()
        return None
    row = _find(hash_token(token))
    if row is None:
        cookies.forget()
        return None

    config = current_app.config
    now = utcnow()
    if _has_ended(row, now):
        _write(delete(_sessions).where(_sessions.c.id == row.id))
        cookies.forget()
        return None

    absolute_end = _absolute_end(row)
    expires_at, last_active_at = row.expires_at, row.last_active_at
    if now - last_active_at >= timedelta(seconds=config["SESSION_UPDATE_AGE"]):
        expires_at = min(now + timedelta(seconds=config["SESSION_MAX_AGE"]), absolute_end)
        last_active_at = now
        _write(
            update(_sessions)
            .where(_sessions.c.id == row.id)
            .values(last_active_at=now, expires_at=expires_at)
        )
        cookies.remember(token, expires_at)

    return AuthSession(
        id=row.id,
        public_id=row.public_id,
        user=AuthUser(
            id=row.user_id,
            email=row.email,
            name=row.name,
            email_verified=row.email_verified_at is not None,
        ),
        created_at=row.created_at,
        last_active_at=last_active_at,
        expires_at=expires_at,
        sudo_at=row.sudo_at,
    )


def session_alive() -> bool:
    """Return whether the browser's session cookie names a live session; write nothing.

    What open tabs poll (``GET /api/auth/session/alive``): the same single indexed SELECT as
    ``auth()``, but it never slides the expiry, never deletes an expired row (``clear-expired``
    does) and never touches a cookie, so any number of polling tabs cost reads only.
    """
    token = cookies.presented_token()
    if not is_well_formed(token):
        return False
    row = _find(hash_token(token))
    return row is not None and not _has_ended(row, utcnow())


def _absolute_end(row) -> datetime:
    """Return when ``row`` ends however active it is (``SESSION_ABSOLUTE_MAX_AGE``)."""
    return row.created_at + timedelta(seconds=current_app.config["SESSION_ABSOLUTE_MAX_AGE"])


def _has_ended(row, now: datetime) -> bool:
    """Return whether ``row`` is past its idle expiry or its absolute end."""
    return row.expires_at <= now or _absolute_end(row) <= now


_MISSING = object()


def deduped_auth() -> AuthSession | None:
    """Return the current session like ``auth()``, querying at most once per request.

    Every caller in one request (layout, data functions, actions) gets the same object, so
    asking for the session in ten places costs one query. This is the one to use by default.
    """
    cached = g.get("_deduped_auth", _MISSING)
    if cached is _MISSING:
        cached = auth()
        g._deduped_auth = cached
    return cached


def replace_deduped_auth(auth_session: AuthSession | None) -> None:
    """Make later ``deduped_auth()`` calls in this request see ``auth_session``."""
    g._deduped_auth = auth_session


def _find(token_hash: str):
    """Return the session row joined to its user, or None, reading as cheaply as is correct."""
    registry = db.session.registry
    if registry.has() and registry().in_transaction():
        # The request has begun writing: read inside its transaction, so it sees the
        # sessions it has just revoked.
        return db.session.execute(_LOOKUP, {"token_hash": token_hash}).first()
    return _find_on_driver(db.engine, token_hash)


class _Row(NamedTuple):
    id: int
    public_id: str
    created_at: datetime
    last_active_at: datetime
    expires_at: datetime
    sudo_at: datetime | None
    user_id: int
    email: str
    name: str
    email_verified_at: datetime | None


_DATETIME_COLUMNS = (2, 3, 4, 5, 9)


@lru_cache(maxsize=4)
def _driver_statement(dialect) -> tuple[str, bool]:
    """Compile the lookup once per dialect: its SQL text and whether parameters are positional."""
    compiled = _LOOKUP.compile(dialect=dialect)
    return str(compiled), bool(compiled.positional)


def _find_on_driver(engine, token_hash: str) -> _Row | None:
    """Run the lookup on a driver connection, skipping SQLAlchemy's execution layer.

    SQLAlchemy's Connection and result objects cost more CPU than the indexed SELECT itself
    (bench/README.md has the figures), and this runs on every authenticated request. The
    statement is still compiled by SQLAlchemy from ``_LOOKUP``, the engine still makes the
    connection, and the engine's cursor events still fire, so statement counters and
    tracers attached to the engine see it (with no Connection object).
    """
    try:
        raw = _fetch_on_driver(engine, token_hash)
    except engine.dialect.loaded_dbapi.Error as error:
        # The driver's own exceptions, not SQLAlchemy's: map a database fault to 503 here.
        if is_unavailable(error, engine.dialect):
            raise DatabaseUnavailable() from error
        raise
    if raw is None:
        return None
    values = list(raw)
    for index in _DATETIME_COLUMNS:
        values[index] = _as_utc(values[index])
    return _Row(*values)


def _fetch_on_driver(engine, token_hash: str) -> tuple | None:
    """Run the compiled lookup on a driver connection and return the raw row.

    On PostgreSQL that is the process's kept connection, in autocommit (``connection.py``
    says why), or a pooled one while another thread uses it. No transaction for one SELECT
    saves the BEGIN and ROLLBACK round trips; pysqlite begins only before writes, so SQLite
    needs no such setting and uses the pool.
    """
    sql, positional = _driver_statement(engine.dialect)
    parameters = (token_hash,) if positional else {"token_hash": token_hash}
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        kept = lookup_connection.for_engine(engine)
        connection = kept.take(engine)
        if connection is not None:
            failed = True
            try:
                raw = _execute(engine, connection, sql, parameters)
                failed = False
            finally:
                kept.give_back(failed=failed)
            return raw
    pooled = engine.raw_connection()
    try:
        if postgres:
            pooled.driver_connection.autocommit = True
        raw = _execute(engine, pooled, sql, parameters)
        if postgres:
            pooled.driver_connection.autocommit = False
    except BaseException:
        # A connection that failed mid-statement is not returned to the pool for reuse.
        pooled.invalidate()
        raise
    finally:
        pooled.close()
    return raw


def _execute(engine, connection, sql: str, parameters) -> tuple | None:
    """Execute on ``connection``'s cursor, firing the engine's cursor events around it."""
    events = engine.dispatch
    cursor = connection.cursor()
    if events.before_cursor_execute:
        events.before_cursor_execute(None, cursor, sql, parameters, None, False)
    cursor.execute(sql, parameters)
    raw = cursor.fetchone()
    if events.after_cursor_execute:
        events.after_cursor_execute(None, cursor, sql, parameters, None, False)
    cursor.close()
    return raw


def _as_utc(value) -> datetime | None:
    # SQLite hands back the text SQLAlchemy stored ("2026-11-27 09:55:12.123456", UTC);
    # PostgreSQL an aware datetime in the connection's time zone.
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _write(statement) -> None:
    # On its own connection and committed at once, so a sliding update never commits (or
    # is rolled back with) whatever the request's own ORM unit of work holds.
    with db.engine.begin() as connection:
        connection.execute(statement)
