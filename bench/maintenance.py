"""Time the two bulk deletes: log out every device of a user, and clear expired sessions."""

import time
from dataclasses import dataclass

from sqlalchemy import event, func, select

from bench.database import app_settings
from myapp import create_app
from myapp.extensions import db
from myapp.sessions.commands import clear_expired_sessions
from myapp.sessions.lifecycle import end_user_sessions
from myapp.sessions.models import UserSession


@dataclass(frozen=True)
class LogoutAll:
    seconds: float
    ended: int


@dataclass(frozen=True)
class ClearExpired:
    seconds: float
    deleted: int
    batches: int
    longest_batch_seconds: float
    remaining: int


def time_logout_all(url: str, user_id: int) -> LogoutAll:
    """Time ``end_user_sessions`` plus the commit, as the "log out all devices" action runs it."""
    app = create_app(app_settings(url))
    with app.app_context():
        db.engine.connect().close()  # a pooled connection, as in a running worker
        started = time.perf_counter()
        ended = end_user_sessions(user_id)
        db.session.commit()
        seconds = time.perf_counter() - started
        db.session.remove()
        db.engine.dispose()
    return LogoutAll(seconds=seconds, ended=ended)


def time_clear_expired(url: str) -> ClearExpired:
    """Time ``clear_expired_sessions`` and each batch, from its DELETE to its COMMIT returning.

    A batch's locks are held from its DELETE until its commit, so the longest batch is the
    longest any writer waits behind the purge.
    """
    app = create_app(app_settings(url))
    batches: list[float] = []
    started_batch: list[float] = []

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE"):
            started_batch[:] = [time.perf_counter()]

    def after_commit(session):
        if started_batch:
            batches.append(time.perf_counter() - started_batch.pop())

    with app.app_context():
        engine = db.engine
        engine.connect().close()
        event.listen(engine, "before_cursor_execute", before_execute)
        event.listen(db.session, "after_commit", after_commit)
        try:
            started = time.perf_counter()
            deleted = clear_expired_sessions()
            seconds = time.perf_counter() - started
        finally:
            event.remove(engine, "before_cursor_execute", before_execute)
            event.remove(db.session, "after_commit", after_commit)
        remaining = db.session.scalar(select(func.count()).select_from(UserSession))
        db.session.remove()
        engine.dispose()
    return ClearExpired(
        seconds=seconds,
        deleted=deleted,
        batches=len(batches),
        longest_batch_seconds=max(batches, default=0.0),
        remaining=remaining,
    )
