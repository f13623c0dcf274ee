"""A browser a user has signed in from, known by the hash of its device cookie."""

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint, delete
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db
from myapp.known_devices.cookie import MAX_AGE

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


def purge_forgotten_devices() -> int:
    """Delete devices unseen for longer than their cookie lives; return how many.

    Every sign-in renews the device cookie (``cookie.MAX_AGE``) and ``last_seen_at``, so a row
    older than that can never match a cookie again: it only keeps an old label around.
    """
    cutoff = utcnow() - timedelta(seconds=MAX_AGE)
    return db.session.execute(delete(KnownDevice).where(KnownDevice.last_seen_at < cutoff)).rowcount
