"""Create organizations and manage who belongs to them: every write through an action client.

Rules: the creator owns the organization and is its first admin; only admins manage members
(people join by invitation, see ``myapp.invitations``); owners cannot be removed or demoted;
the last admin cannot be demoted or removed; anyone may leave but the last owner; an owner may
make another member an owner, and delete the organization.
"""

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
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
    sudo_owner_action_client,
)
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.mail import in_background
from myapp.organizations import emails
from myapp.organizations.data import ADMINS_ONLY, count_owners
from myapp.organizations.forms import (
    DeleteOrganizationForm,
    OrganizationForm,
    RoleForm,
    TransferForm,
)
from myapp.organizations.models import ROLE_ADMIN, SLUG_MAX_LENGTH, Membership, Organization

SLUG_TAKEN = "That slug is taken. Choose another."
OWNER_IS_ADMIN = "The owner is always an admin."
OWNER_STAYS = "The owner cannot be removed."
LAST_OWNER = (
    "You are the only owner. Transfer ownership to another member or delete the organization "
    "before you leave."
)
ALREADY_OWNER = "That member is already an owner."
OWNERS_ONLY = "Only owners can do that."
TYPE_THE_SLUG = "Type the organization's slug exactly to confirm."
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


@(
    auth_organization_action_client.metadata(
        action_name="leave_organization", second_factor_optional=True
    )
    .schema(EmptyForm)
    .action
)
def leave_organization(parsed_input, ctx) -> None:
    """Take the caller out of the organization, unless they are its last owner.

    A member without the second factor the organization requires may still leave: it is the
    way out its refusal page offers besides setting one up.
    """
    caller = lock_memberships(ctx)
    if caller is None:
        raise NotFoundError()
    if caller.is_owner and count_owners() <= 1:
        return_validation_errors(form_errors=[LAST_OWNER])
    if caller.role == ROLE_ADMIN and admin_count(ctx) <= 1:
        raise PreconditionFailedError(LAST_ADMIN)
    db.session.delete(caller)
    db.session.commit()


@(
    sudo_owner_action_client.metadata(
        action_name="transfer_ownership", forbidden_message=OWNERS_ONLY
    )
    .schema(TransferForm)
    .action
)
def transfer_ownership(parsed_input, ctx, *, membership_id: int) -> MemberChange:
    """Make another member an owner (and admin); the caller stays an owner only if asked.

    An organization may have several owners: each can invite admins, transfer ownership and
    delete the organization, and none can be demoted or removed by an admin.
    """
    me = lock_memberships(ctx)
    if me is None or not me.is_owner:
        # Another owner's transfer took our ownership between the page and this post.
        raise ForbiddenError(OWNERS_ONLY)
    target = find_membership(ctx, membership_id)
    if target.is_owner:
        return_validation_errors(form_errors=[ALREADY_OWNER])
    target.is_owner = True
    target.role = ROLE_ADMIN
    if not parsed_input["stay_owner"]:
        me.is_owner = False
    change = MemberChange(membership_id=target.id, is_caller=False)
    db.session.commit()
    return change


@(
    sudo_owner_action_client.metadata(
        action_name="delete_organization", forbidden_message=OWNERS_ONLY
    )
    .schema(DeleteOrganizationForm)
    .action
)
def delete_organization(parsed_input, ctx) -> str:
    """Delete the organization with its memberships, contacts and invitations; return its name.

    One DELETE in one transaction: the database cascades to every row that belongs to the
    organization, so a failure leaves all of it in place. The other members are told by mail
    from a background thread, so a large organization does not hold the response.
    """
    if parsed_input["confirm"] != ctx.organization.slug:
        return_validation_errors({"confirm": [TYPE_THE_SLUG]})
    caller = lock_memberships(ctx)
    if caller is None or not caller.is_owner:
        raise ForbiddenError(OWNERS_ONLY)
    recipients = [
        (row.email, row.name)
        for row in db.session.execute(
            select(User.email, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == ctx.organization.id,
                Membership.id != ctx.membership.id,
            )
            .order_by(User.id)
        )
    ]
    db.session.execute(delete(Organization).where(Organization.id == ctx.organization.id))
    db.session.commit()
    in_background(
        emails.send_organization_deleted,
        recipients,
        ctx.organization.name,
        ctx.session.user.name,
    )
    return ctx.organization.name


def lock_memberships(ctx) -> Membership | None:
    """Serialise membership changes within the organization; return the caller's, re-read.

    Locking the organization row, rather than the memberships involved, lets two admins who
    demote each other at once queue instead of deadlocking. The lock is a no-op UPDATE: a row
    lock on PostgreSQL and, on SQLite, where pysqlite opens the transaction only at the first
    write, the database's write lock, taken before anything below is read. ``ctx.membership``
    was read before the lock, so the caller's membership is read again under it (None if it
    was removed meanwhile).
    """
    lock_organizations(Organization.id == ctx.organization.id)
    return db.session.get(Membership, ctx.membership.id, populate_existing=True)


def lock_organizations(condition) -> None:
    """Lock the organization rows that match ``condition`` until this transaction ends.

    A no-op UPDATE: row locks on PostgreSQL, and on SQLite the database's write lock, which
    also opens the transaction there before anything that follows is read.
    """
    db.session.execute(update(Organization).where(condition).values(id=Organization.id))


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
