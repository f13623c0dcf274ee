"""Reads for the security page; each checks the sign-in itself through ``get_auth_context()``."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from myapp.database import utcnow
from myapp.extensions import db
from myapp.oidc.providers import label_of
from myapp.security.devices import device_label
from myapp.security.models import EVENT_LABELS, SecurityEvent
from myapp.sessions import get_auth_context
from myapp.sessions.models import AUTH_METHODS, SECOND_FACTORS, UserSession


@dataclass(frozen=True, slots=True)
class DeviceSession:
    """One signed-in device as the page shows it: never the token or its hash."""

    public_id: str
    device: str
    ip: str | None
    created_at: datetime
    last_active_at: datetime
    is_current: bool
    #: How the session was authenticated, in words ("Password and authenticator app").
    signed_in_with: str


def get_session(public_id: str) -> DeviceSession | None:
    """Return the signed-in user's live session ``public_id``, or None."""
    return next((s for s in list_sessions() if s.public_id == public_id), None)


def list_sessions() -> list[DeviceSession]:
    """Return the signed-in user's unexpired sessions, most recently active first."""
    ctx = get_auth_context()
    now = utcnow()
    absolute_cutoff = now - timedelta(seconds=current_app.config["SESSION_ABSOLUTE_MAX_AGE"])
    rows = db.session.execute(
        # Named columns only: the token hash never leaves the database on this path.
        select(
            UserSession.id,
            UserSession.public_id,
            UserSession.user_agent,
            UserSession.ip,
            UserSession.created_at,
            UserSession.last_active_at,
            UserSession.auth_method,
        )
        .where(
            UserSession.user_id == ctx.session.user.id,
            UserSession.expires_at > now,
            UserSession.created_at > absolute_cutoff,
        )
        .order_by(UserSession.last_active_at.desc(), UserSession.id.desc())
    ).all()
    sessions = [
        DeviceSession(
            public_id=row.public_id,
            device=device_label(row.user_agent),
            ip=row.ip,
            created_at=row.created_at,
            # The stored time is refreshed at most once per SESSION_UPDATE_AGE; this device
            # is the one making the request, so it is active now, whatever the row says.
            last_active_at=now if row.id == ctx.session.id else row.last_active_at,
            is_current=row.id == ctx.session.id,
            signed_in_with=describe_auth_method(row.auth_method),
        )
        for row in rows
    ]
    sessions.sort(key=lambda s: s.last_active_at, reverse=True)
    return sessions


def describe_auth_method(code: str) -> str:
    """Word a session's ``auth_method``: "Password", "Google", "Google and authenticator app"."""
    if code in AUTH_METHODS:
        return AUTH_METHODS[code]
    first, _, second = code.partition("+")
    # A provider's name (myapp/oidc) when it proved the first step.
    first_label = AUTH_METHODS.get(first) or label_of(first)
    if not second:
        return first_label
    return f"{first_label} and {SECOND_FACTORS.get(second, second)}"


#: How many events "Recent security activity" shows.
RECENT_EVENTS_LIMIT = 10


@dataclass(frozen=True, slots=True)
class ActivityEntry:
    """One line of "Recent security activity"."""

    label: str
    created_at: datetime
    ip: str | None
    device: str | None


def list_recent_events(limit: int = RECENT_EVENTS_LIMIT) -> list[ActivityEntry]:
    """Return the signed-in user's latest security events, newest first."""
    ctx = get_auth_context()
    rows = db.session.execute(
        select(SecurityEvent.kind, SecurityEvent.created_at, SecurityEvent.ip, SecurityEvent.device)
        .where(SecurityEvent.user_id == ctx.session.user.id)
        .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityEntry(
            label=EVENT_LABELS.get(row.kind, row.kind),
            created_at=row.created_at,
            ip=row.ip,
            device=row.device,
        )
        for row in rows
    ]
