"""The authenticator app, recovery codes, and the state of a sign-in that waits for a code."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db


class TotpCredential(db.Model):
    """A user's authenticator app: its secret, encrypted, and the last time step it accepted.

    A row without ``confirmed_at`` is a setup in progress: it does not count as a second factor
    until the user has proven, with a current code, that the app holds the secret.
    """

    __tablename__ = "totp_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: Fernet token of the base32 secret (see ``two_factor.crypto``); never the secret itself.
    secret_encrypted: Mapped[str] = mapped_column(String(255))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The highest 30-second step a code was accepted for: no code at or below it works again.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """One single-use recovery code, stored only as its SHA-256."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PendingSignIn(db.Model):
    """A sign-in whose password was right, waiting for the second factor.

    The browser holds a random token in a cookie; this row keeps its SHA-256, so the step is
    bound to that browser. It ends after a few minutes or a few wrong codes.
    """

    __tablename__ = "pending_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Where to go after signing in (already checked by ``safe_next``).
    next_path: Mapped[str | None] = mapped_column(String(2000))
    #: What proved the first step: ``"password"`` or an OpenID provider's name.
    first_factor: Mapped[str] = mapped_column(String(16), default="password")
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
