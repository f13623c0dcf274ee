"""Reads for the two-factor pages; each checks the sign-in itself."""

from dataclasses import dataclass

from flask import abort
from markupsafe import Markup
from sqlalchemy import select

from myapp.auth.sudo import in_sudo_mode
from myapp.extensions import db
from myapp.organizations.context import get_auth_organization_context
from myapp.sessions import get_auth_context
from myapp.two_factor import crypto, pending, totp
from myapp.two_factor.factors import second_factors
from myapp.two_factor.models import TotpCredential


@dataclass(frozen=True, slots=True)
class TotpSetup:
    """A setup in progress: what the user scans or types into the authenticator app."""

    secret: str
    qr_svg: Markup


@dataclass(frozen=True, slots=True)
class TwoFactorSettings:
    """The state the two-factor page shows."""

    enabled: bool
    recovery_codes_left: int
    #: Shown only in sudo mode: the secret is as good as the second factor itself.
    setup: TotpSetup | None


def get_two_factor_settings() -> TwoFactorSettings:
    """Return whether the authenticator app is on, and the setup in progress in sudo mode."""
    ctx = get_auth_context()
    user = ctx.session.user
    credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    enabled = credential is not None and credential.confirmed_at is not None
    setup = None
    if credential is not None and not enabled and in_sudo_mode(ctx.session):
        secret = crypto.decrypt(credential.secret_encrypted)
        setup = TotpSetup(
            secret=secret, qr_svg=totp.qr_svg(totp.provisioning_uri(secret, user.email))
        )
    return TwoFactorSettings(
        enabled=enabled,
        recovery_codes_left=totp.recovery_codes_left(user.id) if enabled else 0,
        setup=setup,
    )


@dataclass(frozen=True, slots=True)
class SecondFactorOptions:
    """Which second factors the signed-in user (or the pending sign-in's user) can use."""

    totp: bool
    passkey: bool


def get_sudo_options() -> SecondFactorOptions:
    """Return the second factors the signed-in user can confirm sudo mode with."""
    ctx = get_auth_context()
    return SecondFactorOptions(*second_factors(ctx.session.user.id))


def get_pending_options() -> SecondFactorOptions | None:
    """Return this browser's pending sign-in's second factors, or None without one."""
    step = pending.current()
    if step is None:
        return None
    return SecondFactorOptions(*second_factors(step.user_id))


#: Shown with the 403 of the organization settings page and its action.
OWNER_ONLY = "Only the owner can change the organization's settings."


def get_organization_policy():
    """Return the organization in the URL with its policy, for its owner only.

    :raise 403: the signed-in user is a member but not the owner.
    """
    ctx = get_auth_organization_context()
    if not ctx.membership.is_owner:
        abort(403, OWNER_ONLY)
    return ctx
