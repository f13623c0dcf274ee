"""Reads for the alerts setting (signed in) and the report page (anyone holding the link)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.known_devices.reports import SIGN_IN_REPORT, signed_in_at
from myapp.sessions import get_auth_context
from myapp.tokens import find_token


def sign_in_alerts_enabled() -> bool:
    """Return whether the signed-in user gets new sign-in alerts."""
    ctx = get_auth_context()
    return db.session.scalar(select(User.sign_in_alerts).where(User.id == ctx.session.user.id))


@dataclass(frozen=True, slots=True)
class ReportedSignIn:
    """What the report page shows: the sign-in in question, nothing else about the account."""

    device: str
    ip: str | None
    signed_in_at: datetime


def find_report(raw_token: str) -> ReportedSignIn | None:
    """Return the sign-in a report link is about, or None if the link cannot be used.

    Needs no sign-in: holding the link is the permission. Reads only.
    """
    grant = find_token(SIGN_IN_REPORT, raw_token)
    if grant is None:
        return None
    return ReportedSignIn(
        device=grant.data["device"], ip=grant.data["ip"], signed_in_at=signed_in_at(grant.data)
    )
