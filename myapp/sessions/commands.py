"""``flask sessions clear-expired``: delete ended sessions; run it daily."""

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, or_, select

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession

sessions_cli = AppGroup("sessions", help="Manage sign-in sessions.")

#: Rows per DELETE: small enough that no batch holds its locks for long.
BATCH_SIZE = 20_000


def clear_expired_sessions(batch_size: int = BATCH_SIZE) -> int:
    """Delete sessions past their idle or absolute expiry, in batches; return how many.

    Each batch is its own short transaction, so writers (sign-ins, activity updates) wait at
    most one batch, never for the whole purge.
    """
    now = utcnow()
    absolute_cutoff = now - timedelta(seconds=current_app.config["SESSION_ABSOLUTE_MAX_AGE"])
    expired = or_(UserSession.expires_at <= now, UserSession.created_at <= absolute_cutoff)
    total = 0
    while True:
        ids = select(UserSession.id).where(expired).limit(batch_size).scalar_subquery()
        deleted = db.session.execute(
            delete(UserSession).where(UserSession.id.in_(ids)),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        total += deleted
        if deleted < batch_size:
            return total


@sessions_cli.command("clear-expired")
def clear_expired_command() -> None:
    """Delete expired sessions, links and two-factor steps, old activity, attempts, finished
    invitations and forgotten devices (daily)."""
    from myapp.auth.throttle import purge_old_attempts
    from myapp.invitations.models import purge_finished_invitations
    from myapp.known_devices.models import purge_forgotten_devices
    from myapp.passkeys.ceremony import purge_expired_challenges
    from myapp.security.events import purge_old_events
    from myapp.tokens import purge_expired_tokens
    from myapp.two_factor.pending import purge_expired

    count = clear_expired_sessions()
    click.echo(f"Deleted {count} expired session{'s' if count != 1 else ''}.")
    events = purge_old_events()
    attempts = purge_old_attempts()
    tokens = purge_expired_tokens()
    steps = purge_expired() + purge_expired_challenges()
    invitations = purge_finished_invitations()
    devices = purge_forgotten_devices()
    db.session.commit()
    click.echo(
        f"Deleted {events} security events older than 90 days and {attempts} old sign-in attempts."
    )
    click.echo(f"Deleted {tokens} expired link{'s' if tokens != 1 else ''} (verification, reset).")
    click.echo(f"Deleted {steps} expired two-factor steps and passkey challenges.")
    click.echo(
        f"Deleted {invitations} invitation{'s' if invitations != 1 else ''} answered or expired "
        f"more than 30 days ago and {devices} device{'s' if devices != 1 else ''} unseen for "
        "400 days."
    )
