"""Two-factor writes: set up and turn off the authenticator app, recovery codes, the second
sign-in step, and sudo mode by code.

Setting up, regenerating and turning off need sudo mode. The sign-in step runs without a
session (it makes one); its failures count toward the sign-in throttle like wrong passwords.
"""

from dataclasses import dataclass

from sqlalchemy import delete, select, update

from myapp.actions import ForbiddenError, return_validation_errors
from myapp.auth import throttle
from myapp.auth.models import User
from myapp.clients import (
    action_client,
    auth_action_client,
    sudo_action_client,
    sudo_admin_action_client,
)
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.known_devices.sign_in import alert_if_new_device
from myapp.organizations.models import Organization
from myapp.security.events import record_event, record_event_now
from myapp.sessions.lifecycle import client_ip, start_session
from myapp.sessions.models import UserSession
from myapp.two_factor import crypto, pending, totp
from myapp.two_factor.data import OWNER_ONLY
from myapp.two_factor.factors import has_second_factor
from myapp.two_factor.forms import OrganizationPolicyForm, SecondFactorForm, TotpCodeForm
from myapp.two_factor.models import PendingSignIn, RecoveryCode, TotpCredential

ALREADY_ON = "Two-factor authentication is already on."
NOT_ON = "Two-factor authentication is not on."
NO_SETUP = "Start the setup again: it was not found."
WRONG_SETUP_CODE = "That code is not correct. Check your device's clock and try again."
WRONG_CODE = "That code is not correct."


@sudo_action_client.metadata(action_name="start_totp_setup").schema(EmptyForm).action
def start_totp_setup(parsed_input, ctx) -> None:
    """Make a new secret for the authenticator app, not yet active until confirmed."""
    user_id = ctx.session.user.id
    existing = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user_id))
    if existing is not None and existing.confirmed_at is not None:
        return_validation_errors(form_errors=[ALREADY_ON])
    if existing is not None:
        db.session.delete(existing)
        db.session.flush()
    db.session.add(
        TotpCredential(user_id=user_id, secret_encrypted=crypto.encrypt(totp.new_secret()))
    )
    db.session.commit()


@sudo_action_client.metadata(action_name="confirm_totp").schema(TotpCodeForm).action
def confirm_totp(parsed_input, ctx) -> list[str]:
    """Turn the authenticator app on once a current code proves it holds the secret.

    Return the new recovery codes, in clear for this one response only.
    """
    user_id = ctx.session.user.id
    setup = db.session.scalar(
        select(TotpCredential.id).where(
            TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_(None)
        )
    )
    if setup is None:
        return_validation_errors(form_errors=[NO_SETUP])
    if not totp.verify_totp(user_id, parsed_input["code"], confirmed=False):
        return_validation_errors({"code": [WRONG_SETUP_CODE]})
    db.session.execute(
        update(TotpCredential).where(TotpCredential.id == setup).values(confirmed_at=utcnow())
    )
    codes = totp.replace_recovery_codes(user_id)
    record_event(user_id, "two_factor_enabled")
    db.session.commit()
    return codes


@sudo_action_client.metadata(action_name="regenerate_recovery_codes").schema(EmptyForm).action
def regenerate_recovery_codes(parsed_input, ctx) -> list[str]:
    """Replace every recovery code with ten new ones; the old stop working at once."""
    user_id = ctx.session.user.id
    if not totp.has_totp(user_id):
        return_validation_errors(form_errors=[NOT_ON])
    codes = totp.replace_recovery_codes(user_id)
    record_event(user_id, "recovery_codes_regenerated")
    db.session.commit()
    return codes


@sudo_action_client.metadata(action_name="disable_totp").schema(EmptyForm).action
def disable_totp(parsed_input, ctx) -> None:
    """Remove the authenticator app and the recovery codes (passkeys stay)."""
    user_id = ctx.session.user.id
    removed = db.session.execute(
        delete(TotpCredential).where(TotpCredential.user_id == user_id)
    ).rowcount
    if not removed:
        return_validation_errors(form_errors=[NOT_ON])
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    record_event(user_id, "two_factor_disabled")
    db.session.commit()


@dataclass(frozen=True, slots=True)
class SecondStep:
    """What the second sign-in step did.

    ``signed_in`` with where to go next (and how many recovery codes are left after using one),
    or ``start_over``: the step expired, or had too many wrong codes.
    """

    signed_in: bool
    next_path: str | None = None
    recovery_codes_left: int | None = None
    too_many_codes: bool = False


@action_client.metadata(action_name="verify_second_factor").schema(SecondFactorForm).action
def verify_second_factor(parsed_input, ctx) -> SecondStep:
    """Finish a pending sign-in with a code from the app or a recovery code.

    :raise TooManyRequests: the account or address failed too often (the sign-in limits).
    """
    step = pending.current()
    if step is None:
        return SecondStep(signed_in=False)
    pending_id, next_path, first_factor = step.id, step.next_path, step.first_factor
    user = db.session.get(User, step.user_id)
    email, ip = user.email, client_ip()
    # Counted before the code is checked, like a password: a right code takes it out again.
    throttle.count_password_check(email, ip)
    code = parsed_input["code"]
    method, codes_left = None, None
    if totp.verify_totp(user.id, code):
        method = "totp"
    elif totp.use_recovery_code(user.id, code):
        method = "recovery_code"
        codes_left = totp.recovery_codes_left(user.id)
    if method is None:
        # A conditional UPDATE that matched nothing still holds SQLite's write lock: release
        # it before the failure is written on another connection.
        db.session.rollback()
        record_event_now(user.id, "sign_in_failed")
        failures = pending.count_failure(pending_id)
        if failures >= pending.MAX_FAILED_CODES:
            return SecondStep(signed_in=False, too_many_codes=True)
        left = pending.MAX_FAILED_CODES - failures
        return_validation_errors(
            {"code": [f"{WRONG_CODE} {left} attempt{'s' if left != 1 else ''} left."]}
        )
    auth_session = complete_sign_in(user, first_factor, method, pending_id)
    if method == "recovery_code":
        record_event(user.id, "recovery_code_used")
    db.session.commit()
    alert_if_new_device(user, auth_session)
    return SecondStep(signed_in=True, next_path=next_path, recovery_codes_left=codes_left)


def complete_sign_in(user, first_factor: str, second_factor: str, pending_id: int):
    """Stage the end of the pending step and a new session authenticated by both factors.

    The session's ``auth_method`` is ``"<first>+<second>"``, e.g. ``"password+totp"`` or
    ``"google+recovery_code"``, so the security page can say how each device signed in.
    Return the new session; after committing, the caller sends the new-device alert with it.
    """
    db.session.execute(delete(PendingSignIn).where(PendingSignIn.id == pending_id))
    throttle.forget_failed_sign_ins(user.email)
    auth_session = start_session(user, auth_method=f"{first_factor}+{second_factor}")
    record_event(user.id, "sign_in")
    return auth_session


@auth_action_client.metadata(action_name="confirm_sudo_with_code").schema(TotpCodeForm).action
def confirm_sudo_with_code(parsed_input, ctx) -> None:
    """Enter sudo mode with a code from the authenticator app instead of the password."""
    user_id, email = ctx.session.user.id, ctx.session.user.email
    check_id = throttle.count_password_check(email, client_ip(), session_id=ctx.session.id)
    if not totp.verify_totp(user_id, parsed_input["code"]):
        db.session.rollback()  # release SQLite's write lock before writing the failure
        record_event_now(user_id, "sudo_code_failed")
        return_validation_errors({"code": [WRONG_CODE]})
    db.session.execute(
        update(UserSession).where(UserSession.id == ctx.session.id).values(sudo_at=utcnow())
    )
    record_event(user_id, "sudo_confirmed")
    db.session.commit()
    # After the commit: the code's UPDATE holds SQLite's write lock until then, and the
    # throttle writes on a connection of its own.
    throttle.forget_password_check(check_id)


OWNER_NEEDS_SECOND_FACTOR = (
    "Set up two-factor authentication for yourself first, or you would lock yourself out."
)


@(
    sudo_admin_action_client.metadata(action_name="set_two_factor_policy")
    .schema(OrganizationPolicyForm)
    .action
)
def set_two_factor_policy(parsed_input, ctx) -> bool:
    """Turn the organization's "require two-factor" policy on or off; return the new value.

    :raise ForbiddenError: the caller is an admin but not the owner.
    """
    if not ctx.membership.is_owner:
        raise ForbiddenError(OWNER_ONLY)
    required = bool(parsed_input["require_two_factor"])
    if required and not has_second_factor(ctx.session.user.id):
        return_validation_errors({"require_two_factor": [OWNER_NEEDS_SECOND_FACTOR]})
    db.session.execute(
        update(Organization)
        .where(Organization.id == ctx.organization.id)
        .values(require_two_factor=required)
    )
    db.session.commit()
    return required
