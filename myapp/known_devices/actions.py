"""Report a sign-in ("this wasn't me") and turn new sign-in alerts on or off."""

from dataclasses import dataclass

from sqlalchemy import delete, update

from myapp.actions import NotFoundError
from myapp.auth.models import User
from myapp.clients import action_client, auth_action_client
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.known_devices.forms import SignInAlertsForm
from myapp.known_devices.models import KnownDevice
from myapp.known_devices.reports import SIGN_IN_REPORT
from myapp.security.events import record_event
from myapp.sessions import deduped_auth
from myapp.sessions.lifecycle import forget_this_device
from myapp.sessions.models import UserSession
from myapp.tokens import use_token

#: The one answer for a used, expired, unknown or mistyped report link.
LINK_INVALID = "This link is invalid, has already been used or has expired."


@dataclass(frozen=True, slots=True)
class Reported:
    """What a report did: whether the reported session was still alive and is now ended."""

    session_ended: bool


@action_client.metadata(action_name="report_sign_in").schema(EmptyForm).action
def report_sign_in(parsed_input, ctx, *, token: str) -> Reported:
    """End the session a report link names, forget its device, and record the report.

    Works signed out: the link is the permission, and it works once. Only that session ends;
    the user's other sessions (this browser's too, unless it is that one) stay.

    :raise NotFoundError: the link is used, expired or unknown; nothing changes.
    """
    # Read before the delete below, which this lookup would otherwise see.
    this_device = deduped_auth()
    grant = use_token(SIGN_IN_REPORT, token)
    if grant is None:
        raise NotFoundError(LINK_INVALID)
    public_id = grant.data["session"]
    ended = db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == grant.user_id, UserSession.public_id == public_id
        )
    ).rowcount
    # Forgotten, so that another sign-in from that browser alerts again.
    db.session.execute(
        delete(KnownDevice).where(
            KnownDevice.user_id == grant.user_id, KnownDevice.id == grant.data["device_id"]
        )
    )
    if this_device is not None and this_device.public_id == public_id:
        forget_this_device()
    record_event(grant.user_id, "sign_in_reported")
    db.session.commit()
    return Reported(session_ended=bool(ended))


@auth_action_client.metadata(action_name="set_sign_in_alerts").schema(SignInAlertsForm).action
def set_sign_in_alerts(parsed_input, ctx) -> bool:
    """Turn new sign-in alerts on or off for the signed-in user; return the new setting.

    Recorded as a security event: someone in the account turning alerts off is worth seeing.
    """
    enabled = bool(parsed_input["enabled"])
    user_id = ctx.session.user.id
    db.session.execute(update(User).where(User.id == user_id).values(sign_in_alerts=enabled))
    record_event(user_id, "sign_in_alerts_on" if enabled else "sign_in_alerts_off")
    db.session.commit()
    return enabled
