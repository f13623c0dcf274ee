"""The session lookup's own PostgreSQL connection: one per process and engine, kept open.

Every authenticated request runs one SELECT to find its session. On PostgreSQL, taking a
connection from SQLAlchemy's pool for it, switching it to autocommit and back and handing it
back cost the worker about as much CPU as running the query: keeping a connection instead cut
the lookup's client CPU from about 110 µs to about 65 µs in-process (bench/README.md). So
each process keeps one connection for the lookup alone, in autocommit. The engine makes it
(same URL, connect arguments and events, so ``prepare_threshold=None`` behind PgBouncer holds
for it too) and it is detached from the pool: a worker holds one connection more than its
pool.

- **A server that went away:** before each use the socket is looked at as the pool looks at a
  connection it hands out (``server_hung_up``), and a dead connection is replaced, so the
  first request after PostgreSQL or PgBouncer restarts succeeds.
- **A statement that failed:** the connection is closed and forgotten; the next lookup makes a
  new one, and this one answers 503 like any database fault.
- **Threads:** one thread at a time uses it. Another (gunicorn's gthread workers, parallel
  tests) gets ``None`` from ``take`` and uses the pool instead of waiting.
- **Fork:** a child process never uses or closes its parent's connection, whose socket it
  shares (closing it would end the parent's session with the server); it makes its own, and
  psycopg leaves the inherited one unclosed when it is garbage-collected.
- ``engine.dispose()`` closes it.
"""

import os
import select
import threading
import weakref

from sqlalchemy import event

from myapp.database import server_hung_up


class LookupConnection:
    """One engine's kept connection in this process, and the lock that lends it out."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._connection = None
        self._poller = None

    def take(self, engine):
        """Return the driver connection, live and in autocommit, or None if another thread has it.

        Pair every connection returned with ``give_back``. Connecting may raise like any
        connect (a 503 inside a request while the server is down); then nothing is held.
        """
        if not self._lock.acquire(blocking=False):
            return None
        try:
            if self._connection is not None and server_hung_up(self._connection, self._poller):
                self.close()
            if self._connection is None:
                self._connect(engine)
        except BaseException:
            self._lock.release()
            raise
        return self._connection

    def give_back(self, *, failed: bool) -> None:
        """Release the connection; ``failed``: it raised mid-statement, so close it first."""
        if failed:
            self.close()
        self._lock.release()

    def close(self) -> None:
        """Close the connection, if any, without raising: it may be broken already."""
        connection, self._connection, self._poller = self._connection, None, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a dead socket has nothing left to close cleanly
                pass

    def _connect(self, engine) -> None:
        pooled = engine.raw_connection()
        pooled.detach()
        connection = pooled.dbapi_connection
        connection.autocommit = True
        poller = select.poll()
        poller.register(connection.pgconn.socket, select.POLLIN)
        self._connection, self._poller = connection, poller


_kept: "weakref.WeakKeyDictionary[object, LookupConnection]" = weakref.WeakKeyDictionary()


def for_engine(engine) -> LookupConnection:
    """Return this process's kept lookup connection for ``engine``, made on first use."""
    kept = _kept.get(engine)
    if kept is not None and kept.pid == os.getpid():
        return kept
    if not event.contains(engine, "engine_disposed", _close_on_dispose):
        event.listen(engine, "engine_disposed", _close_on_dispose)
    kept = _kept[engine] = LookupConnection()
    return kept


def _close_on_dispose(engine) -> None:
    kept = _kept.pop(engine, None)
    if kept is not None and kept.pid == os.getpid():
        kept.close()
