"""Limits on the mail accounts send: password reset requests and verification resends.

Counted in ``auth_attempts`` like the sign-in limits, so they hold across workers and hosts.
Every request counts, whether or not the address has an account, so a 429 tells nothing.
Each is counted before the limits are read, like the sign-in limits (``count_attempt``).
"""

from datetime import timedelta

from flask import current_app

from myapp.auth.models import AuthAttempt
from myapp.auth.throttle import count_attempt

PASSWORD_RESET = "password_reset"
VERIFICATION_RESEND = "verify_resend"

PASSWORD_RESET_WINDOW = timedelta(hours=1)
#: At most one verification resend a minute, and five a day, per user.
RESEND_LIMITS = ((timedelta(minutes=1), 1), (timedelta(days=1), 5))

TOO_MANY_RESETS = "Too many password reset requests. Try again in {minutes}."
TOO_MANY_RESENDS = "A verification email was sent recently. Try again in {minutes}."


def count_password_reset(email: str, ip: str | None) -> None:
    """Count a reset request; refuse with 429 past the hourly limits for ``email`` or ``ip``.

    Counted before the limits are read and committed at once (``count_attempt``), so
    parallel requests cannot pass the limit together.
    """
    config = current_app.config
    limits = [
        (AuthAttempt.email, email, config["PASSWORD_RESET_LIMIT_PER_EMAIL"], PASSWORD_RESET_WINDOW)
    ]
    if ip is not None:
        limits.append(
            (AuthAttempt.ip, ip, config["PASSWORD_RESET_LIMIT_PER_IP"], PASSWORD_RESET_WINDOW)
        )
    count_attempt(PASSWORD_RESET, limits, TOO_MANY_RESETS, email=email, ip=ip)


def count_resend(email: str) -> None:
    """Count a verification resend; refuse with 429 after one a minute or five a day."""
    limits = [(AuthAttempt.email, email, limit, window) for window, limit in RESEND_LIMITS]
    count_attempt(VERIFICATION_RESEND, limits, TOO_MANY_RESENDS, email=email)
