"""Reads for the passkeys page; each checks the sign-in itself."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from myapp.auth.sudo import in_sudo_mode
from myapp.extensions import db
from myapp.passkeys.models import Passkey
from myapp.sessions import get_auth_context


@dataclass(frozen=True, slots=True)
class PasskeyRow:
    """One passkey as the page shows it: never the credential id or the public key."""

    public_id: str
    name: str
    created_at: datetime
    last_used_at: datetime | None


def list_passkeys() -> list[PasskeyRow]:
    """Return the signed-in user's passkeys, oldest first."""
    ctx = get_auth_context()
    rows = db.session.execute(
        select(Passkey.public_id, Passkey.name, Passkey.created_at, Passkey.last_used_at)
        .where(Passkey.user_id == ctx.session.user.id)
        .order_by(Passkey.created_at, Passkey.id)
    )
    return [PasskeyRow(**row._mapping) for row in rows]


def can_add_passkey() -> bool:
    """Return whether this session is in sudo mode, which adding a passkey needs."""
    return in_sudo_mode(get_auth_context().session)
