"""Invitation routes: admins invite, resend and revoke from the members page; the invitee
opens the mailed link and accepts or declines.

The admin routes answer like every form on the members page: a 303 back to it, or the
members section alone for a real htmx swap. The link's page changes nothing (mail scanners
open links); its buttons post. A used, revoked, expired or unknown link gets the same 404.
"""

from flask import Blueprint, abort, redirect, request, url_for

from myapp import htmx
from myapp.actions import ActionResult, respond
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.invitations import actions, data
from myapp.organizations.views import render_members_page
from myapp.sessions import deduped_auth

bp = Blueprint("invitations", __name__)


@bp.post("/organizations/<slug>/invitations")
@bp.post("/organizations/<slug>/members", endpoint="create_from_members")
def create(slug):
    """Invite an address with a role (sudo mode); ``POST .../members`` is an alias.

    :raise 403: not an admin.
    :raise 404: not a member.
    :raise 422: the email or role is invalid, the address is a member or already invited,
        an admin (not an owner) offers the admin role, or the pending limit is reached.
    :raise 429: the caller sent too many invitations within the hour.
    """
    result = actions.invite(request.form)
    return respond(
        result,
        success_url=url_for("organizations.members", slug=slug),
        flash_message=_sent_message(result),
        render_invalid=lambda r: render_members_page(invitation_form=r.form),
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


@bp.post("/organizations/<slug>/invitations/<id:invitation_id>/resend")
def resend(slug, invitation_id):
    """Send a pending invitation again with a new link; the old link stops working.

    :raise 403: not an admin, or an admin resending an invitation to be admin.
    :raise 404: not a member, or no pending invitation with this id in this organization.
    :raise 429: the caller sent too many invitations within the hour.
    """
    result = actions.resend_invitation(request.form, invitation_id=invitation_id)
    return respond(
        result,
        success_url=url_for("organizations.members", slug=slug),
        flash_message=_sent_message(result),
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


@describes("invitations.revoke")
def _revoke_words(invitation) -> Confirmation:
    return Confirmation(
        title=f"Revoke the invitation to {invitation.email}?",
        detail="The link we emailed stops working. You can invite the address again later.",
        button="Revoke invitation",
    )


@bp.get("/organizations/<slug>/invitations")
def invitations_page(slug):
    """Send a GET of the invite form's URL (a reload after a refused invite) to the members page."""
    return redirect(url_for("organizations.members", slug=slug), 303)


@bp.get("/organizations/<slug>/invitations/<id:invitation_id>/revoke")
def confirm_revoke(slug, invitation_id):
    """Ask before revoking a pending invitation.

    :raise 403: not an admin.
    :raise 404: not a member, or no pending invitation with this id in this organization.
    """
    invitations = data.list_pending_invitations()
    invitation = next((i for i in invitations if i.id == invitation_id), None) or abort(404)
    return confirm_page(
        "invitations.revoke",
        cancel_url=url_for("organizations.members", slug=slug),
        invitation=invitation,
    )


@bp.post("/organizations/<slug>/invitations/<id:invitation_id>/revoke")
def revoke(slug, invitation_id):
    """Revoke a pending invitation: its link stops working.

    :raise 403: not an admin.
    :raise 404: not a member, or no pending invitation with this id in this organization.
    """
    result = actions.revoke_invitation(request.form, invitation_id=invitation_id)
    return respond(
        result,
        success_url=url_for("organizations.members", slug=slug),
        flash_message=f"Invitation to {result.data} revoked." if result.ok else None,
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


@bp.get("/invitations/<token>")
def show(token):
    """Explain the invitation: sign in or up (signed out), accept or decline (the invitee).

    :raise 404: the link is unknown, used, revoked or expired.
    """
    invitation = data.find_invitation(token)
    if invitation is None:
        return _link_invalid()
    return htmx.render(
        "invitations/show.html", invitation=invitation, token=token, signed_in=deduped_auth()
    )


@bp.post("/invitations/<token>/accept")
def accept(token):
    """Join the organization with the offered role and go to its home page.

    :raise 403: signed in with another address.
    :raise 404: the link is unknown, used, revoked or expired; nothing changes.
    """
    result = actions.accept_invitation(request.form, token=token)
    return _answer(
        result,
        success_url=url_for("organizations.home", slug=result.data) if result.ok else "",
        flash_message="Welcome! You joined the organization.",
    )


@bp.post("/invitations/<token>/decline")
def decline(token):
    """Turn the invitation down and go to the list of organizations.

    :raise 403: signed in with another address.
    :raise 404: the link is unknown, used, revoked or expired; nothing changes.
    """
    result = actions.decline_invitation(request.form, token=token)
    return _answer(
        result, success_url=url_for("organizations.index"), flash_message="Invitation declined."
    )


def _sent_message(result: ActionResult) -> str | None:
    if not result.ok:
        return None
    if result.data.mailed:
        return f"Invitation sent to {result.data.email}."
    return (
        f"The invitation to {result.data.email} is saved, but the email could not be sent. "
        "Try Resend in a minute."
    )


def _link_invalid():
    return htmx.render("invitations/invalid.html", status=404, message=actions.LINK_INVALID)


def _answer(result: ActionResult, **kwargs):
    if result.status == 404:
        return _link_invalid()
    return respond(result, **kwargs)
