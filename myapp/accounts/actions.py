"""Verify an email, reset a forgotten password, change name and email, delete the account:
each an action.

Every link's token is single-use (``myapp.tokens.use_token`` deletes it in the action's
transaction), so a failed action (a taken address, a bad password) rolls back and leaves the
link working, and a successful one leaves nothing to replay. Mail goes out after the commit;
a send that fails is logged and the user can ask again.
"""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError

from myapp.accounts import emails, throttle
from myapp.accounts.forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    NameForm,
    ResetPasswordForm,
)
from myapp.actions import NotFoundError, PreconditionFailedError, return_validation_errors
from myapp.auth.models import User, normalize_email
from myapp.auth.passwords import hash_password
from myapp.clients import action_client, auth_action_client, sudo_action_client
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.mail import in_background
from myapp.organizations.actions import lock_organizations
from myapp.organizations.models import Membership, Organization
from myapp.security.events import record_event
from myapp.sessions import deduped_auth
from myapp.sessions.lifecycle import client_ip, end_user_sessions, forget_this_device
from myapp.tokens import issue_token, revoke_tokens, use_token

#: The one answer for a used, expired, unknown or mistyped link.
LINK_INVALID = "This link is invalid, has already been used or has expired."
EMAIL_TAKEN = "An account with this email already exists."
EMAIL_UNCHANGED = "That is already your email address."
EMAIL_NOW_TAKEN = "That address now belongs to another account, so your email was not changed."


def issue_verification(user: User) -> str:
    """Stage a verification token for ``user``'s current address; return the raw token."""
    return issue_token(
        emails.VERIFY_EMAIL,
        user_id=user.id,
        email=user.email,
        max_age=current_app.config["EMAIL_VERIFICATION_MAX_AGE"],
    )


@auth_action_client.metadata(action_name="resend_verification").schema(EmptyForm).action
def resend_verification(parsed_input, ctx) -> bool | None:
    """Mail a new verification link; return whether it was sent (None: already verified).

    :raise TooManyRequests: a link went out within the minute, or five within the day.
    """
    if ctx.session.user.email_verified:
        return None
    user = db.session.get(User, ctx.session.user.id)
    throttle.count_resend(user.email)
    raw = issue_verification(user)
    db.session.commit()
    return emails.send_verification(user.email, user.name, raw)


@action_client.metadata(action_name="verify_email").schema(EmptyForm).action
def verify_email(parsed_input, ctx, *, token: str) -> str:
    """Mark the address the link was sent to as verified; return it.

    :raise NotFoundError: the link is used, expired, unknown, or the account has since moved
        to another address; nothing changes.
    """
    grant = use_token(emails.VERIFY_EMAIL, token)
    user = db.session.get(User, grant.user_id) if grant else None
    if user is None or user.email != grant.email:
        raise NotFoundError(LINK_INVALID)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event(user.id, "email_verified")
    db.session.commit()
    return user.email


@action_client.metadata(action_name="request_password_reset").schema(ForgotPasswordForm).action
def request_password_reset(parsed_input, ctx) -> None:
    """Count and throttle the request, then mail a reset link if the address has an account.

    The request does the same work whether or not the account exists: the lookup, the token
    and the message happen after the response, in ``mail_reset_link``, so neither the answer
    nor its timing tells which addresses have accounts.

    :raise TooManyRequests: this email or IP asked too often within the hour.
    """
    email = normalize_email(parsed_input["email"])
    ip = client_ip()
    throttle.count_password_reset(email, ip)
    in_background(mail_reset_link, email)


def mail_reset_link(email: str) -> None:
    """Issue a reset token for the account at ``email``, if any, and mail its link.

    Runs after the response (see ``request_password_reset``), outside any request: the
    request that asked has already been counted and answered.
    """
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        return
    raw = issue_token(
        emails.RESET_PASSWORD,
        user_id=user.id,
        max_age=current_app.config["PASSWORD_RESET_MAX_AGE"],
    )
    db.session.commit()
    emails.send_password_reset(user.email, user.name, raw)


@action_client.metadata(action_name="reset_password").schema(ResetPasswordForm).action
def reset_password(parsed_input, ctx, *, token: str) -> None:
    """Set a new password from a reset link and end every session of the account.

    Opening the link proves the user reads mail at the address, so it counts as verifying
    it. Every other reset link of the user stops working too.

    :raise NotFoundError: the link is used, expired or unknown; nothing changes.
    """
    grant = use_token(emails.RESET_PASSWORD, token)
    user = db.session.get(User, grant.user_id) if grant else None
    if user is None:
        raise NotFoundError(LINK_INVALID)
    user.password_hash = hash_password(parsed_input["new_password"])
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    end_user_sessions(user.id)
    revoke_tokens(emails.RESET_PASSWORD, user_id=user.id)
    this_device = deduped_auth()
    if this_device is not None and this_device.user.id == user.id:
        forget_this_device()
    record_event(user.id, "password_reset")
    db.session.commit()
    emails.send_password_changed(user.email, user.name)


@auth_action_client.metadata(action_name="update_name").schema(NameForm).action
def update_name(parsed_input, ctx) -> str:
    """Change the signed-in user's name; return it."""
    user = db.session.get(User, ctx.session.user.id)
    user.name = parsed_input["name"]
    db.session.commit()
    return user.name


@dataclass(frozen=True, slots=True)
class EmailChangeRequested:
    """Where the confirmation link went, and whether the server took it."""

    new_email: str
    sent: bool


@sudo_action_client.metadata(action_name="request_email_change").schema(ChangeEmailForm).action
def request_email_change(parsed_input, ctx) -> EmailChangeRequested:
    """Mail a confirmation link to the new address and tell the old one.

    Nothing changes until the link is opened: whoever holds the session must also read mail
    at the new address. Only the newest link works.
    """
    user = db.session.get(User, ctx.session.user.id)
    new_email = normalize_email(parsed_input["email"])
    if new_email == user.email:
        return_validation_errors({"email": [EMAIL_UNCHANGED]})
    if db.session.scalar(select(User.id).where(User.email == new_email)) is not None:
        return_validation_errors({"email": [EMAIL_TAKEN]})
    revoke_tokens(emails.CHANGE_EMAIL, user_id=user.id)
    raw = issue_token(
        emails.CHANGE_EMAIL,
        user_id=user.id,
        email=new_email,
        max_age=current_app.config["EMAIL_VERIFICATION_MAX_AGE"],
    )
    record_event(user.id, "email_change_requested")
    db.session.commit()
    sent = emails.send_email_change_link(new_email, user.name, raw)
    emails.send_email_change_notice(user.email, user.name, new_email)
    return EmailChangeRequested(new_email=new_email, sent=sent)


@action_client.metadata(action_name="change_email").schema(EmptyForm).action
def change_email(parsed_input, ctx, *, token: str) -> str:
    """Move the account to the address the link was sent to, now verified; return it.

    Links sent to the old address (verification, password reset) stop working.

    :raise NotFoundError: the link is used, expired or unknown; nothing changes.
    :raise PreconditionFailedError: another account took the address meanwhile (409);
        nothing changes.
    """
    grant = use_token(emails.CHANGE_EMAIL, token)
    user = db.session.get(User, grant.user_id) if grant else None
    if user is None:
        raise NotFoundError(LINK_INVALID)
    taken = db.session.scalar(select(User.id).where(User.email == grant.email, User.id != user.id))
    if taken is not None:
        raise PreconditionFailedError(EMAIL_NOW_TAKEN)
    user.email = grant.email
    user.email_verified_at = utcnow()
    revoke_tokens(emails.VERIFY_EMAIL, user_id=user.id)
    revoke_tokens(emails.RESET_PASSWORD, user_id=user.id)
    record_event(user.id, "email_changed")
    try:
        db.session.flush()
    except IntegrityError:
        # The address was taken between the check and the write; the unique index decided.
        raise PreconditionFailedError(EMAIL_NOW_TAKEN) from None
    db.session.commit()
    return user.email


TYPE_YOUR_EMAIL = "Type your email address exactly to confirm."
LAST_OWNER_OF = (
    "You are the only owner of {names}, which {verb} other members. Make one of them an owner, "
    "or delete the organization, before you delete your account."
)


@dataclass(frozen=True, slots=True)
class DeletedAccount:
    """Who was deleted (to send the confirmation) and which organizations went with them."""

    email: str
    name: str
    deleted_organizations: list[str]


@sudo_action_client.metadata(action_name="delete_account").schema(DeleteAccountForm).action
def delete_account(parsed_input, ctx) -> DeletedAccount:
    """Delete the signed-in account, its sessions and memberships, and organizations it alone
    belongs to; refuse while it is the last owner of an organization with other members.

    Every session row goes with the user (a foreign-key cascade), so each device is signed out
    on its very next request. Security events stay, with their user reference cleared.
    """
    user = ctx.session.user
    if normalize_email(parsed_input["confirm"]) != user.email:
        return_validation_errors({"confirm": [TYPE_YOUR_EMAIL]})
    mine = select(Membership.organization_id).where(Membership.user_id == user.id)
    # Nobody joins, leaves or changes owners in these organizations until this commits.
    lock_organizations(Organization.id.in_(mine))
    my_ownership = dict(
        db.session.execute(
            select(Membership.organization_id, Membership.is_owner).where(
                Membership.user_id == user.id
            )
        ).all()
    )
    organizations = db.session.execute(
        select(
            Organization.id,
            Organization.name,
            func.count(Membership.id).label("members"),
            func.sum(case((Membership.is_owner, 1), else_=0)).label("owners"),
        )
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Organization.id.in_(mine))
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    blocking = [
        o.name for o in organizations if my_ownership[o.id] and o.owners == 1 and o.members > 1
    ]
    if blocking:
        verb = "has" if len(blocking) == 1 else "have"
        return_validation_errors(
            form_errors=[LAST_OWNER_OF.format(names=", ".join(blocking), verb=verb)]
        )
    alone = [o for o in organizations if o.members == 1]
    if alone:
        db.session.execute(delete(Organization).where(Organization.id.in_([o.id for o in alone])))
    record_event(user.id, "account_deleted")
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()
    forget_this_device()
    deleted = [o.name for o in alone]
    emails.send_account_deleted(user.email, user.name, deleted)
    return DeletedAccount(email=user.email, name=user.name, deleted_organizations=deleted)
