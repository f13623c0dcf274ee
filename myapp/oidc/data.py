"""Reads for the connected accounts on the security page; each checks the sign-in itself."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from myapp.auth.models import User
from myapp.auth.passwords import has_password
from myapp.extensions import db
from myapp.oidc import providers
from myapp.oidc.models import Identity
from myapp.sessions import get_auth_context


@dataclass(frozen=True, slots=True)
class Connection:
    """One configured provider as the security page shows it: linked or not."""

    provider: str
    label: str
    linked: bool
    #: The email the provider last gave for the linked account.
    email: str | None = None
    linked_at: datetime | None = None
    #: Whether unlinking leaves another way to sign in (a password or another provider).
    can_unlink: bool = False


def list_connections() -> list[Connection]:
    """Return every configured provider with the signed-in user's link to it, if any."""
    ctx = get_auth_context()
    configured = providers.configured()
    linked = {
        row.provider: row
        for row in db.session.execute(
            select(Identity.provider, Identity.email, Identity.created_at).where(
                Identity.user_id == ctx.session.user.id,
                Identity.provider.in_([p.name for p in configured]),
            )
        )
    }
    password_hash = db.session.scalar(
        select(User.password_hash).where(User.id == ctx.session.user.id)
    )
    can_unlink = has_password(password_hash) or len(linked) > 1
    return [
        Connection(
            provider=p.name,
            label=p.label,
            linked=p.name in linked,
            email=linked[p.name].email if p.name in linked else None,
            linked_at=linked[p.name].created_at if p.name in linked else None,
            can_unlink=can_unlink,
        )
        for p in configured
    ]


def list_linked_providers() -> list[Connection]:
    """Return the configured providers linked to the signed-in user (to confirm sudo with)."""
    return [c for c in list_connections() if c.linked]
