"""Reads for invitation pages: the pending list (admins) and the page a mailed link opens."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from myapp.auth.models import User
from myapp.database import utcnow
from myapp.extensions import db
from myapp.invitations.models import STATUS_PENDING, Invitation
from myapp.organizations.context import get_admin_organization_context
from myapp.organizations.data import ADMINS_ONLY
from myapp.organizations.models import Organization
from myapp.sessions.tokens import hash_token, is_well_formed


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    """One row of the members page's pending invitations; ``id`` addresses resend and revoke."""

    id: int
    email: str
    role: str
    invited_by: str | None
    expires_at: datetime

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()


@dataclass(frozen=True, slots=True)
class InvitationPage:
    """What the invitee's page shows: which organization, which role, from whom, to whom."""

    email: str
    role: str
    organization_name: str
    organization_slug: str
    invited_by: str | None
    expires_at: datetime


def list_pending_invitations() -> list[PendingInvitation]:
    """Return the organization's pending invitations, newest first; admins only.

    :raise 403: the signed-in user is a member but not an admin.
    """
    ctx = get_admin_organization_context(ADMINS_ONLY)
    rows = db.session.execute(
        select(
            Invitation.id,
            Invitation.email,
            Invitation.role,
            User.name.label("invited_by"),
            Invitation.expires_at,
        )
        .outerjoin(User, User.id == Invitation.invited_by_id)
        .where(
            Invitation.organization_id == ctx.organization.id,
            Invitation.status == STATUS_PENDING,
        )
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return [PendingInvitation(**row._mapping) for row in rows]


def find_invitation(token: str) -> InvitationPage | None:
    """Return the pending, unexpired invitation this link's token opens, or None.

    The token is the credential: anyone holding the link may see whom it invites and where,
    signed in or not. Reading changes nothing (mail scanners open links).
    """
    if not is_well_formed(token):
        return None
    inviter = aliased(User)
    row = db.session.execute(
        select(
            Invitation.email,
            Invitation.role,
            Organization.name.label("organization_name"),
            Organization.slug.label("organization_slug"),
            inviter.name.label("invited_by"),
            Invitation.expires_at,
        )
        .join(Organization, Organization.id == Invitation.organization_id)
        .outerjoin(inviter, inviter.id == Invitation.invited_by_id)
        .where(
            Invitation.token_hash == hash_token(token),
            Invitation.status == STATUS_PENDING,
            Invitation.expires_at > utcnow(),
        )
    ).first()
    return InvitationPage(**row._mapping) if row else None
