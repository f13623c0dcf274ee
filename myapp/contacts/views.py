"""Contact pages: one list that works as plain forms and as htmx swaps of ``_list.html``.

Every route answers the full page to plain, boosted and history-restore requests, and the
list partial alone to a real htmx swap. Create, inline edit and delete all swap that one
partial in place (``hx-target="#contacts-list"``); validation errors come back inside it
with 422, and a refused action (a contact deleted in another tab) with its status and message,
so the section survives for the next swap. Inline edit is ``GET .../contacts/<id>?edit=1``:
the list with that row as a form, so the same link works without JavaScript. Delete asks
first (``myapp.confirm``): a dialog, or without JavaScript ``GET .../<id>/delete``, its page.
A contact's own page (no ``?edit``) is always a full page. Views receive ``slug`` only to
build URLs.
"""

from flask import Blueprint, abort, request, url_for

from myapp import htmx
from myapp.actions import respond
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.contacts import actions, data
from myapp.contacts.forms import ContactForm
from myapp.organizations.context import get_auth_organization_context

bp = Blueprint("contacts", __name__, url_prefix="/organizations/<slug>/contacts")


@bp.get("")
def index(slug):
    """List the organization's contacts with a form to add one.

    :raise 404: the organization does not exist or the user is not a member.
    """
    return _render_list()


@bp.post("")
def create(slug):
    """Add a contact; any member may.

    :raise 404: not a member.
    :raise 422: the name is missing or a field is invalid.
    """
    result = actions.create_contact(request.form)
    return respond(
        result,
        success_url=url_for(".index", slug=slug),
        flash_message="Contact added.",
        render_invalid=lambda r: _render_list(create_form=r.form),
        render_swap=lambda r: _render_list(error=r.server_error),
    )


@bp.get("/<id:contact_id>")
def show(slug, contact_id):
    """Show a contact; with ``?edit=1``, the contact list with this row as an edit form.

    :raise 404: not a member, or no such contact in this organization.
    """
    if request.args.get("edit"):
        contact = data.get_contact(contact_id)
        return _render_list(
            editing_id=contact.id, edit_form=ContactForm(formdata=None, obj=contact)
        )
    return htmx.render(
        "contacts/show.html",
        contact=data.get_contact(contact_id),
        ctx=get_auth_organization_context(),
    )


@bp.post("/<id:contact_id>/update")
def update(slug, contact_id):
    """Save a contact's fields; any member may.

    :raise 404: not a member, or no such contact in this organization.
    :raise 422: the name is missing or a field is invalid.
    """
    result = actions.update_contact(request.form, contact_id=contact_id)
    return respond(
        result,
        success_url=url_for(".index", slug=slug),
        flash_message="Contact saved.",
        render_invalid=lambda r: _render_edit(contact_id, r.form),
        render_swap=lambda r: _render_list(error=r.server_error),
    )


@describes("contacts.delete")
def _delete_words(contact) -> Confirmation:
    return Confirmation(
        title=f"Delete {contact.name}?",
        detail=f"{contact.name} and their email, phone and notes are deleted for everyone in "
        "the organization. This cannot be undone.",
        button="Delete contact",
    )


@bp.get("/<id:contact_id>/delete")
def confirm_delete(slug, contact_id):
    """Ask before deleting a contact; admins only.

    :raise 403: the user is a member but not an admin.
    :raise 404: not a member, or no such contact in this organization.
    """
    contact = data.get_contact(contact_id)
    if not get_auth_organization_context().membership.is_admin:
        abort(403, "Only admins can delete contacts.")
    return confirm_page("contacts.delete", cancel_url=url_for(".index", slug=slug), contact=contact)


@bp.post("/<id:contact_id>/delete")
def delete(slug, contact_id):
    """Delete a contact; admins only.

    :raise 403: the user is a member but not an admin.
    :raise 404: not a member, or no such contact in this organization.
    """
    result = actions.delete_contact(request.form, contact_id=contact_id)
    return respond(
        result,
        success_url=url_for(".index", slug=slug),
        flash_message="Contact deleted.",
        render_swap=lambda r: _render_list(error=r.server_error),
    )


def _render_edit(contact_id, form):
    # The form was refused before the action looked the contact up: check it exists here,
    # so an id from another organization is a 404 even with invalid input.
    contact = data.get_contact(contact_id)
    return _render_list(editing_id=contact.id, edit_form=form)


def _render_list(create_form=None, editing_id=None, edit_form=None, error=None):
    return htmx.render(
        "contacts/index.html",
        "contacts/_list.html",
        error=error,
        contacts=data.list_contacts(),
        ctx=get_auth_organization_context(),
        create_form=create_form if create_form is not None else ContactForm(formdata=None),
        editing_id=editing_id,
        edit_form=edit_form,
    )
