"""Create, update and delete contacts: every write through the organization's action clients.

Any member creates and edits contacts; only admins delete them. Every statement is scoped to
``ctx.organization``, so an id from another organization is not found, never touched.
"""

from sqlalchemy import delete, update

from myapp.actions import NotFoundError
from myapp.clients import admin_action_client, auth_organization_action_client
from myapp.contacts.forms import ContactForm
from myapp.contacts.models import Contact
from myapp.extensions import db
from myapp.forms import EmptyForm

NOT_FOUND = "That contact does not exist."


@auth_organization_action_client.metadata(action_name="create_contact").schema(ContactForm).action
def create_contact(parsed_input, ctx) -> int:
    """Add a contact to the organization; return its id."""
    contact = Contact(organization_id=ctx.organization.id, **parsed_input)
    db.session.add(contact)
    db.session.flush()
    contact_id = contact.id
    db.session.commit()
    return contact_id


@auth_organization_action_client.metadata(action_name="update_contact").schema(ContactForm).action
def update_contact(parsed_input, ctx, *, contact_id: int) -> int:
    """Replace a contact's fields with the submitted ones.

    :raise NotFoundError: no such contact in this organization.
    """
    updated = db.session.execute(
        update(Contact)
        .where(Contact.id == contact_id, Contact.organization_id == ctx.organization.id)
        .values(**parsed_input)
    ).rowcount
    if updated == 0:
        raise NotFoundError(NOT_FOUND)
    db.session.commit()
    return contact_id


@(
    admin_action_client.metadata(
        action_name="delete_contact", forbidden_message="Only admins can delete contacts."
    )
    .schema(EmptyForm)
    .action
)
def delete_contact(parsed_input, ctx, *, contact_id: int) -> None:
    """Delete a contact; admins only.

    :raise ForbiddenError: the caller is not an admin (from ``admin_action_client``).
    :raise NotFoundError: no such contact in this organization.
    """
    deleted = db.session.execute(
        delete(Contact).where(
            Contact.id == contact_id, Contact.organization_id == ctx.organization.id
        )
    ).rowcount
    if deleted == 0:
        raise NotFoundError(NOT_FOUND)
    db.session.commit()
