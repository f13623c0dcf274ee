"""Record security activity (sign-ins, failures, revocations...) for the security page."""

from datetime import timedelta

from flask import request
from sqlalchemy import delete, insert

from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.models import EVENT_LABELS, SecurityEvent
from myapp.sessions.lifecycle import client_ip

#: How long security activity is kept before the cleanup command purges it.
EVENT_RETENTION = timedelta(days=90)
DEVICE_MAX_LENGTH = 120


def _values(user_id: int, kind: str) -> dict:
    if kind not in EVENT_LABELS:
        raise ValueError(f"unknown security event kind {kind!r}")
    from myapp.security.devices import device_label

    return {
        "user_id": user_id,
        "kind": kind,
        "created_at": utcnow(),
        "ip": client_ip(),
        "device": device_label(request.user_agent.string)[:DEVICE_MAX_LENGTH],
    }


def record_event(user_id: int, kind: str) -> None:
    """Stage an event in the current transaction: it lands with the change it describes."""
    db.session.add(SecurityEvent(**_values(user_id, kind)))


def record_event_now(user_id: int, kind: str) -> None:
    """Commit an event on its own connection, for failures whose action is rolled back."""
    with db.engine.begin() as connection:
        connection.execute(insert(SecurityEvent).values(**_values(user_id, kind)))


def purge_old_events() -> int:
    """Delete events older than the retention period; return how many."""
    cutoff = utcnow() - EVENT_RETENTION
    return db.session.execute(
        delete(SecurityEvent).where(SecurityEvent.created_at < cutoff)
    ).rowcount
