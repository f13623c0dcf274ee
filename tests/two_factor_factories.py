"""Build second factors for tests, and compute the codes an authenticator app would show."""

import time

import pyotp

from myapp.database import utcnow
from myapp.extensions import db
from myapp.two_factor import crypto, totp
from myapp.two_factor.models import TotpCredential


def enable_totp(app, user) -> tuple[str, list[str]]:
    """Turn the authenticator app on for ``user``; return its secret and recovery codes."""
    secret = totp.new_secret()
    with app.app_context():
        db.session.add(
            TotpCredential(
                user_id=user.id, secret_encrypted=crypto.encrypt(secret), confirmed_at=utcnow()
            )
        )
        codes = totp.replace_recovery_codes(user.id)
        db.session.commit()
    return secret, codes


def code(secret: str, steps_ahead: int = 0) -> str:
    """Return the code the app shows now, or ``steps_ahead`` 30-second steps from now.

    Tests use the current step and the next one (both accepted): should the clock cross a
    step boundary mid-test, each is still within the window of one step either side.
    """
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)
