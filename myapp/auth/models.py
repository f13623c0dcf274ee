"""The user account, and the sign-in attempts the throttle (``throttle.py``) counts."""

import unicodedata
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

#: Longest email address a mailbox can have (RFC 5321 path limit).
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 100
#: ``password_hash`` of an account that has no password (one made by an OpenID provider), as
#: Django's ``set_unusable_password()``: no hash starts with "!", so no password matches it.
UNUSABLE_PASSWORD = "!"


def normalize_email(value: str) -> str:
    """Return the form of an email address used for storage and comparison.

    Spellings of one mailbox that look alike must be one account, so the address is trimmed;
    its local part NFKC-normalised and case-folded (an NFD "josé" and fullwidth letters are
    the usual ones, ``Ada`` is ``ada``); its domain IDNA-encoded by email-validator after
    UTS-46 mapping (``ＥＸＡＭＰＬＥ.com`` is ``example.com``, ``Bücher.de`` is
    ``xn--bcher-kva.de``). What is not an address at all (a typo at sign-in) is only
    NFKC-normalised and case-folded: it matches no account either way. The result can be
    longer than the input, so forms check the length after this (``auth/forms.py``).
    """
    value = value.strip()
    try:
        address = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return _fold(value)
    return f"{_fold(address.local_part)}@{address.ascii_domain}"


def _fold(text: str) -> str:
    # NFKC on both sides of the case fold, as Unicode's NFKC_Casefold does: folding can
    # decompose (ΐ) and NFKC composes again, so the result is stable and no longer than needed.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    # Stored normalised (see normalize_email), so the unique index holds for look-alikes too.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the user proved they read mail at ``email`` (a verification, reset or change link).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Mail the user when their account is signed in from a browser it has not seen before.
    sign_in_alerts: Mapped[bool] = mapped_column(default=True, server_default=true())

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class AuthAttempt(db.Model):
    """A password check or a sign-up, counted per email, session or IP for throttling.

    Kept in the database, not in process memory, so the limits hold across gunicorn workers
    and hosts.
    """

    __tablename__ = "auth_attempts"
    __table_args__ = (
        Index("ix_auth_attempts_email_created", "kind", "email", "created_at"),
        Index("ix_auth_attempts_ip_created", "kind", "ip", "created_at"),
        Index("ix_auth_attempts_session_created", "kind", "session_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    ip: Mapped[str | None] = mapped_column(String(45))
    #: The sign-in session a password check was made from (sudo, password change), if any:
    #: those checks have a budget per session, so guessing at an email cannot lock them.
    #: No foreign key: rows outlive their session until purged, and count only by id.
    session_id: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
