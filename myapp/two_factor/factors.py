"""Which second factors a user has: an authenticator app, passkeys, or none."""

from sqlalchemy import exists, or_, select

from myapp.extensions import db
from myapp.passkeys.models import Passkey
from myapp.two_factor.models import TotpCredential


def totp_enabled_clause(user_id_column):
    """Return a SQL condition: the user in ``user_id_column`` has a confirmed authenticator."""
    return exists().where(
        TotpCredential.user_id == user_id_column, TotpCredential.confirmed_at.is_not(None)
    )


def passkey_clause(user_id_column):
    """Return a SQL condition: the user in ``user_id_column`` has at least one passkey."""
    return exists().where(Passkey.user_id == user_id_column)


def has_second_factor_clause(user_id_column):
    """Return a SQL condition: the user has an authenticator app or a passkey."""
    return or_(totp_enabled_clause(user_id_column), passkey_clause(user_id_column))


def second_factors(user_id: int) -> tuple[bool, bool]:
    """Return (has an authenticator app, has a passkey) for the user, in one query."""
    row = db.session.execute(select(totp_enabled_clause(user_id), passkey_clause(user_id))).one()
    return bool(row[0]), bool(row[1])


def has_second_factor(user_id: int) -> bool:
    """Return whether signing in as the user needs a second step."""
    return any(second_factors(user_id))
