"""End sessions and change the password: the writes of the security page.

Every action deletes with one statement scoped to the signed-in user, never loading rows to
delete them one by one, records a security event in the same transaction, and commits before
it returns, so the ended devices are refused on their very next request.
"""

import re
from dataclasses import dataclass

from flask import abort
from sqlalchemy import delete

from myapp.accounts.emails import RESET_PASSWORD, send_password_changed
from myapp.actions import NotFoundError, return_validation_errors
from myapp.auth import throttle
from myapp.auth.models import User
from myapp.auth.passwords import check_password, hash_password
from myapp.auth.sudo import in_sudo_mode, sudo_redirect
from myapp.clients import auth_action_client, sudo_action_client
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.security.devices import device_label
from myapp.security.events import record_event, record_event_now
from myapp.security.forms import ChangePasswordForm
from myapp.sessions.lifecycle import (
    client_ip,
    end_session,
    end_user_sessions,
    forget_this_device,
    start_session,
)
from myapp.sessions.models import UserSession
from myapp.tokens import revoke_tokens

#: What a public id can look like (urlsafe base64, as wide as its column). Anything else is
#: answered 404 without a query, so no odd byte (a NUL) ever reaches the database driver.
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")

WRONG_PASSWORD = "Your current password is incorrect."
SAME_PASSWORD = "Choose a new password, not your current one."


@dataclass(frozen=True, slots=True)
class Revoked:
    """What a revoke did: how many sessions ended and whether this device was one of them."""

    count: int
    signed_out_this_device: bool
    #: The device label of a single revoked session, for the confirmation.
    device: str | None = None


@auth_action_client.metadata(action_name="revoke_session").schema(EmptyForm).action
def revoke_session(parsed_input, ctx, *, public_id: str) -> Revoked:
    """End the signed-in user's session ``public_id``; this device's signs it out.

    Ending another device needs sudo mode, as logging out all others does: otherwise a stolen
    session could end the owner's sessions one by one, and each fresh sign-in after them.
    Ending this device is signing out, which never does.

    :raise HTTPException: another device, and no sudo mode: the redirect to confirm the password.
    :raise NotFoundError: the id is malformed, unknown or another user's; nothing changes,
        and the three cases look the same, so ids of other users' sessions cannot be probed.
    """
    if not _PUBLIC_ID.fullmatch(public_id):
        raise NotFoundError()
    this_device = public_id == ctx.session.public_id
    device = None
    if this_device:
        end_session(ctx.session)
    else:
        if not in_sudo_mode(ctx.session):
            abort(sudo_redirect())
        row = db.session.execute(
            delete(UserSession)
            .where(UserSession.user_id == ctx.session.user.id, UserSession.public_id == public_id)
            .returning(UserSession.user_agent)
        ).first()
        if row is None:
            raise NotFoundError()
        device = device_label(row.user_agent)
    record_event(ctx.session.user.id, "session_revoked")
    db.session.commit()
    return Revoked(count=1, signed_out_this_device=this_device, device=device)


@sudo_action_client.metadata(action_name="revoke_other_sessions").schema(EmptyForm).action
def revoke_other_sessions(parsed_input, ctx) -> Revoked:
    """End every session of the signed-in user except this device's."""
    count = end_user_sessions(ctx.session.user.id, keep_session_id=ctx.session.id)
    record_event(ctx.session.user.id, "sessions_revoked_others")
    db.session.commit()
    return Revoked(count=count, signed_out_this_device=False)


@sudo_action_client.metadata(action_name="revoke_all_sessions").schema(EmptyForm).action
def revoke_all_sessions(parsed_input, ctx) -> Revoked:
    """End every session of the signed-in user, this device's included."""
    count = end_user_sessions(ctx.session.user.id)
    record_event(ctx.session.user.id, "sessions_revoked_all")
    forget_this_device()
    db.session.commit()
    return Revoked(count=count, signed_out_this_device=True)


@auth_action_client.metadata(action_name="change_password").schema(ChangePasswordForm).action
def change_password(parsed_input, ctx) -> int:
    """Set a new password, end every other session, and move this device to a new session.

    Whoever knew the old password may hold a session, or a copy of this device's cookie; both
    stop working. This device gets a new token (and CSRF secret) and stays signed in. Return
    how many other sessions ended.

    :raise TooManyRequests: the password was guessed wrong too often on this session.
    :raise ActionValidationError: the current password is wrong, or the new one is the same.
    """
    user = db.session.get(User, ctx.session.user.id)
    ip = client_ip()
    # A stolen session must not become a way to guess the password: its checks are limited.
    check_id = throttle.count_password_check(user.email, ip, session_id=ctx.session.id)
    if not check_password(user.password_hash, parsed_input["current_password"]):
        # Counted by the throttle above, but logged as what it was.
        record_event_now(user.id, "password_change_failed")
        return_validation_errors({"current_password": [WRONG_PASSWORD]})
    throttle.forget_password_check(check_id)
    if parsed_input["new_password"] == parsed_input["current_password"]:
        return_validation_errors({"new_password": [SAME_PASSWORD]})
    user.password_hash = hash_password(parsed_input["new_password"])
    ended_others = end_user_sessions(user.id, keep_session_id=ctx.session.id)
    end_session(ctx.session)
    start_session(user)
    # A reset link mailed before the change must not undo it.
    revoke_tokens(RESET_PASSWORD, user_id=user.id)
    record_event(user.id, "password_changed")
    db.session.commit()
    send_password_changed(user.email, user.name)
    return ended_others
