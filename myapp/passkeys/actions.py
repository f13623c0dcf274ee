"""Passkey writes: register, rename and delete, and every ceremony that uses one.

Each ceremony is two actions: one stages a challenge and returns the options JSON the
browser needs, the other checks the browser's signed answer against that challenge. Adding
and deleting a passkey need sudo mode; renaming does not, since it grants nothing.
"""

import re

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from myapp.actions import NotFoundError, return_validation_errors
from myapp.auth.models import User
from myapp.clients import action_client, auth_action_client, sudo_action_client
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.known_devices.sign_in import alert_if_new_device
from myapp.passkeys import ceremony
from myapp.passkeys.forms import AddPasskeyForm, PasskeyNameForm, UsePasskeyForm
from myapp.passkeys.models import Passkey
from myapp.security.events import record_event
from myapp.sessions.lifecycle import start_session
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import new_public_id
from myapp.two_factor import pending
from myapp.two_factor.actions import SecondStep, complete_sign_in

#: What a passkey's public id can look like; anything else is a 404 without a query.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")

REGISTRATION_FAILED = "The passkey could not be added. Try again."
ALREADY_REGISTERED = "That passkey is already registered."
PASSKEY_FAILED = "That passkey could not be verified. Try again, or use another way."


@sudo_action_client.metadata(action_name="passkey_registration_options").schema(EmptyForm).action
def registration_options(parsed_input, ctx) -> str:
    """Stage a registration challenge; return the options JSON."""
    user = ctx.session.user
    options = ceremony.registration_options(user.id, user.email, user.name)
    db.session.commit()
    return options


@sudo_action_client.metadata(action_name="add_passkey").schema(AddPasskeyForm).action
def add_passkey(parsed_input, ctx) -> str:
    """Store a new passkey after checking the browser's answer to our challenge; return its name."""
    user_id = ctx.session.user.id
    try:
        columns = ceremony.verify_registration(parsed_input["credential"], user_id)
    except ceremony.CeremonyError:
        return_validation_errors(form_errors=[REGISTRATION_FAILED])
    db.session.add(
        Passkey(public_id=new_public_id(), user_id=user_id, name=parsed_input["name"], **columns)
    )
    try:
        db.session.flush()
    except IntegrityError:
        return_validation_errors(form_errors=[ALREADY_REGISTERED])
    record_event(user_id, "passkey_added")
    db.session.commit()
    return parsed_input["name"]


def _own_passkey(ctx, public_id: str):
    if not _PUBLIC_ID.fullmatch(public_id):
        raise NotFoundError()
    return (Passkey.user_id == ctx.session.user.id) & (Passkey.public_id == public_id)


@auth_action_client.metadata(action_name="rename_passkey").schema(PasskeyNameForm).action
def rename_passkey(parsed_input, ctx, *, public_id: str) -> None:
    """Rename one of the user's passkeys.

    :raise NotFoundError: not the user's passkey (or no such passkey).
    """
    renamed = db.session.execute(
        update(Passkey).where(_own_passkey(ctx, public_id)).values(name=parsed_input["name"])
    ).rowcount
    if not renamed:
        raise NotFoundError()
    db.session.commit()


@sudo_action_client.metadata(action_name="delete_passkey").schema(EmptyForm).action
def delete_passkey(parsed_input, ctx, *, public_id: str) -> None:
    """Delete one of the user's passkeys.

    :raise NotFoundError: not the user's passkey (or no such passkey).
    """
    deleted = db.session.execute(delete(Passkey).where(_own_passkey(ctx, public_id))).rowcount
    if not deleted:
        raise NotFoundError()
    record_event(ctx.session.user.id, "passkey_removed")
    db.session.commit()


@action_client.metadata(action_name="passkey_sign_in_options").schema(EmptyForm).action
def sign_in_options(parsed_input, ctx) -> str:
    """Stage a challenge for a passwordless sign-in with any registered passkey."""
    options = ceremony.authentication_options("sign_in", None)
    db.session.commit()
    return options


@action_client.metadata(action_name="sign_in_with_passkey").schema(UsePasskeyForm).action
def sign_in_with_passkey(parsed_input, ctx) -> None:
    """Sign in without a password: the passkey (with user verification) is both factors."""
    try:
        passkey = ceremony.verify_assertion(parsed_input["credential"], "sign_in")
    except ceremony.CeremonyError:
        return_validation_errors(form_errors=[PASSKEY_FAILED])
    user = db.session.get(User, passkey.user_id)
    auth_session = start_session(user, auth_method="passkey")
    record_event(user.id, "sign_in")
    db.session.commit()
    alert_if_new_device(user, auth_session)


@action_client.metadata(action_name="passkey_second_factor_options").schema(EmptyForm).action
def second_factor_options(parsed_input, ctx) -> str:
    """Stage a challenge for the pending sign-in's user's passkeys.

    :raise NotFoundError: this browser has no pending sign-in.
    """
    step = pending.current()
    if step is None:
        raise NotFoundError("Your sign-in expired. Enter your email and password again.")
    options = ceremony.authentication_options("second_factor", step.user_id)
    db.session.commit()
    return options


@action_client.metadata(action_name="second_factor_with_passkey").schema(UsePasskeyForm).action
def second_factor_with_passkey(parsed_input, ctx) -> SecondStep:
    """Finish a pending sign-in with one of the user's passkeys."""
    step = pending.current()
    if step is None:
        return SecondStep(signed_in=False)
    pending_id, next_path, user_id = step.id, step.next_path, step.user_id
    first_factor = step.first_factor
    try:
        ceremony.verify_assertion(parsed_input["credential"], "second_factor", user_id)
    except ceremony.CeremonyError:
        db.session.rollback()
        if pending.count_failure(pending_id) >= pending.MAX_FAILED_CODES:
            return SecondStep(signed_in=False, too_many_codes=True)
        return_validation_errors(form_errors=[PASSKEY_FAILED])
    user = db.session.get(User, user_id)
    auth_session = complete_sign_in(user, first_factor, "passkey", pending_id)
    db.session.commit()
    alert_if_new_device(user, auth_session)
    return SecondStep(signed_in=True, next_path=next_path)


@auth_action_client.metadata(action_name="passkey_sudo_options").schema(EmptyForm).action
def sudo_options(parsed_input, ctx) -> str:
    """Stage a challenge for confirming sudo mode with one of the user's passkeys."""
    options = ceremony.authentication_options("sudo", ctx.session.user.id)
    db.session.commit()
    return options


@auth_action_client.metadata(action_name="confirm_sudo_with_passkey").schema(UsePasskeyForm).action
def confirm_sudo_with_passkey(parsed_input, ctx) -> None:
    """Enter sudo mode with one of the user's passkeys instead of the password."""
    user_id = ctx.session.user.id
    try:
        ceremony.verify_assertion(parsed_input["credential"], "sudo", user_id)
    except ceremony.CeremonyError:
        return_validation_errors(form_errors=[PASSKEY_FAILED])
    db.session.execute(
        update(UserSession).where(UserSession.id == ctx.session.id).values(sudo_at=utcnow())
    )
    record_event(user_id, "sudo_confirmed")
    db.session.commit()
