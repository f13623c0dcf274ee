"""Make a fresh benchmark database and build its schema with the real migrations."""

import logging
import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from myapp import create_app
from myapp.migrate import upgrade

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
#: The PostgreSQL database the benchmark drops and recreates; never the test database.
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
#: Signs Flask's cookie in the benchmark's app and gunicorn; not a secret of anything real.
SECRET_KEY = "bench secret key, used only by the benchmark"
#: Links in mail would point here; the benchmark sends none.
PUBLIC_URL = "http://127.0.0.1"


def app_settings(url: str) -> dict:
    """Return the settings the benchmark runs the app with (plain HTTP on 127.0.0.1)."""
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": SECRET_KEY,
        "COOKIE_SECURE": False,
        "PUBLIC_URL": PUBLIC_URL,
    }


def fresh_database(kind: str, postgres_url: str = DEFAULT_POSTGRES_URL) -> str:
    """Create a database of ``kind`` ('sqlite' or 'postgresql'), migrate it; return its URL."""
    if kind == "sqlite":
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, "bench.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        url = f"sqlite:///{path}"
    else:
        url = postgres_url
        name = make_url(url).database
        if name in {"test", "postgres", "template0", "template1"}:
            raise SystemExit(
                f"refusing to drop database {name!r}: point --postgres-url at its own database"
            )
        _administer(
            url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'
        )
    migrate(url)
    return url


def drop_database(url: str) -> None:
    """Remove the benchmark database: a million deleted rows leave half a gigabyte behind."""
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        _administer(url, f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


def _administer(url: str, *statements: str) -> None:
    # CREATE and DROP DATABASE run outside a transaction, from the maintenance database.
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    except OperationalError as error:
        raise SystemExit(
            f"PostgreSQL is not reachable at {make_url(url).render_as_string()}: start it, pass "
            f"--postgres-url, or measure SQLite alone with --db sqlite.\n{error.orig}"
        ) from None
    finally:
        admin.dispose()


def conninfo(url: str) -> str:
    """Return the libpq form of a ``postgresql+psycopg://`` URL, for the raw driver."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def backend_pids(url: str) -> list[int]:
    """Return the pids of the PostgreSQL backends serving ``url``'s database (none for SQLite)."""
    if not url.startswith("postgresql"):
        return []
    import psycopg

    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def migrate(url: str) -> None:
    """Run every Alembic migration against ``url``, as ``flask db upgrade`` would."""
    app = create_app(app_settings(url))
    # Alembic's logging config turns INFO on; the benchmark's output is its own table.
    logging.disable(logging.INFO)
    try:
        upgrade(app)
    finally:
        logging.disable(logging.NOTSET)
