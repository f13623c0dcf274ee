"""One row per signed-in device: the server side of the opaque session token."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from myapp.database import UTCDateTime, utcnow
from myapp.extensions import db

#: How a session can have been authenticated, in the words the security page shows.
AUTH_METHODS = {
    "password": "Password",
    "passkey": "Passkey",
    # Sessions from before both factors were recorded ("password+totp" now).
    "totp": "Password and authenticator app",
    "recovery_code": "Password and recovery code",
}
#: The second step of a two-step sign-in, as ``"<first>+<second>"`` ends.
SECOND_FACTORS = {
    "totp": "authenticator app",
    "recovery_code": "recovery code",
    "passkey": "passkey",
}


class UserSession(db.Model):
    """A sign-in session. The raw token lives only in the browser; this row keeps its SHA-256."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random id that pages and URLs use to address the row; never the token or its hash.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    #: Hex SHA-256 of the token: a database leak does not hand out working cookies.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: When the password was last confirmed on this device (sign-in counts): "sudo mode".
    sudo_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    #: How this session was authenticated: one of ``AUTH_METHODS``, a provider's name, or
    #: ``"<first>+<second>"`` for a two-step sign-in (``describe_auth_method`` words it).
    auth_method: Mapped[str] = mapped_column(String(32), default="password")

    def __repr__(self) -> str:
        return f"<UserSession {self.public_id} user={self.user_id}>"
