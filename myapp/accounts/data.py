"""Reads for the account pages, each checking who may see them."""

from dataclasses import dataclass

from sqlalchemy import select

from myapp.accounts import emails
from myapp.auth.models import User
from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions import get_auth_context
from myapp.tokens import Token, find_token


@dataclass(frozen=True, slots=True)
class Account:
    """What the account settings page shows."""

    name: str
    email: str
    email_verified: bool
    #: The address a change was asked for and not yet confirmed, if any.
    pending_email: str | None


def get_account() -> Account:
    """Return the signed-in user's account; redirect to sign in otherwise."""
    user_id = get_auth_context().session.user.id
    user = db.session.get(User, user_id)
    pending = db.session.scalar(
        select(Token.email)
        .where(
            Token.purpose == emails.CHANGE_EMAIL,
            Token.user_id == user_id,
            Token.expires_at > utcnow(),
        )
        .order_by(Token.created_at.desc())
        .limit(1)
    )
    return Account(
        name=user.name,
        email=user.email,
        email_verified=user.email_verified_at is not None,
        pending_email=pending,
    )


def link_target(purpose: str, raw_token: str) -> str | None:
    """Return the address a link of ``purpose`` is for, or None if it is not valid.

    Anyone holding the link may look: the token is the credential, as it is for the POST.
    """
    grant = find_token(purpose, raw_token)
    if grant is None:
        return None
    user_email = db.session.scalar(select(User.email).where(User.id == grant.user_id))
    if user_email is None:
        return None
    if purpose == emails.VERIFY_EMAIL and grant.email != user_email:
        # Sent to an address the account has since left: verifying it would prove nothing.
        return None
    return grant.email or user_email
