"""Import every feature's models, so SQLAlchemy's metadata and Alembic see all tables."""

from myapp.auth.models import AuthAttempt, User
from myapp.contacts.models import Contact
from myapp.invitations.models import Invitation
from myapp.known_devices.models import KnownDevice
from myapp.oidc.models import Identity
from myapp.organizations.models import Membership, Organization
from myapp.passkeys.models import Passkey, PasskeyChallenge
from myapp.security.models import SecurityEvent
from myapp.sessions.models import UserSession
from myapp.tokens import Token
from myapp.two_factor.models import PendingSignIn, RecoveryCode, TotpCredential

__all__ = [
    "AuthAttempt",
    "Contact",
    "Identity",
    "KnownDevice",
    "Invitation",
    "Membership",
    "Organization",
    "Passkey",
    "PasskeyChallenge",
    "PendingSignIn",
    "RecoveryCode",
    "SecurityEvent",
    "Token",
    "TotpCredential",
    "User",
    "UserSession",
]
