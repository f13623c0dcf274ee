"""What sign-up and sign-in do for known devices: one call each, after the sign-in commits."""

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from myapp.database import utcnow
from myapp.extensions import db
from myapp.known_devices import cookie, emails
from myapp.known_devices.models import LABEL_MAX_LENGTH, KnownDevice
from myapp.known_devices.reports import issue_report
from myapp.security.devices import device_label
from myapp.sessions.lifecycle import client_ip
from myapp.sessions.lookup import AuthSession


def remember_device(user) -> KnownDevice | None:
    """Record this browser as one of ``user``'s known devices; return it if it was new.

    A known browser only has its last-seen time moved on. Call after the sign-in has
    committed: this commits on its own, so a failure here never undoes the sign-in.
    """
    device_hash = cookie.device_hash()
    now = utcnow()
    device = db.session.scalar(
        select(KnownDevice).where(
            KnownDevice.user_id == user.id, KnownDevice.device_hash == device_hash
        )
    )
    if device is not None:
        device.last_seen_at = now
        db.session.commit()
        return None
    device = KnownDevice(
        user_id=user.id,
        device_hash=device_hash,
        label=device_label(request.user_agent.string)[:LABEL_MAX_LENGTH],
        first_seen_at=now,
        last_seen_at=now,
    )
    db.session.add(device)
    try:
        db.session.commit()
    except IntegrityError:
        # The same new browser signed in twice at once: the other request remembered it.
        db.session.rollback()
        return None
    return device


def alert_if_new_device(user, auth_session: AuthSession) -> None:
    """Remember this browser for ``user``; if it is new to them, mail "New sign-in".

    The mail carries the device, IP, time and a "this wasn't me" link for ``auth_session``;
    it is not sent when the user turned alerts off. Call after the sign-in has committed.
    """
    device = remember_device(user)
    if device is None or not user.sign_in_alerts:
        return
    raw_token = issue_report(auth_session, device)
    db.session.commit()  # before mailing: a sent link always works
    emails.send_new_sign_in(
        user.email,
        user.name,
        device=device.label,
        ip=client_ip(),
        signed_in_at=auth_session.created_at,
        raw_token=raw_token,
    )
