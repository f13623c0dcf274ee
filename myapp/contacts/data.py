"""Reads for contact pages; each takes its organization from the context and filters by it."""

from flask import abort
from sqlalchemy import select

from myapp.contacts.models import Contact
from myapp.extensions import db
from myapp.organizations.context import get_auth_organization_context


def list_contacts() -> list[Contact]:
    """Return the organization's contacts by name; any member may read them."""
    ctx = get_auth_organization_context()
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.organization_id == ctx.organization.id)
            .order_by(Contact.name, Contact.id)
        )
    )


def get_contact(contact_id: int) -> Contact:
    """Return one of the organization's contacts.

    :raise 404: no such contact in this organization; one in another organization is
        answered exactly like one that does not exist.
    """
    ctx = get_auth_organization_context()
    contact = db.session.scalar(
        select(Contact).where(
            Contact.id == contact_id, Contact.organization_id == ctx.organization.id
        )
    )
    if contact is None:
        abort(404)
    return contact
