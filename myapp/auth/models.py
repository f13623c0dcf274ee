"""The user account."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

#: Longest email address a mailbox can have (RFC 5321 path limit).
EMAIL_MAX_LENGTH = 254
NAME_MAX_LENGTH = 100


def normalize_email(value: str) -> str:
    """Return the form of an email address used for storage and comparison.

    Addresses are compared case-insensitively: trimmed and case-folded, so
    ``Ada@Example.com`` and ``ada@example.com `` are one account.
    """
    return value.strip().casefold()


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    # Stored normalised (see normalize_email), so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the user proved they read mail at ``email`` (a verification, reset or change link).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"
