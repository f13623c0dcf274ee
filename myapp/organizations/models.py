"""Organizations and the memberships that give users a role in them."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

ROLE_MEMBER = "member"
ROLE_ADMIN = "admin"
SLUG_MAX_LENGTH = 50
ORGANIZATION_NAME_MAX_LENGTH = 100


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_MAX_LENGTH), unique=True)
    name: Mapped[str] = mapped_column(String(ORGANIZATION_NAME_MAX_LENGTH))
    #: Members without a second factor are refused every page and action of the organization.
    require_two_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organization {self.slug}>"


class Membership(db.Model):
    """A user's place in an organization: a role, and whether they own (created) it."""

    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organization_id", "user_id", name="uq_memberships_organization_user"),
        CheckConstraint("role IN ('member', 'admin')", name="role_known"),
        # URLs name memberships by id: SQLite must not hand a removed one's id to the next.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=ROLE_MEMBER)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization = relationship("Organization")

    def __repr__(self) -> str:
        return f"<Membership org={self.organization_id} user={self.user_id} {self.role}>"
