"""Reads for organization pages; each checks the session, membership and role itself."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.organizations.context import (
    get_admin_organization_context,
    get_auth_organization_context,
)
from myapp.organizations.models import Membership, Organization
from myapp.sessions import get_auth_context
from myapp.two_factor.factors import has_second_factor_clause

#: Shown with the 403 of every members-management page and action.
ADMINS_ONLY = "Only admins can manage members."


@dataclass(frozen=True, slots=True)
class MyOrganization:
    """One row of "your organizations": enough to link to it and show your role."""

    slug: str
    name: str
    role: str
    is_owner: bool


@dataclass(frozen=True, slots=True)
class Member:
    """One row of the members page; ``id`` is the membership id that member actions use."""

    id: int
    user_id: int
    name: str
    email: str
    role: str
    is_owner: bool
    joined_at: datetime
    #: Has an authenticator app or a passkey.
    has_two_factor: bool


def list_my_organizations() -> list[MyOrganization]:
    """Return the signed-in user's organizations with their role, by name."""
    ctx = get_auth_context()
    rows = db.session.execute(
        select(Organization.slug, Organization.name, Membership.role, Membership.is_owner)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == ctx.session.user.id)
        .order_by(Organization.name, Organization.id)
    )
    return [MyOrganization(**row._mapping) for row in rows]


def count_owners() -> int:
    """Return how many owners the organization in the URL has; any member may ask."""
    ctx = get_auth_organization_context()
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == ctx.organization.id, Membership.is_owner.is_(True))
    )


def list_members() -> list[Member]:
    """Return the organization's members, owner first, then by name; admins only.

    :raise 403: the signed-in user is a member but not an admin.
    """
    ctx = get_admin_organization_context(ADMINS_ONLY)
    rows = db.session.execute(
        select(
            Membership.id,
            Membership.user_id,
            User.name,
            User.email,
            Membership.role,
            Membership.is_owner,
            Membership.created_at.label("joined_at"),
            has_second_factor_clause(Membership.user_id).label("has_two_factor"),
        )
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == ctx.organization.id)
        .order_by(Membership.is_owner.desc(), User.name, Membership.id)
    )
    return [Member(**{**row._mapping, "has_two_factor": bool(row.has_two_factor)}) for row in rows]
