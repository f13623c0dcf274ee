"""A provider identity: the (provider, subject) pair a provider signs in, linked to one user."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from myapp.auth.models import EMAIL_MAX_LENGTH
from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

#: Longest subject kept: OpenID Connect allows 255 ASCII characters.
SUBJECT_MAX_LENGTH = 255


class Identity(db.Model):
    """An account at a provider that signs in as ``user_id``.

    Sign-in looks identities up by (provider, subject), the only pair a provider promises never
    to reassign; never by email, which can change hands.
    """

    __tablename__ = "identities"
    __table_args__ = (
        UniqueConstraint("provider", "subject", name="uq_identities_provider_subject"),
        # One account per provider per user keeps "Unlink Google" unambiguous.
        UniqueConstraint("user_id", "provider", name="uq_identities_user_id_provider"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The provider's name in ``OIDC_PROVIDERS``.
    provider: Mapped[str] = mapped_column(String(16))
    #: The ID token's ``sub``: stable and unique within the provider.
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX_LENGTH))
    #: The email the provider last gave, shown on the security page; never used to match.
    email: Mapped[str | None] = mapped_column(String(EMAIL_MAX_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Identity {self.provider} user={self.user_id}>"
