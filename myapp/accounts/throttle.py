"""Limits on the mail accounts send: password reset requests and verification resends.

Counted in ``auth_attempts`` like the sign-in limits, so they hold across workers and hosts.
Every request counts, whether or not the address has an account, so a 429 tells nothing.
"""

from datetime import timedelta

from flask import current_app

from myapp.auth.models import AuthAttempt
from myapp.auth.throttle import _refuse, _window_state
from myapp.database import utcnow
from myapp.extensions import db

PASSWORD_RESET = "password_reset"
VERIFICATION_RESEND = "verify_resend"

PASSWORD_RESET_WINDOW = timedelta(hours=1)
#: At most one verification resend a minute, and five a day, per user.
RESEND_LIMITS = ((timedelta(minutes=1), 1), (timedelta(days=1), 5))

TOO_MANY_RESETS = "Too many password reset requests. Try again in {minutes}."
TOO_MANY_RESENDS = "A verification email was sent recently. Try again in {minutes}."


def check_password_reset_allowed(email: str, ip: str | None) -> None:
    """Refuse with 429 when this email or IP asked for too many resets within the hour."""
    config = current_app.config
    limits = [(AuthAttempt.email, email, config["PASSWORD_RESET_LIMIT_PER_EMAIL"])]
    if ip is not None:
        limits.append((AuthAttempt.ip, ip, config["PASSWORD_RESET_LIMIT_PER_IP"]))
    for column, value, limit in limits:
        count, oldest = _window_state(PASSWORD_RESET, column, value, PASSWORD_RESET_WINDOW)
        if count >= limit:
            _refuse(oldest, PASSWORD_RESET_WINDOW, TOO_MANY_RESETS)


def record_password_reset(email: str, ip: str | None) -> None:
    """Stage a reset request for ``email`` and ``ip``; it commits with the action."""
    db.session.add(AuthAttempt(kind=PASSWORD_RESET, email=email, ip=ip, created_at=utcnow()))


def check_resend_allowed(email: str) -> None:
    """Refuse with 429 after one resend within a minute, or five within a day."""
    for window, limit in RESEND_LIMITS:
        count, oldest = _window_state(VERIFICATION_RESEND, AuthAttempt.email, email, window)
        if count >= limit:
            _refuse(oldest, window, TOO_MANY_RESENDS)


def record_resend(email: str) -> None:
    """Stage a verification resend for the user at ``email``."""
    db.session.add(AuthAttempt(kind=VERIFICATION_RESEND, email=email, created_at=utcnow()))
