"""Probes: liveness (the process answers) and readiness (it can reach the database)."""

from flask import Blueprint
from sqlalchemy import text

from myapp.extensions import db

bp = Blueprint("health", __name__)

_PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/healthz")
def healthz():
    """Answer 200 when the process can serve requests; touch neither database nor session.

    A load balancer that restarts unhealthy instances must not restart every instance when
    the shared database is down: that is what ``/readyz`` is for.
    """
    return "ok\n", 200, _PLAIN


@bp.get("/readyz")
def readyz():
    """Answer 200 when a query reaches the database, else 503 (take this instance out).

    :raise 503: the database cannot be reached (``DatabaseUnavailable``, with Retry-After).
    """
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return "ready\n", 200, _PLAIN
