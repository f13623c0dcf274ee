"""Column types and engine settings that every feature's models share."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter

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
