"""Organization pages: your organizations, an organization's home, its members.

Every page under ``/organizations/<slug>/`` answers 404 to anyone who is not a member (the
data functions and actions check, not the routes), 403 to a member without the role, and the
sign-in redirect to the signed-out. Invitations (and the ``POST .../members`` alias that
invites) live in ``myapp.invitations``; the members page lists them. The members page is one
URL with two renderings: the full page, and ``_members.html`` alone for a real htmx swap, also
after a refused action (a member removed in another tab), which shows its message inside it.
Views receive ``slug`` only to build URLs: the context getter reads it from the matched route
itself.
"""

from flask import Blueprint, abort, request, url_for

from myapp import htmx
from myapp.actions import respond
from myapp.confirm import Checkbox, Confirmation, confirm_page, describes
from myapp.invitations import data as invitations_data
from myapp.invitations.forms import InvitationForm
from myapp.organizations import actions, data
from myapp.organizations.context import get_auth_organization_context
from myapp.organizations.forms import ROLE_CHOICES, DeleteOrganizationForm, OrganizationForm

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.app_context_processor
def inject_my_organizations():
    # A callable, so only pages that show the organization switcher pay for the query.
    return {"my_organizations": data.list_my_organizations}


@bp.get("")
def index():
    """List the signed-in user's organizations with their role, and a form to create one."""
    return _render_index(OrganizationForm(formdata=None))


@bp.post("")
def create():
    """Create an organization owned by the signed-in user and go to its home page.

    :raise 422: the name or slug is invalid, or the slug is taken.
    """
    result = actions.create_organization(request.form)
    # No render_swap: every kind of request goes to the new organization's page.
    return respond(
        result,
        success_url=url_for(".home", slug=result.data) if result.ok else url_for(".index"),
        flash_message="Organization created.",
        render_invalid=lambda r: _render_index(r.form),
    )


@bp.get("/<slug>/")
def home(slug):
    """Show an organization's home page: links, leaving, and (for owners) deleting it.

    :raise 404: the organization does not exist or the user is not a member.
    """
    return _render_home()


@describes("organizations.leave")
def _leave_words(organization) -> Confirmation:
    return Confirmation(
        title=f"Leave {organization.name}?",
        detail=f"You lose access to {organization.name} and its contacts until an admin "
        "invites you again.",
        button="Leave organization",
    )


@describes("organizations.delete", typed=True)
def _delete_words(organization) -> Confirmation:
    return Confirmation(
        title=f"Delete {organization.name}?",
        detail="Its members, contacts and invitations are deleted at once, and every member "
        "is told by email. This cannot be undone.",
        button="Delete organization",
    )


@describes("organizations.remove_member")
def _remove_words(member, organization, is_caller: bool) -> Confirmation:
    if is_caller:
        return _leave_words(organization)
    return Confirmation(
        title=f"Remove {member.name} from {organization.name}?",
        detail=f"{member.name} ({member.email}) loses access to {organization.name} and its "
        "contacts until an admin invites them again.",
        button="Remove member",
    )


@describes("organizations.transfer_ownership")
def _transfer_words(member, organization) -> Confirmation:
    return Confirmation(
        title=f"Make {member.name} an owner of {organization.name}?",
        detail=f"{member.name} can then delete {organization.name} and make or remove admins. "
        "Unless you stay an owner too, you become an admin and cannot take it back yourself.",
        button="Make owner",
        checkboxes=(Checkbox("stay_owner", "I stay an owner too", checked=True),),
    )


@bp.get("/<slug>/leave")
def confirm_leave(slug):
    """Ask before leaving the organization.

    A member the organization's two-factor rule locks out may open it: its refusal page
    links here, since leaving is the one action the rule lets through.

    :raise 404: not a member.
    """
    ctx = get_auth_organization_context(second_factor_optional=True)
    return confirm_page(
        "organizations.leave",
        cancel_url=url_for(".home", slug=slug),
        organization=ctx.organization,
    )


@bp.post("/<slug>/leave")
def leave(slug):
    """Leave the organization and go back to the list of organizations.

    :raise 404: not a member.
    :raise 409: the last admin cannot leave.
    :raise 422: the last owner cannot leave (transfer ownership or delete the organization).
    """
    result = actions.leave_organization(request.form)
    return respond(
        result,
        success_url=url_for(".index"),
        flash_message="You left the organization.",
        render_invalid=lambda r: _render_home(leave_errors=r.form.form_errors),
    )


@bp.post("/<slug>/delete")
def delete(slug):
    """Delete the organization with everything in it (sudo mode, typing the slug to confirm).

    :raise 403: not an owner.
    :raise 404: not a member.
    :raise 422: the typed slug is missing or does not match.
    """
    result = actions.delete_organization(request.form)
    return respond(
        result,
        success_url=url_for(".index"),
        flash_message=f"{result.data} was deleted." if result.ok else None,
        render_invalid=lambda r: _render_home(delete_form=r.form),
    )


@bp.get("/<slug>/members")
def members(slug):
    """Show the members and pending invitations, with forms to manage them; admins only.

    :raise 403: the user is a member but not an admin.
    :raise 404: not a member.
    """
    return render_members_page()


@bp.post("/<slug>/members/<id:membership_id>/role")
def change_role(slug, membership_id):
    """Change a member's role; an admin who demotes themselves goes to the home page.

    :raise 403: not an admin.
    :raise 404: not a member, or ``membership_id`` is not in this organization.
    :raise 409: the owner cannot be demoted, nor the last admin.
    :raise 422: the role is not member or admin.
    """
    result = actions.change_role(request.form, membership_id=membership_id)
    if result.ok and result.data.is_caller:
        # Without the admin role the members page would be a 403: go where they can be.
        return respond(
            result, success_url=url_for(".home", slug=slug), flash_message="Your role changed."
        )
    return respond(
        result,
        success_url=url_for(".members", slug=slug),
        flash_message="Role changed.",
        render_invalid=lambda r: render_members_page(
            row_errors={membership_id: r.form.role.errors}
        ),
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


def _member_or_404(membership_id: int):
    """Return the members page's row ``membership_id`` (admins only), or abort with 404."""
    member = next((m for m in data.list_members() if m.id == membership_id), None)
    return member or abort(404)


@bp.get("/<slug>/members/<id:membership_id>/remove")
def confirm_remove_member(slug, membership_id):
    """Ask before removing a member (after sudo mode).

    :raise 403: not an admin.
    :raise 404: not a member, or ``membership_id`` is not in this organization.
    """
    member = _member_or_404(membership_id)
    ctx = get_auth_organization_context()
    return confirm_page(
        "organizations.remove_member",
        cancel_url=url_for(".members", slug=slug),
        sudo=True,
        member=member,
        organization=ctx.organization,
        is_caller=member.id == ctx.membership.id,
    )


@bp.post("/<slug>/members/<id:membership_id>/remove")
def remove_member(slug, membership_id):
    """Remove a member; an admin who removes themselves goes to their organizations.

    :raise 403: not an admin.
    :raise 404: not a member, or ``membership_id`` is not in this organization.
    :raise 409: the owner cannot be removed, nor the last admin.
    """
    result = actions.remove_member(request.form, membership_id=membership_id)
    if result.ok and result.data.is_caller:
        return respond(
            result, success_url=url_for(".index"), flash_message="You left the organization."
        )
    return respond(
        result,
        success_url=url_for(".members", slug=slug),
        flash_message="Member removed.",
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


@bp.get("/<slug>/members/<id:membership_id>/transfer")
def confirm_transfer_ownership(slug, membership_id):
    """Ask before making a member an owner (after sudo mode), offering to stay an owner too.

    That box starts ticked, as on the members page: an unticked box sends nothing, so this
    page cannot tell it from arriving after the password prompt, and keeping ownership is the
    safe side of the choice, which the page shows again beside the button.

    :raise 403: not an owner.
    :raise 404: not a member, or ``membership_id`` is not in this organization.
    """
    ctx = get_auth_organization_context()
    if not ctx.membership.is_owner:
        abort(403, "Only owners can transfer ownership.")
    member = _member_or_404(membership_id)
    return confirm_page(
        "organizations.transfer_ownership",
        cancel_url=url_for(".members", slug=slug),
        sudo=True,
        member=member,
        organization=ctx.organization,
    )


@bp.post("/<slug>/members/<id:membership_id>/transfer")
def transfer_ownership(slug, membership_id):
    """Make a member an owner; unless ``stay_owner`` is ticked, the caller stops being one.

    :raise 403: not an owner.
    :raise 404: not a member, or ``membership_id`` is not in this organization.
    :raise 422: that member is already an owner.
    """
    result = actions.transfer_ownership(request.form, membership_id=membership_id)
    return respond(
        result,
        success_url=url_for(".members", slug=slug),
        flash_message="Ownership transferred.",
        render_invalid=lambda r: render_members_page(
            row_errors={membership_id: r.form.form_errors}
        ),
        render_swap=lambda r: render_members_page(error=r.server_error),
    )


def _render_index(form):
    return htmx.render(
        "organizations/index.html", organizations=data.list_my_organizations(), form=form
    )


def _render_home(leave_errors=None, delete_form=None):
    ctx = get_auth_organization_context()
    return htmx.render(
        "organizations/home.html",
        ctx=ctx,
        owner_count=data.count_owners() if ctx.membership.is_owner else None,
        leave_errors=leave_errors or [],
        delete_form=delete_form or DeleteOrganizationForm(formdata=None),
    )


def render_members_page(invitation_form=None, row_errors=None, error=None):
    """Render the members page (or its partial for a real swap) with the pending invitations.

    The invitations views answer with it too, so every form on the page swaps one section;
    ``error`` is a refusal to show inside it.
    """
    return htmx.render(
        "organizations/members.html",
        "organizations/_members.html",
        error=error,
        members=data.list_members(),
        invitations=invitations_data.list_pending_invitations(),
        ctx=get_auth_organization_context(),
        invitation_form=invitation_form or InvitationForm(formdata=None),
        roles=ROLE_CHOICES,
        row_errors=row_errors or {},
    )
