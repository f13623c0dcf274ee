"""Create organizations and manage who belongs to them: every write through an action client.

Rules: the creator owns the organization and is its first admin; only admins manage members;
the owner cannot be removed or demoted; the last admin cannot be demoted or removed; a member
may leave an organization they do not own.
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from myapp.actions import (
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    return_validation_errors,
)
from myapp.auth.models import User
from myapp.clients import (
    auth_action_client,
    auth_organization_action_client,
    sudo_admin_action_client,
)
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.organizations.data import ADMINS_ONLY
from myapp.organizations.forms import MemberForm, OrganizationForm, RoleForm
from myapp.organizations.models import ROLE_ADMIN, SLUG_MAX_LENGTH, Membership, Organization

SLUG_TAKEN = "That slug is taken. Choose another."
NO_ACCOUNT = "No account with that email."
ALREADY_MEMBER = "That person is already a member."
OWNER_IS_ADMIN = "The owner is always an admin."
OWNER_STAYS = "The owner cannot be removed."
OWNER_CANNOT_LEAVE = "The owner cannot leave the organization."
LAST_ADMIN = "An organization needs at least one admin."

#: Used when a name has no letters or digits to make a slug from.
FALLBACK_SLUG = "organization"
#: Tries at a derived slug before giving up, when concurrent creations keep taking it.
SLUG_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class MemberChange:
    """Which membership an action changed, and whether it was the caller's own."""

    membership_id: int
    is_caller: bool


@auth_action_client.metadata(action_name="create_organization").schema(OrganizationForm).action
def create_organization(parsed_input, ctx) -> str:
    """Create an organization owned by the caller, its first admin; return its slug.

    A slug the user chose must be free (a field error otherwise); one derived from the name
    gets the first free numeric suffix (``acme``, ``acme-2``, ...).
    """
    name, chosen = parsed_input["name"], parsed_input["slug"] or None
    if chosen and slug_taken(chosen):
        return_validation_errors({"slug": [SLUG_TAKEN]})
    for _ in range(SLUG_ATTEMPTS):
        slug = chosen or free_slug(derive_slug(name))
        organization = Organization(name=name, slug=slug)
        owner = Membership(
            organization=organization,
            user_id=ctx.session.user.id,
            role=ROLE_ADMIN,
            is_owner=True,
        )
        db.session.add_all([organization, owner])
        try:
            db.session.commit()
        except IntegrityError:
            # Someone else took the slug between our check and our insert.
            db.session.rollback()
            if chosen:
                break
            continue
        return slug
    return_validation_errors({"slug": [SLUG_TAKEN]})


@(
    sudo_admin_action_client.metadata(action_name="add_member", forbidden_message=ADMINS_ONLY)
    .schema(MemberForm)
    .action
)
def add_member(parsed_input, ctx) -> MemberChange:
    """Give the account with this email a role in the organization.

    Needs sudo mode like every role change: a stolen admin session must not add its own
    account as an admin, who could then remove the others.
    """
    lock_memberships_as_admin(ctx)
    found = db.session.execute(
        select(User.id, Membership.id.label("membership_id"))
        .outerjoin(
            Membership,
            and_(
                Membership.user_id == User.id,
                Membership.organization_id == ctx.organization.id,
            ),
        )
        .where(User.email == parsed_input["email"])  # stored form: auth/forms.py:email_field
    ).first()
    if found is None:
        return_validation_errors({"email": [NO_ACCOUNT]})
    if found.membership_id is not None:
        return_validation_errors({"email": [ALREADY_MEMBER]})
    membership = Membership(
        organization_id=ctx.organization.id, user_id=found.id, role=parsed_input["role"]
    )
    db.session.add(membership)
    try:
        db.session.flush()
    except IntegrityError:
        # Two admins added the same person at once; the unique pair decided.
        db.session.rollback()
        return_validation_errors({"email": [ALREADY_MEMBER]})
    change = MemberChange(membership_id=membership.id, is_caller=False)
    db.session.commit()
    return change


@(
    sudo_admin_action_client.metadata(
        action_name="change_member_role", forbidden_message=ADMINS_ONLY
    )
    .schema(RoleForm)
    .action
)
def change_role(parsed_input, ctx, *, membership_id: int) -> MemberChange:
    """Make a member an admin or an admin a member, keeping the owner and one admin."""
    lock_memberships_as_admin(ctx)
    target = find_membership(ctx, membership_id)
    role = parsed_input["role"]
    if role != target.role:
        if target.is_owner:
            raise PreconditionFailedError(OWNER_IS_ADMIN)
        if target.role == ROLE_ADMIN and admin_count(ctx) <= 1:
            raise PreconditionFailedError(LAST_ADMIN)
        target.role = role
    change = MemberChange(membership_id=target.id, is_caller=target.id == ctx.membership.id)
    db.session.commit()
    return change


@(
    sudo_admin_action_client.metadata(action_name="remove_member", forbidden_message=ADMINS_ONLY)
    .schema(EmptyForm)
    .action
)
def remove_member(parsed_input, ctx, *, membership_id: int) -> MemberChange:
    """Take a member out of the organization; never the owner or the last admin."""
    lock_memberships_as_admin(ctx)
    target = find_membership(ctx, membership_id)
    if target.is_owner:
        raise PreconditionFailedError(OWNER_STAYS)
    if target.role == ROLE_ADMIN and admin_count(ctx) <= 1:
        raise PreconditionFailedError(LAST_ADMIN)
    change = MemberChange(membership_id=target.id, is_caller=target.id == ctx.membership.id)
    db.session.delete(target)
    db.session.commit()
    return change


@auth_organization_action_client.metadata(action_name="leave_organization").schema(EmptyForm).action
def leave_organization(parsed_input, ctx) -> None:
    """Take the caller out of an organization they do not own."""
    if ctx.membership.is_owner:
        raise PreconditionFailedError(OWNER_CANNOT_LEAVE)
    caller = lock_memberships(ctx)
    if caller is None:
        raise NotFoundError()
    if caller.role == ROLE_ADMIN and admin_count(ctx) <= 1:
        raise PreconditionFailedError(LAST_ADMIN)
    db.session.execute(delete(Membership).where(Membership.id == ctx.membership.id))
    db.session.commit()


def lock_memberships(ctx) -> Membership | None:
    """Serialise membership changes within the organization; return the caller's, re-read.

    Locking the organization row, rather than the memberships involved, lets two admins who
    demote each other at once queue instead of deadlocking. The lock is a no-op UPDATE: a row
    lock on PostgreSQL and, on SQLite, where pysqlite opens the transaction only at the first
    write, the database's write lock, taken before anything below is read. ``ctx.membership``
    was read before the lock, so the caller's membership is read again under it (None if it
    was removed meanwhile).
    """
    db.session.execute(
        update(Organization)
        .where(Organization.id == ctx.organization.id)
        .values(id=Organization.id)
    )
    return db.session.get(Membership, ctx.membership.id, populate_existing=True)


def lock_memberships_as_admin(ctx) -> None:
    """Take the lock of ``lock_memberships`` and check that the caller is still an admin.

    :raise ForbiddenError: the caller was demoted or removed while waiting for the lock.
    """
    caller = lock_memberships(ctx)
    if caller is None or caller.role != ROLE_ADMIN:
        raise ForbiddenError(ADMINS_ONLY)


def find_membership(ctx, membership_id: int) -> Membership:
    """Return the membership with this id in the caller's organization.

    :raise NotFoundError: it does not exist or belongs to another organization.
    """
    membership = db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id,
            Membership.organization_id == ctx.organization.id,
        )
    )
    if membership is None:
        raise NotFoundError("That member does not exist.")
    return membership


def admin_count(ctx) -> int:
    """Return how many admins the organization has."""
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.organization_id == ctx.organization.id, Membership.role == ROLE_ADMIN)
    )


def slug_taken(slug: str) -> bool:
    """Return whether an organization already has this slug."""
    return db.session.scalar(select(Organization.id).where(Organization.slug == slug)) is not None


def derive_slug(name: str) -> str:
    """Return a slug made from ``name``: ASCII lowercase letters and digits joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:SLUG_MAX_LENGTH].rstrip("-") or FALLBACK_SLUG


def free_slug(base: str) -> str:
    """Return ``base``, or ``base-2``, ``base-3``, ... : the first that no organization has.

    One query fetches every slug that shares the stem, so a crowded name costs no more
    round trips than a fresh one.
    """
    # Long bases are cut to make room for the suffix; every candidate keeps this stem.
    stem = base[: SLUG_MAX_LENGTH - 10]
    taken = set(
        db.session.scalars(
            select(Organization.slug).where(Organization.slug.startswith(stem, autoescape=True))
        )
    )
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = base[: SLUG_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
    return candidate
