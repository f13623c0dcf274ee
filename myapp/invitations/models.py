"""An invitation to join an organization, sent to an email address."""

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, delete, or_, text
from sqlalchemy.orm import Mapped, mapped_column

from myapp.auth.models import EMAIL_MAX_LENGTH
from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db
from myapp.organizations.models import ROLE_MEMBER

STATUS_PENDING = "pending"
STATUS_ACCEPTED = "accepted"
STATUS_DECLINED = "declined"
#: Revoked by an admin, or replaced by a resend (which issues a new row and token).
STATUS_REVOKED = "revoked"
#: How long an answered or expired invitation is kept: its link answers "already used" or
#: "expired" (410) until then, and "not found" after.
INVITATION_RETENTION = timedelta(days=30)


class Invitation(db.Model):
    """An offer of a role in an organization to whoever proves they read mail at ``email``.

    Rows are kept after their answer (accepted, declined, revoked) so a used link gets a
    clear 410 and the per-admin hourly limit counts every invitation sent. At most one
    pending invitation per address and organization (a partial unique index).
    """

    __tablename__ = "invitations"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'admin')", name="role_known"),
        CheckConstraint(
            "status IN ('pending', 'accepted', 'declined', 'revoked')", name="status_known"
        ),
        Index(
            "uq_invitations_pending_email",
            "organization_id",
            "email",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index("ix_invitations_invited_by_created", "invited_by_id", "created_at"),
        # URLs name invitations by id: SQLite must never hand a deleted row's id to a new one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: Stored normalised (``normalize_email``), compared with the account's address.
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    #: Hex SHA-256 of the token in the mailed link; the raw token exists only in the mail.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=STATUS_PENDING)
    #: Who sent it; cleared if their account is deleted (the invitation stays valid).
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Invitation {self.id} org={self.organization_id} {self.status}>"


def purge_finished_invitations() -> int:
    """Delete invitations answered or expired more than ``INVITATION_RETENTION`` ago."""
    cutoff = utcnow() - INVITATION_RETENTION
    finished = or_(
        Invitation.responded_at < cutoff,
        (Invitation.status == STATUS_PENDING) & (Invitation.expires_at < cutoff),
    )
    return db.session.execute(delete(Invitation).where(finished)).rowcount
