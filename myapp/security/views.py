"""The security settings page: signed-in devices, ending them, the password, recent activity.

Every Log out button asks first (``myapp.confirm``): with htmx a dialog, then a post whose
answer swaps the sessions list in place with a short confirmation; without JavaScript the
button opens the action's confirmation page, whose post answers with a 303 back to the page
and a flash. Ending this device's session (alone or with all the others) signs it out and
sends it to ``/sign-in`` instead.
"""

from flask import Blueprint, abort, flash, request, url_for

from myapp import htmx
from myapp.actions import ActionResult, respond
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.known_devices.data import sign_in_alerts_enabled
from myapp.security import actions, data
from myapp.security.filters import relative_time, utc_time
from myapp.security.forms import ChangePasswordForm

bp = Blueprint("security", __name__, url_prefix="/settings/security")
bp.add_app_template_filter(relative_time, "relative_time")
bp.add_app_template_filter(utc_time, "utc_time")

#: Shown when a revoke button names a session that is gone (ended in another tab, or never ours).
SESSION_GONE = "That session has already ended."


def _page(status: int = 200, changed: bool = False, **notice):
    """Render the page, or only the sessions list for a real htmx swap.

    After a change (``changed``) the swap also carries the activity list out of band, so it
    shows what was just done; otherwise the swap leaves it alone and does not query it.
    """
    swap = htmx.is_swap()
    return htmx.render(
        "security/index.html",
        "security/_sessions.html",
        status=status,
        sessions=data.list_sessions(),
        events=data.list_recent_events() if changed or not swap else None,
        activity_out_of_band=changed and swap,
        password_form=None if swap else ChangePasswordForm(formdata=None),
        sign_in_alerts=None if swap else sign_in_alerts_enabled(),
        **notice,
    )


def _signed_out(message: str):
    """Send this device, whose session just ended, to the sign-in page as a full page load."""
    flash(message)
    return htmx.redirect(url_for("auth.sign_in"))


def _answer_revoke(result: ActionResult, message: str | None):
    """Answer a revoke: sign-in page, swapped list, or redirect back with a flash."""
    if result.ok and result.data.signed_out_this_device:
        return _signed_out(message)
    return respond(
        result,
        success_url=url_for("security.index"),
        flash_message=message,
        # A refusal re-renders the list too: the one on screen is stale (ended in another tab).
        render_swap=lambda r: (
            _page(changed=True, message=message) if r.ok else _page(error=SESSION_GONE)
        ),
    )


@bp.get("")
def index():
    """Show the devices, the password form and recent activity; a real swap gets the list alone."""
    return _page()


@describes("security.revoke")
def _revoke_words(device_session: data.DeviceSession) -> Confirmation:
    if device_session.is_current:
        return Confirmation(
            title="Log out this device?",
            detail="You will be signed out here and taken to the sign-in page.",
            button="Log out this device",
        )
    return Confirmation(
        title=f"Log out {device_session.device}?",
        detail=f"{device_session.device} is signed out on its next request and must sign in "
        "again to come back.",
        button="Log out device",
    )


@describes("security.revoke_others")
def _revoke_others_words() -> Confirmation:
    return Confirmation(
        title="Log out all other devices?",
        detail="Every device but this one is signed out on its next request. You stay "
        "signed in here.",
        button="Log out other devices",
    )


@describes("security.revoke_all")
def _revoke_all_words() -> Confirmation:
    return Confirmation(
        title="Log out all devices?",
        detail="Every device is signed out, this one too: you will need your password to "
        "sign in again.",
        button="Log out all devices",
    )


@bp.get("/sessions/<public_id>/revoke")
def confirm_revoke(public_id: str):
    """Ask before ending one session; ending another device's needs sudo mode first.

    :raise 404: no such session of the user's.
    """
    device_session = data.get_session(public_id) or abort(404)
    return confirm_page(
        "security.revoke",
        cancel_url=url_for(".index"),
        sudo=not device_session.is_current,
        device_session=device_session,
    )


@bp.get("/sessions/revoke-others")
def confirm_revoke_others():
    """Ask before ending every other session (after sudo mode)."""
    return confirm_page("security.revoke_others", cancel_url=url_for(".index"), sudo=True)


@bp.get("/sessions/revoke-all")
def confirm_revoke_all():
    """Ask before ending every session, this device's too (after sudo mode)."""
    return confirm_page("security.revoke_all", cancel_url=url_for(".index"), sudo=True)


@bp.post("/sessions/<public_id>/revoke")
def revoke(public_id: str):
    """End one of the user's sessions; ending this device's signs it out.

    :raise 404: the id is malformed, unknown or another user's; nothing changes.
    """
    result = actions.revoke_session(request.form, public_id=public_id)
    message = None
    if result.ok:
        revoked = result.data
        message = (
            "You have been signed out."
            if revoked.signed_out_this_device
            else f"Signed out {revoked.device}."
        )
    return _answer_revoke(result, message)


@bp.post("/sessions/revoke-others")
def revoke_others():
    """End every session of the user but this device's ("Log out all other devices")."""
    result = actions.revoke_other_sessions(request.form)
    message = None
    if result.ok:
        count = result.data.count
        message = (
            f"Signed out {count} other device{'' if count == 1 else 's'}."
            if count
            else "No other devices were signed in."
        )
    return _answer_revoke(result, message)


@bp.post("/sessions/revoke-all")
def revoke_all():
    """End every session of the user, this device's too ("Log out all devices")."""
    result = actions.revoke_all_sessions(request.form)
    return _answer_revoke(result, "You have been signed out of all devices." if result.ok else None)


@bp.post("/password")
def change_password():
    """Change the password, sign out every other device, and keep this one signed in.

    :raise 422: the form is invalid or the current password is wrong.
    """
    result = actions.change_password(request.form)
    message = None
    if result.ok:
        ended = result.data
        message = "Your password has been changed."
        if ended:
            message += f" Signed out {ended} other device{'' if ended == 1 else 's'}."
    return respond(
        result,
        success_url=url_for("security.index"),
        # No render_swap: this device's CSRF secret is new, so the page must load again (a 303,
        # or HX-Redirect) for its forms to carry fresh tokens.
        render_invalid=lambda r: htmx.render(
            "security/index.html",
            sessions=data.list_sessions(),
            events=data.list_recent_events(),
            password_form=r.form,
            sign_in_alerts=sign_in_alerts_enabled(),
        ),
        flash_message=message,
    )
