"""A browser a user has signed in from, known by the hash of its device cookie."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

LABEL_MAX_LENGTH = 120


class KnownDevice(db.Model):
    """One of a user's browsers. The raw device id lives only in its cookie."""

    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("user_id", "device_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Hex SHA-256 of the device cookie's id: a database leak names no browser.
    device_hash: Mapped[str] = mapped_column(String(64))
    #: "Chrome 131 on macOS", from the user agent of the first sign-in.
    label: Mapped[str] = mapped_column(String(LABEL_MAX_LENGTH))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The latest sign-in from this browser (not every request: that would write on each).
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
