"""Contacts: the example resource that belongs to an organization."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

CONTACT_NAME_MAX_LENGTH = 100
CONTACT_PHONE_MAX_LENGTH = 40
CONTACT_NOTES_MAX_LENGTH = 2000


class Contact(db.Model):
    __tablename__ = "contacts"
    # URLs name contacts by id: SQLite must not hand a deleted one's id to the next contact.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(CONTACT_NAME_MAX_LENGTH))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(CONTACT_PHONE_MAX_LENGTH))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.name!r}>"
