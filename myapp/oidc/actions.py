"""Sign in with a provider, link or unlink one, or confirm sudo mode with one: the writes.

The linking policy (SECURITY.md): a provider signs in only the user its (provider, subject)
pair is linked to. A first sign-in creates an account only when no account has that email;
otherwise it is refused, because an email from a provider proves nothing about who owns the
account here. Linking happens only from the security settings of a signed-in user in sudo
mode, and unlinking never leaves an account without a way to sign in.
"""

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask import Response
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from myapp.accounts import emails as account_emails
from myapp.accounts.actions import issue_verification
from myapp.actions import ActionError, ForbiddenError, NotFoundError, PreconditionFailedError
from myapp.auth import throttle
from myapp.auth.models import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    UNUSABLE_PASSWORD,
    User,
    normalize_email,
)
from myapp.auth.passwords import has_password
from myapp.clients import action_client, auth_action_client, sudo_action_client
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.oidc import emails, flow, providers
from myapp.oidc.forms import CallbackForm
from myapp.oidc.models import Identity
from myapp.oidc.providers import Provider
from myapp.security.events import record_event
from myapp.sessions.lifecycle import client_ip, start_session
from myapp.sessions.models import UserSession
from myapp.two_factor import pending as pending_sign_in
from myapp.two_factor.factors import has_second_factor


class AccountExistsError(ActionError):
    """A first sign-in with a provider names the email of an existing account (409)."""

    default_status = 409


@dataclass(frozen=True, slots=True)
class SignedIn:
    """What a provider sign-in did."""

    provider: Provider
    created_account: bool
    next_path: str | None


def _provider(name: str) -> Provider:
    provider = providers.get(name)
    if provider is None:
        raise NotFoundError()
    return provider


@action_client.metadata(action_name="oidc_start_sign_in").schema(EmptyForm).action
def start_sign_in(parsed_input, ctx, *, provider_name: str, next_path: str | None) -> str:
    """Start signing in (or up) with ``provider_name``; return the URL to send the browser to.

    :raise NotFoundError: no such provider is configured.
    """
    return flow.begin(_provider(provider_name), purpose=flow.SIGN_IN, next_path=next_path)


@action_client.metadata(action_name="oidc_finish_sign_in").schema(CallbackForm).action
def finish_sign_in(parsed_input, ctx, *, provider_name: str) -> SignedIn | Response:
    """Check the provider's answer and sign in the linked user, or create the account.

    A user with a second factor gets, instead, the response that sends the browser to it.

    :raise FlowError: the answer is forged, replayed, from another browser or fails a check.
    :raise AccountExistsError: no account is linked and one already has the email.
    """
    provider = _provider(provider_name)
    who, started = flow.complete(provider, parsed_input, purpose=flow.SIGN_IN)
    identity = db.session.scalar(
        select(Identity).where(Identity.provider == who.provider, Identity.subject == who.subject)
    )
    created = identity is None
    if created:
        user = _create_account(provider, who)
    else:
        user = db.session.get(User, identity.user_id)
        identity.email = _usable_email(who.email) or identity.email
        identity.last_used_at = utcnow()
    if not created and has_second_factor(user.id):
        # The provider stands in for the password only: the second factor is still asked for,
        # and the pending step goes on to ``next`` as after a password.
        response = pending_sign_in.begin(user.id, started.next_path, first_factor=provider.name)
        db.session.commit()
        return response
    start_session(user, auth_method=provider.name)
    record_event(user.id, "sign_up" if created else "sign_in")
    verification = None
    if created and user.email_verified_at is None:
        verification = issue_verification(user)
    db.session.commit()
    if verification is not None:
        # After the commit, so the link works; as after a sign-up with a password.
        account_emails.send_verification(user.email, user.name, verification)
    return SignedIn(provider=provider, created_account=created, next_path=started.next_path)


def _create_account(provider: Provider, who: flow.ProviderUser) -> User:
    """Create a user without a password and link ``who`` to it; refuse a taken email.

    :raise TooManyRequests: this address created too many accounts within the hour.
    """
    email = _usable_email(who.email)
    if email is None:
        raise ActionError(
            f"{provider.label} did not share an email address, which an account here needs."
        )
    account_exists = AccountExistsError(
        f"An account with the email {email} already exists. Sign in with your password, then "
        f"link {provider.label} from your security settings to use it next time."
    )
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise account_exists
    # The same per-address limit as the sign-up form: provider accounts are cheap to make too.
    throttle.count_sign_up(client_ip())
    name = (who.name or email.split("@")[0]).strip()[:NAME_MAX_LENGTH] or email
    user = User(
        name=name,
        email=email,
        password_hash=UNUSABLE_PASSWORD,
        # The provider vouches for the address only when it says so in so many words.
        email_verified_at=utcnow() if who.email_verified else None,
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # A sign-up for the same email won the race; the unique index decided.
        raise account_exists from None
    db.session.add(
        Identity(
            user_id=user.id,
            provider=who.provider,
            subject=who.subject,
            email=email,
            last_used_at=utcnow(),
        )
    )
    return user


def _usable_email(value: str | None) -> str | None:
    """Return the provider's email normalised, or None when it could not be an address."""
    if not value or len(value) > EMAIL_MAX_LENGTH:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None
    return normalize_email(value)


@sudo_action_client.metadata(action_name="oidc_start_link").schema(EmptyForm).action
def start_link(parsed_input, ctx, *, provider_name: str) -> str:
    """Start linking ``provider_name`` to the signed-in account; return the provider's URL.

    :raise NotFoundError: no such provider is configured.
    """
    return flow.begin(
        _provider(provider_name), purpose=flow.LINK, session_public_id=ctx.session.public_id
    )


@auth_action_client.metadata(action_name="oidc_finish_link").schema(CallbackForm).action
def finish_link(parsed_input, ctx, *, provider_name: str) -> Provider:
    """Check the provider's answer and link that identity to the signed-in user.

    :raise FlowError: the answer fails a check, or the link was started by another session.
    :raise PreconditionFailedError: the identity belongs to someone else, or the user already
        has another account at this provider linked (409).
    """
    provider = _provider(provider_name)
    who, started = flow.complete(provider, parsed_input, purpose=flow.LINK)
    if started.session_public_id != ctx.session.public_id:
        raise flow.FlowError()
    user_id = ctx.session.user.id
    taken = PreconditionFailedError(
        f"That {provider.label} account is already linked to another account here."
    )
    owner = db.session.scalar(
        select(Identity.user_id).where(
            Identity.provider == who.provider, Identity.subject == who.subject
        )
    )
    if owner is not None and owner != user_id:
        raise taken
    if owner is None:
        if _identity_of(user_id, provider.name) is not None:
            raise PreconditionFailedError(
                f"Another {provider.label} account is linked already. Unlink it first."
            )
        db.session.add(
            Identity(
                user_id=user_id,
                provider=who.provider,
                subject=who.subject,
                email=_usable_email(who.email),
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            # The same identity was linked elsewhere at the same moment.
            raise taken from None
        record_event(user_id, "identity_linked")
    db.session.commit()
    if owner is None:
        emails.send_provider_linked(ctx.session.user.email, ctx.session.user.name, provider.label)
    return provider


@sudo_action_client.metadata(action_name="oidc_unlink").schema(EmptyForm).action
def unlink(parsed_input, ctx, *, provider_name: str) -> Provider:
    """Unlink ``provider_name`` from the signed-in account, unless it is the last way in.

    :raise NotFoundError: the provider is not configured or not linked to this account.
    :raise PreconditionFailedError: the account has no password and no other provider.
    """
    provider = _provider(provider_name)
    # Two unlinks at once must not each see the other provider remain and both go through.
    # PostgreSQL: the user's row is locked until commit. SQLite: the DELETE below checks for
    # the other way in within its own statement, which SQLite runs under its write lock.
    user = db.session.scalar(select(User).where(User.id == ctx.session.user.id).with_for_update())
    identity = _identity_of(user.id, provider.name)
    if identity is None:
        raise NotFoundError()
    statement = delete(Identity).where(Identity.id == identity.id)
    if not has_password(user.password_hash):
        another_way_in = (
            select(Identity.id)
            .where(
                Identity.user_id == user.id,
                Identity.id != identity.id,
                # A provider no longer configured cannot sign anyone in.
                Identity.provider.in_([p.name for p in providers.configured()]),
            )
            .exists()
        )
        statement = statement.where(another_way_in)
    if db.session.execute(statement).rowcount != 1:
        raise PreconditionFailedError(
            f"{provider.label} is the only way to sign in to this account. Set a password "
            "first (use “Forgot your password?” on the sign-in page), then unlink it."
        )
    record_event(user.id, "identity_unlinked")
    db.session.commit()
    emails.send_provider_unlinked(user.email, user.name, provider.label)
    return provider


@auth_action_client.metadata(action_name="oidc_start_sudo").schema(EmptyForm).action
def start_sudo(parsed_input, ctx, *, provider_name: str, next_path: str | None) -> str:
    """Start confirming it is the owner with a linked provider; return the provider's URL.

    For accounts without a password this is the only way into sudo mode short of signing in
    again. The provider is asked to make the user sign in afresh.

    :raise NotFoundError: the provider is not configured or not linked to this account.
    """
    provider = _provider(provider_name)
    if _identity_of(ctx.session.user.id, provider.name) is None:
        raise NotFoundError()
    return flow.begin(
        provider,
        purpose=flow.SUDO,
        next_path=next_path,
        session_public_id=ctx.session.public_id,
    )


@auth_action_client.metadata(action_name="oidc_finish_sudo").schema(CallbackForm).action
def finish_sudo(parsed_input, ctx, *, provider_name: str) -> str | None:
    """Enter sudo mode on this session if the provider signed in this account's identity.

    Return the page to go back to.

    :raise FlowError: the answer fails a check, was started by another session, or the
        provider did not make the user sign in again.
    :raise ForbiddenError: the provider signed in an identity that is not this account's.
    """
    provider = _provider(provider_name)
    who, started = flow.complete(provider, parsed_input, purpose=flow.SUDO)
    if started.session_public_id != ctx.session.public_id:
        raise flow.FlowError()
    owner = db.session.scalar(
        select(Identity.user_id).where(
            Identity.provider == who.provider, Identity.subject == who.subject
        )
    )
    if owner != ctx.session.user.id:
        raise ForbiddenError(f"That {provider.label} account is not the one linked to yours.")
    db.session.execute(
        update(UserSession).where(UserSession.id == ctx.session.id).values(sudo_at=utcnow())
    )
    record_event(ctx.session.user.id, "sudo_confirmed")
    db.session.commit()
    return started.next_path


def _identity_of(user_id: int, provider_name: str) -> Identity | None:
    return db.session.scalar(
        select(Identity).where(Identity.user_id == user_id, Identity.provider == provider_name)
    )
