"""Column types and engine settings that every feature's models share, and database faults."""

import os
import select
from datetime import UTC, datetime

from flask import has_request_context
from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.pool import Pool
from sqlalchemy.types import TypeDecorator
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.routing import IntegerConverter

from myapp.extensions import db

#: Largest value of an ``INTEGER`` primary key on PostgreSQL (SQLite's reach 2**63 - 1).
ROW_ID_MAX = 2**31 - 1


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store UTC and always hand back timezone-aware datetimes, on SQLite too.

    SQLite has no time zone type and returns naive values; comparing those with aware ones
    raises, so every value is normalised to aware UTC on the way in and out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        # SQLite compares timestamps as text: one fixed format keeps that ordering correct.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RowIdConverter(IntegerConverter):
    """The URL converter ``<id:name>``: a row id from 1 to ``ROW_ID_MAX``.

    A larger number can name no row, and handed to the driver it overflows the column (a 500
    on PostgreSQL from 2**31, on SQLite from 2**63): the route does not match instead, a 404
    like any unknown id.
    """

    def __init__(self, url_map) -> None:
        super().__init__(url_map, min=1, max=ROW_ID_MAX)


@event.listens_for(Engine, "connect")
def _enable_sqlite_foreign_keys(dbapi_connection, connection_record):
    """Make SQLite enforce foreign keys, so deleting a user cascades to their sessions."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets readers go on while a writer commits: several gunicorn workers share the file.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


# --- Database faults ------------------------------------------------------------------------

#: Seconds a client is told to wait (``Retry-After``) while the database is unreachable.
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable(ServiceUnavailable):
    """The database cannot be reached or is restarting: answer 503, ask to retry shortly.

    An HTTP exception on purpose: like navigation, it passes through the action executor (which
    rolls back) and lands in the error handlers, so no code path turns it into a 500.
    """

    description = "The service is briefly unavailable. Try again in a few seconds."

    def __init__(self) -> None:
        super().__init__(retry_after=RETRY_AFTER_SECONDS)


def is_unavailable(error: BaseException, dialect) -> bool:
    """Return whether a driver error means "the database is not there right now".

    On PostgreSQL (and PgBouncer) every OperationalError is such a fault: refused or dropped
    connections, "the database system is starting up", administrator shutdown, too many
    clients. On SQLite only a lock that outlasted the busy timeout is; other SQLite operational
    errors (a missing table) are bugs and stay 500s.
    """
    if not isinstance(error, dialect.loaded_dbapi.OperationalError):
        return False
    if dialect.name == "sqlite":
        return "database is locked" in str(error)
    return True


@event.listens_for(Engine, "handle_error")
def _raise_unavailable(context):
    """Turn a fault of the database itself into ``DatabaseUnavailable`` inside requests.

    SQLAlchemy has already invalidated the connection (and, on a disconnect, the rest of the
    pool) by the time this runs, so the next request gets fresh connections.
    """
    if not has_request_context():
        return None
    original = context.original_exception
    if context.is_disconnect or is_unavailable(original, context.dialect):
        unavailable = DatabaseUnavailable()
        unavailable.__cause__ = original
        return unavailable
    return None


@event.listens_for(Pool, "connect")
def _remember_process(dbapi_connection, connection_record):
    connection_record.info["pid"] = os.getpid()


@event.listens_for(Pool, "checkout")
def _replace_dropped_connection(dbapi_connection, connection_record, connection_proxy):
    """Refuse a pooled connection that is not this process's to use; the pool makes a new one.

    - **Its server hung up.** When PostgreSQL (or PgBouncer) restarts, it closes every client
      socket. An idle connection in the pool does not notice until it is used, so the next
      request would fail. Instead of ``pool_pre_ping`` (a SELECT round trip on every checkout,
      i.e. on every request), look at the socket (``server_hung_up``).
    - **A parent process made it.** After a fork (gunicorn's ``--preload``, a test), parent
      and child would share its socket and interleave their statements. The child forgets it
      without closing it, as SQLAlchemy's pooling guide recommends, and makes its own.
    """
    if connection_record.info.get("pid") != os.getpid():
        connection_record.dbapi_connection = connection_proxy.dbapi_connection = None
        raise DisconnectionError("connection made by another process")
    if server_hung_up(dbapi_connection):
        raise DisconnectionError("server closed the connection")


def server_hung_up(dbapi_connection, poller=None) -> bool:
    """Return whether an idle PostgreSQL connection's server has closed it or said goodbye.

    An idle connection's socket has nothing to read unless the server has closed it or sent
    its goodbye, so one non-blocking ``poll`` tells, a system call rather than a round trip:
    12 µs against 1.2 ms for a pre-ping's SELECT, both measured on the busy 2-core VM of issue
    15. A server that vanished without closing its sockets (a host that lost power) is not seen
    here; that request gets a 503 and the connection is replaced for the next one. SQLite
    connections (no server) never hang up. ``poller``: one already registered on the socket.
    """
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return False
    if dbapi_connection.closed or dbapi_connection.broken:
        return True
    if poller is None:
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


def engine_options(config) -> dict:
    """Return ``SQLALCHEMY_ENGINE_OPTIONS`` for the configured database and pooler.

    PgBouncer in transaction mode hands each transaction to whichever server connection is
    free, and 1.18 does not carry server-side prepared statements across them: psycopg must
    not prepare (``prepare_threshold=None``) when ``DATABASE_POOLER=pgbouncer``.
    """
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return options
    connect_args = dict(options.get("connect_args") or {})
    # A database host that does not answer fails the request in seconds, not minutes.
    connect_args.setdefault("connect_timeout", config["DATABASE_CONNECT_TIMEOUT"])
    if config["DATABASE_POOLER"] == "pgbouncer":
        connect_args["prepare_threshold"] = None
    options["connect_args"] = connect_args
    return options


def discard_session() -> None:
    """End the request's SQLAlchemy session without letting a dead server turn into an error.

    Ending a session rolls its transaction back, a round trip. When PostgreSQL or PgBouncer
    went away after the response was built, that ROLLBACK fails; raised from the app-context
    teardown it would replace a finished 200 with gunicorn's bare 500. The connection is
    already invalidated by then (a disconnect), so dropping the session is all that is left.
    """
    try:
        db.session.remove()
    except (DatabaseUnavailable, DBAPIError):
        db.session().invalidate()
        db.session.remove()
