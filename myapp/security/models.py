"""The security activity log: what happened to an account, shown on the security page."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

#: Kinds of security events, in the words the security page shows.
EVENT_LABELS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Failed sign-in",
    "sign_out": "Signed out",
    "session_revoked": "Ended a session",
    "sessions_revoked_others": "Logged out all other devices",
    "sessions_revoked_all": "Logged out all devices",
    "password_changed": "Changed password",
    "sudo_confirmed": "Confirmed password",
    "sudo_failed": "Wrong password when confirming it",
    "sudo_code_failed": "Wrong authenticator code when confirming it's you",
    "password_change_failed": "Wrong current password when changing it",
    "sign_up": "Created account",
    "account_deleted": "Deleted account",
    "email_verified": "Verified email address",
    "email_change_requested": "Asked to change email address",
    "email_changed": "Changed email address",
    "password_reset": "Reset password",
    "two_factor_enabled": "Turned on two-factor authentication",
    "two_factor_disabled": "Turned off two-factor authentication",
    "recovery_codes_regenerated": "Made new recovery codes",
    "recovery_code_used": "Used a recovery code",
    "passkey_added": "Added a passkey",
    "passkey_removed": "Removed a passkey",
    "identity_linked": "Linked a sign-in provider",
    "identity_unlinked": "Unlinked a sign-in provider",
    "sign_in_reported": "Reported a sign-in as not yours",
    "sign_in_alerts_on": "Turned sign-in alerts on",
    "sign_in_alerts_off": "Turned sign-in alerts off",
}


class SecurityEvent(db.Model):
    """Something that happened to an account's security, shown as "Recent security activity"."""

    __tablename__ = "security_events"
    __table_args__ = (Index("ix_security_events_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Cleared when the account is deleted: the record of what happened outlives the account.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(120))
