"""A liveness probe that touches neither the database nor the session."""

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer 200 when the process can serve requests."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
