"""Invite by email, resend, revoke, accept and decline: every write through an action client.

Rules: admins invite members; only owners invite (or re-invite) admins. One pending invitation
per address and organization, at most ``INVITATION_LIMIT_PER_ORGANIZATION`` pending, and at
most ``INVITATION_LIMIT_PER_ADMIN`` sent by one admin within an hour. Nobody becomes a member
until the invitee accepts from the mailed link, signed in with the invited, verified address.
The form never looks accounts up, so it answers alike whether or not the address has one.
"""

import math
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, func, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import TooManyRequests

from myapp.actions import (
    ForbiddenError,
    NotFoundError,
    return_validation_errors,
)
from myapp.auth.models import User, normalize_email
from myapp.clients import admin_action_client, auth_action_client, sudo_admin_action_client
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.invitations import emails
from myapp.invitations.forms import InvitationForm
from myapp.invitations.models import (
    STATUS_ACCEPTED,
    STATUS_DECLINED,
    STATUS_PENDING,
    STATUS_REVOKED,
    Invitation,
)
from myapp.organizations.actions import lock_memberships
from myapp.organizations.data import ADMINS_ONLY
from myapp.organizations.models import ROLE_ADMIN, Membership, Organization
from myapp.sessions.tokens import hash_token, is_well_formed, new_token

ALREADY_MEMBER = "That person is already a member."
ALREADY_INVITED = "That address already has a pending invitation. Resend it from the list below."
OWNERS_INVITE_ADMINS = "Only owners can invite admins."
TOO_MANY_PENDING = "This organization has {limit} pending invitations. Revoke some first."
TOO_MANY_SENT = "You sent too many invitations within the hour. Try again in {minutes}."
LINK_INVALID = "This invitation link is invalid, has been used or revoked, or has expired."
WRONG_ACCOUNT = "This invitation is for another email address than the one you are signed in with."
VERIFY_FIRST = "Verify your email address first: open the link we sent you, then this invitation."
NOT_FOUND = "That invitation does not exist."

SEND_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class Sent:
    """An invitation just issued: its row id, its address, and whether the mail went out."""

    id: int
    email: str
    mailed: bool


@(
    sudo_admin_action_client.metadata(action_name="invite", forbidden_message=ADMINS_ONLY)
    .schema(InvitationForm)
    .action
)
def invite(parsed_input, ctx) -> Sent:
    """Invite an address to the organization with a role, and mail it the link.

    A pending invitation to the same address that has expired is replaced; an unexpired one
    is a field error (the list offers Resend).
    """
    email, role = normalize_email(parsed_input["email"]), parsed_input["role"]
    # Serialise invitations and membership changes in this organization: the limits and the
    # "already a member" check hold against concurrent posts, and the caller's role is read
    # again under the lock.
    caller = lock_memberships(ctx)
    if caller is None or caller.role != ROLE_ADMIN:
        raise ForbiddenError(ADMINS_ONLY)
    if role == ROLE_ADMIN and not caller.is_owner:
        return_validation_errors({"role": [OWNERS_INVITE_ADMINS]})
    check_send_allowed(ctx)
    if _is_member(ctx, email):
        return_validation_errors({"email": [ALREADY_MEMBER]})
    pending = db.session.scalar(
        select(Invitation).where(
            Invitation.organization_id == ctx.organization.id,
            Invitation.email == email,
            Invitation.status == STATUS_PENDING,
        )
    )
    if pending is not None:
        if pending.expires_at > utcnow():
            return_validation_errors({"email": [ALREADY_INVITED]})
        _close(pending, STATUS_REVOKED)
        db.session.flush()  # the old row leaves "pending" before the new one enters it
    limit = current_app.config["INVITATION_LIMIT_PER_ORGANIZATION"]
    if _pending_count(ctx) >= limit:
        return_validation_errors(form_errors=[TOO_MANY_PENDING.format(limit=limit)])
    return _issue(ctx, email, role)


@(
    sudo_admin_action_client.metadata(
        action_name="resend_invitation", forbidden_message=ADMINS_ONLY
    )
    .schema(EmptyForm)
    .action
)
def resend_invitation(parsed_input, ctx, *, invitation_id: int) -> Sent:
    """Void a pending invitation's link and send the same offer with a new one.

    The new link is a new row: the old token stops working at once, and the hourly limit
    counts the resend like any invitation.

    :raise NotFoundError: no pending invitation with this id in the caller's organization.
    :raise ForbiddenError: an admin who is not an owner resends an invitation to be admin.
    """
    caller = lock_memberships(ctx)
    if caller is None or caller.role != ROLE_ADMIN:
        raise ForbiddenError(ADMINS_ONLY)
    old = _find_pending(ctx, invitation_id)
    if old.role == ROLE_ADMIN and not caller.is_owner:
        raise ForbiddenError(OWNERS_INVITE_ADMINS)
    check_send_allowed(ctx)
    _close(old, STATUS_REVOKED)
    db.session.flush()  # the old row leaves "pending" before the new one enters it
    return _issue(ctx, old.email, old.role)


@(
    admin_action_client.metadata(action_name="revoke_invitation", forbidden_message=ADMINS_ONLY)
    .schema(EmptyForm)
    .action
)
def revoke_invitation(parsed_input, ctx, *, invitation_id: int) -> str:
    """Void a pending invitation; return its address.

    No password prompt: revoking can only reduce who gets in.

    :raise NotFoundError: no pending invitation with this id in the caller's organization.
    """
    invitation = _find_pending(ctx, invitation_id)
    _close(invitation, STATUS_REVOKED)
    email = invitation.email
    db.session.commit()
    return email


@auth_action_client.metadata(action_name="accept_invitation").schema(EmptyForm).action
def accept_invitation(parsed_input, ctx, *, token: str) -> str:
    """Make the signed-in invitee a member with the offered role; return the slug.

    A member who accepts keeps the membership they have.

    :raise NotFoundError: the link is unknown, used, revoked or expired; nothing changes.
    :raise ForbiddenError: the user is signed in with another address, or has not verified it.
    """
    claimed = _answer(ctx, token, STATUS_ACCEPTED)
    user_id = ctx.session.user.id
    member = db.session.scalar(
        select(Membership.id).where(
            Membership.organization_id == claimed.organization_id, Membership.user_id == user_id
        )
    )
    if member is None:
        db.session.add(
            Membership(organization_id=claimed.organization_id, user_id=user_id, role=claimed.role)
        )
    slug = db.session.scalar(
        select(Organization.slug).where(Organization.id == claimed.organization_id)
    )
    db.session.commit()
    return slug


@auth_action_client.metadata(action_name="decline_invitation").schema(EmptyForm).action
def decline_invitation(parsed_input, ctx, *, token: str) -> None:
    """End the invitation without joining.

    :raise NotFoundError: the link is unknown, used, revoked or expired; nothing changes.
    :raise ForbiddenError: the user is signed in with another address, or has not verified it.
    """
    _answer(ctx, token, STATUS_DECLINED)
    db.session.commit()


def check_send_allowed(ctx) -> None:
    """Refuse with 429 when the caller sent ``INVITATION_LIMIT_PER_ADMIN`` within the hour.

    Counted from the invitations table (every send is a row), so the limit holds across
    workers and hosts and cannot be reset by revoking.
    """
    since = utcnow() - SEND_WINDOW
    count, oldest = db.session.execute(
        select(func.count(Invitation.id), func.min(Invitation.created_at)).where(
            Invitation.invited_by_id == ctx.session.user.id, Invitation.created_at > since
        )
    ).one()
    if count >= current_app.config["INVITATION_LIMIT_PER_ADMIN"]:
        seconds = max(1, math.ceil((oldest + SEND_WINDOW - utcnow()).total_seconds()))
        minutes = max(1, math.ceil(seconds / 60))
        raise TooManyRequests(
            description=TOO_MANY_SENT.format(
                minutes=f"{minutes} minute{'s' if minutes != 1 else ''}"
            ),
            retry_after=seconds,
        )


def _issue(ctx, email: str, role: str) -> Sent:
    token = new_token()
    now = utcnow()
    invitation = Invitation(
        organization_id=ctx.organization.id,
        email=email,
        role=role,
        token_hash=hash_token(token),
        status=STATUS_PENDING,
        invited_by_id=ctx.session.user.id,
        created_at=now,
        expires_at=now + timedelta(seconds=current_app.config["INVITATION_MAX_AGE"]),
    )
    db.session.add(invitation)
    try:
        db.session.flush()
    except IntegrityError:
        # Another admin invited the same address at the same moment (on SQLite, without row
        # locks, the partial unique index decides).
        db.session.rollback()
        return_validation_errors({"email": [ALREADY_INVITED]})
    invitation_id = invitation.id
    db.session.commit()
    # After the commit, so the mailed link works; a failed send is logged, and Resend retries.
    mailed = emails.send_invitation(
        email,
        token,
        organization=ctx.organization.name,
        inviter=ctx.session.user.name,
        role=role,
    )
    return Sent(id=invitation_id, email=email, mailed=mailed)


def _answer(ctx, token: str, status: str):
    """Mark the pending invitation ``token`` opens as ``status`` if it is the caller's.

    One conditional UPDATE ... RETURNING claims it: of two posts of one link, on either
    engine, exactly one finds it still pending. Return its organization id and role.
    """
    if not is_well_formed(token):
        raise NotFoundError(LINK_INVALID)
    pending = and_(
        Invitation.token_hash == hash_token(token),
        Invitation.status == STATUS_PENDING,
        Invitation.expires_at > utcnow(),
    )
    user = ctx.session.user
    claimed = None
    # Only an address the user has proven they read mail at: someone who signed up with a
    # colleague's address cannot take the colleague's invitation.
    if user.email_verified:
        claimed = db.session.execute(
            update(Invitation)
            .where(pending, Invitation.email == user.email)
            .values(status=status, responded_at=utcnow())
            .returning(Invitation.organization_id, Invitation.role)
        ).first()
    if claimed is None:
        invited = db.session.scalar(select(Invitation.email).where(pending))
        if invited is None:
            raise NotFoundError(LINK_INVALID)
        raise ForbiddenError(VERIFY_FIRST if invited == user.email else WRONG_ACCOUNT)
    return claimed


def _find_pending(ctx, invitation_id: int) -> Invitation:
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.organization_id == ctx.organization.id,
            Invitation.status == STATUS_PENDING,
        )
    )
    if invitation is None:
        raise NotFoundError(NOT_FOUND)
    return invitation


def _close(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = utcnow()


def _is_member(ctx, email: str) -> bool:
    return (
        db.session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(Membership.organization_id == ctx.organization.id, User.email == email)
        )
        is not None
    )


def _pending_count(ctx) -> int:
    return db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.organization_id == ctx.organization.id,
            Invitation.status == STATUS_PENDING,
            Invitation.expires_at > utcnow(),
        )
    )
