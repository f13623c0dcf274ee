"""Passkeys (WebAuthn credentials) and the challenges of their ceremonies."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

PASSKEY_NAME_MAX_LENGTH = 60

#: What a challenge may be used for; a challenge for one is refused for any other.
PURPOSES = ("register", "sign_in", "second_factor", "sudo")


class Passkey(db.Model):
    """A WebAuthn credential (a passkey) registered by a user."""

    __tablename__ = "passkeys"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random id that pages and URLs use; the credential id is not shown.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(PASSKEY_NAME_MAX_LENGTH))
    #: base64url of the credential id, as the browser reports it.
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    backed_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasskeyChallenge(db.Model):
    """A WebAuthn challenge handed to the browser: single-use, short-lived, bound to a purpose.

    Stored as the SHA-256 of the challenge: the signed response carries the challenge, which
    finds (and deletes) its row.
    """

    __tablename__ = "passkey_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: ``register``, ``sign_in``, ``second_factor`` or ``sudo``.
    purpose: Mapped[str] = mapped_column(String(16))
    #: The user the ceremony is for; None for a passwordless sign-in (anyone's passkey).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
