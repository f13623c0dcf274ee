"""Single-use tokens for links in mail: verification, password reset, change of email, ...

A token is 256 random bits from ``secrets`` (the same shape as a session token). Only its
SHA-256 is stored, so a copy of the database holds no working link. Each row is bound to a
``purpose`` and to whom it was issued for (a user, an address, or both), and expires.

The whole API, for any feature that mails a link (invitations, "this wasn't me" alerts...)::

    raw = issue_token("reset_password", user_id=user.id, max_age=3600)  # staged on db.session
    db.session.commit()               # commit first, then mail a link carrying ``raw``
    send_email(user.email, ..., link=public_url("accounts.reset_password", token=raw))

    grant = find_token("reset_password", raw)  # GET: read-only, to show the page or a 4xx
    grant = use_token("reset_password", raw)   # POST: deletes the row and returns it, or None
    revoke_tokens("reset_password", user_id=user.id)  # void the user's outstanding links

``use_token`` deletes the row in the action's transaction: two posts of one link cannot both
get it, and a rolled-back action leaves the link working. A token of one purpose is never
found under another, so a verification link cannot reset a password. ``data`` carries a
small JSON payload a purpose needs (e.g. a session to end). ``purge_expired_tokens`` runs
from ``flask sessions clear-expired``.
"""

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db
from myapp.sessions.tokens import hash_token, is_well_formed, new_token

PURPOSE_MAX_LENGTH = 32


class Token(db.Model):
    """A mailed link's token: its hash, what it is for, for whom, and until when."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Hex SHA-256 of the token; the raw token exists only in the link.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(PURPOSE_MAX_LENGTH))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    #: The address the link was sent to, when it matters (a new email, an invitee).
    email: Mapped[str | None] = mapped_column(String(254))
    data: Mapped[Any | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


@dataclass(frozen=True, slots=True)
class Grant:
    """What a valid token was issued for."""

    purpose: str
    user_id: int | None
    email: str | None
    data: Any
    expires_at: datetime


def issue_token(
    purpose: str,
    *,
    max_age: int,
    user_id: int | None = None,
    email: str | None = None,
    data: Any = None,
) -> str:
    """Stage a token for ``purpose`` valid ``max_age`` seconds; return the raw token to mail."""
    if not purpose or len(purpose) > PURPOSE_MAX_LENGTH:
        raise ValueError(f"purpose must be 1 to {PURPOSE_MAX_LENGTH} characters")
    if user_id is None and email is None:
        raise ValueError("a token is issued for a user, an address, or both")
    raw = new_token()
    now = utcnow()
    db.session.add(
        Token(
            token_hash=hash_token(raw),
            purpose=purpose,
            user_id=user_id,
            email=email,
            data=data,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    return raw


def find_token(purpose: str, raw: str | None) -> Grant | None:
    """Return what an unexpired ``raw`` token of ``purpose`` grants, changing nothing."""
    if not is_well_formed(raw):
        return None
    token_hash = hash_token(raw)
    row = db.session.scalar(
        select(Token).where(
            Token.token_hash == token_hash, Token.purpose == purpose, Token.expires_at > utcnow()
        )
    )
    # The lookup is by hash, so timing tells nothing about the raw token; the constant-time
    # comparison makes that explicit rather than a property of the database's index.
    if row is None or not hmac.compare_digest(row.token_hash, token_hash):
        return None
    return _grant(row)


def use_token(purpose: str, raw: str | None) -> Grant | None:
    """Delete an unexpired ``raw`` token of ``purpose`` and return what it granted, or None.

    One DELETE ... RETURNING: of two concurrent uses, exactly one gets the grant.
    """
    if not is_well_formed(raw):
        return None
    token_hash = hash_token(raw)
    row = db.session.execute(
        delete(Token)
        .where(
            Token.token_hash == token_hash, Token.purpose == purpose, Token.expires_at > utcnow()
        )
        .returning(Token)
    ).scalar_one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, token_hash):
        return None
    return _grant(row)


def revoke_tokens(purpose: str, *, user_id: int) -> int:
    """Stage deletion of every token of ``purpose`` issued for ``user_id``; return how many."""
    return db.session.execute(
        delete(Token).where(Token.purpose == purpose, Token.user_id == user_id)
    ).rowcount


def purge_expired_tokens() -> int:
    """Delete expired tokens; return how many."""
    return db.session.execute(delete(Token).where(Token.expires_at <= utcnow())).rowcount


def _grant(row: Token) -> Grant:
    return Grant(
        purpose=row.purpose,
        user_id=row.user_id,
        email=row.email,
        data=row.data,
        expires_at=row.expires_at,
    )
