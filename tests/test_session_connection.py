"""The session lookup's kept PostgreSQL connection: reused, replaced when dead, never shared.

SQLite lookups take a pooled connection (a file has no server to keep a line open to), so
these tests run in the PostgreSQL pass. The fork test also covers the pool's own guard
(``myapp.database``): a child never uses a connection its parent made.
"""

import gc
import os
import time

import pytest
from sqlalchemy import event, text

from myapp.database import server_hung_up
from myapp.extensions import db
from myapp.sessions import connection as lookup_connection

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="only PostgreSQL lookups keep a connection; SQLite's take one from the pool",
)


@pytest.fixture
def lookup_backends(app):
    """The server process (backend pid) each session lookup ran on, in order."""
    pids = []

    def record(connection, cursor, statement, parameters, context, executemany):
        if "token_hash" in statement:
            pids.append(cursor.connection.info.backend_pid)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield pids
    event.remove(engine, "before_cursor_execute", record)


def backend_is_running(app, pid: int) -> bool:
    with app.app_context(), db.engine.connect() as connection:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
        return connection.execute(query, {"pid": pid}).scalar() == 1


def end_backend(app, pid: int) -> None:
    """End a server process as a restart or an administrator would, and wait until it is gone."""
    with app.app_context(), db.engine.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    deadline = time.monotonic() + 5
    while backend_is_running(app, pid):
        assert time.monotonic() < deadline, f"backend {pid} did not end"
        time.sleep(0.02)


def signed_in_email(browser) -> str | None:
    response = browser.get("/api/auth/session")
    assert response.status_code == 200
    return (response.json or {}).get("user", {}).get("email")


def test_every_lookup_runs_on_one_kept_connection(signed_in, lookup_backends):
    for _ in range(5):
        assert signed_in_email(signed_in) == "ada@example.com"
    assert len(lookup_backends) == 5
    assert len(set(lookup_backends)) == 1


def test_a_connection_whose_server_hung_up_is_replaced_before_the_next_lookup(
    app, signed_in, lookup_backends
):
    assert signed_in_email(signed_in) == "ada@example.com"
    end_backend(app, lookup_backends[-1])

    assert signed_in_email(signed_in) == "ada@example.com"
    assert lookup_backends[-1] != lookup_backends[0]


def test_a_lookup_cut_off_midway_is_a_503_and_the_next_one_reconnects(
    app, signed_in, lookup_backends, monkeypatch
):
    assert signed_in_email(signed_in) == "ada@example.com"
    # A server that vanished without a goodbye looks alive until the statement is sent.
    monkeypatch.setattr(lookup_connection, "server_hung_up", lambda *args: False)
    end_backend(app, lookup_backends[-1])

    response = signed_in.get("/api/auth/session")
    assert response.status_code == 503
    assert response.json == {
        "error": "The service is briefly unavailable. Try again in a few seconds."
    }

    monkeypatch.setattr(lookup_connection, "server_hung_up", server_hung_up)
    assert signed_in_email(signed_in) == "ada@example.com"
    assert lookup_backends[-1] != lookup_backends[0]


def test_while_one_thread_holds_it_another_lookup_uses_the_pool(app, signed_in, lookup_backends):
    assert signed_in_email(signed_in) == "ada@example.com"
    with app.app_context():
        engine = db.engine
    kept = lookup_connection.for_engine(engine)
    held = kept.take(engine)
    try:
        assert signed_in_email(signed_in) == "ada@example.com"
    finally:
        kept.give_back(failed=False)

    assert lookup_backends[1] != held.info.backend_pid
    assert signed_in_email(signed_in) == "ada@example.com"
    assert lookup_backends[2] == held.info.backend_pid


def test_disposing_of_the_engine_closes_it(app, signed_in, lookup_backends):
    assert signed_in_email(signed_in) == "ada@example.com"
    with app.app_context():
        db.engine.dispose()

    deadline = time.monotonic() + 5
    while backend_is_running(app, lookup_backends[0]):
        assert time.monotonic() < deadline, "the kept connection outlived engine.dispose()"
        time.sleep(0.02)


def test_a_forked_child_opens_its_own_connections_and_leaves_the_parents_working(
    app, signed_in, lookup_backends
):
    assert signed_in_email(signed_in) == "ada@example.com"
    parent_backend = lookup_backends[0]
    with app.app_context(), db.engine.connect() as connection:
        query = text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
        parents = set(connection.scalars(query))

    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child, which reports through the pipe
        try:
            email = signed_in_email(signed_in)
            with app.app_context():
                pooled = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
                db.session.remove()
            # Whatever the child let go of (its parent's connections) is finalised now.
            gc.collect()
            os.write(writing, f"{email} {lookup_backends[-1]} {pooled}".encode())
        finally:
            os._exit(0)
    os.close(writing)
    _, status = os.waitpid(child, 0)
    with os.fdopen(reading) as report:
        child_email, child_lookup, child_pooled = report.read().split()
    assert os.waitstatus_to_exitcode(status) == 0

    assert child_email == "ada@example.com"
    assert int(child_lookup) not in parents
    assert int(child_pooled) not in parents
    assert signed_in_email(signed_in) == "ada@example.com"
    assert lookup_backends[-1] == parent_backend
