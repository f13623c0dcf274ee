"""Organization pages: your organizations, an organization's home, its members.

Every page under ``/organizations/<slug>/`` answers 404 to anyone who is not a member (the
data functions and actions check, not the routes), 403 to a member without the role, and the
sign-in redirect to the signed-out. The members page is one URL with two renderings: the
full page, and ``_members.html`` alone for a real htmx swap, also after a refused action (a
member removed in another tab), which shows its message inside it. Views receive ``slug`` only to
build URLs: the context getter reads it from the matched route itself.
"""

from flask import Blueprint, request, url_for

from myapp import htmx
from myapp.actions import respond
from myapp.organizations import actions, data
from myapp.organizations.context import get_auth_organization_context
from myapp.organizations.forms import ROLE_CHOICES, MemberForm, OrganizationForm

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


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
    """Show an organization's home page, with links to its contacts and members.

    :raise 404: the organization does not exist or the user is not a member.
    """
    return htmx.render("organizations/home.html", ctx=get_auth_organization_context())


@bp.post("/<slug>/leave")
def leave(slug):
    """Leave the organization and go back to the list of organizations.

    :raise 404: not a member.
    :raise 409: the owner cannot leave, nor the last admin.
    """
    result = actions.leave_organization(request.form)
    return respond(
        result, success_url=url_for(".index"), flash_message="You left the organization."
    )


@bp.get("/<slug>/members")
def members(slug):
    """Show the members with forms to add one, change a role and remove one; admins only.

    :raise 403: the user is a member but not an admin.
    :raise 404: not a member.
    """
    return _render_members()


@bp.post("/<slug>/members")
def add_member(slug):
    """Add the account with the given email, with the given role.

    :raise 403: not an admin.
    :raise 404: not a member.
    :raise 422: the email is invalid, has no account, or is already a member.
    """
    result = actions.add_member(request.form)
    return respond(
        result,
        success_url=url_for(".members", slug=slug),
        flash_message="Member added.",
        render_invalid=lambda r: _render_members(member_form=r.form),
        render_swap=lambda r: _render_members(error=r.server_error),
    )


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
        render_invalid=lambda r: _render_members(row_errors={membership_id: r.form.role.errors}),
        render_swap=lambda r: _render_members(error=r.server_error),
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
        render_swap=lambda r: _render_members(error=r.server_error),
    )


def _render_index(form):
    return htmx.render(
        "organizations/index.html", organizations=data.list_my_organizations(), form=form
    )


def _render_members(member_form=None, row_errors=None, error=None):
    return htmx.render(
        "organizations/members.html",
        "organizations/_members.html",
        error=error,
        members=data.list_members(),
        ctx=get_auth_organization_context(),
        member_form=member_form if member_form is not None else MemberForm(formdata=None),
        roles=ROLE_CHOICES,
        row_errors=row_errors or {},
    )
