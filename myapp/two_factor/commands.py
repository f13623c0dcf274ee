"""``flask two-factor rotate-key``: re-encrypt every TOTP secret with the newest key."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from myapp.extensions import db
from myapp.two_factor import crypto
from myapp.two_factor.models import TotpCredential

two_factor_cli = AppGroup("two-factor", help="Manage second factors.")


def rotate_totp_key() -> int:
    """Re-encrypt every stored TOTP secret with the first key of ``TOTP_ENCRYPTION_KEYS``.

    Return how many. Run it after putting a new key first; once it has run, the old keys can
    be removed from the setting.
    """
    credentials = db.session.scalars(select(TotpCredential)).all()
    for credential in credentials:
        credential.secret_encrypted = crypto.rotate(credential.secret_encrypted)
    db.session.commit()
    return len(credentials)


@two_factor_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Re-encrypt every TOTP secret with the newest key (the first of TOTP_ENCRYPTION_KEYS)."""
    count = rotate_totp_key()
    click.echo(f"Re-encrypted {count} TOTP secret{'s' if count != 1 else ''}.")
