"""Build organizations, memberships and contacts for tests, and the cast most tests need.

Plain functions, like ``tests/factories.py``: each commits its rows and returns them detached
with their ids loaded. ``make_cast(app)`` sets up the usual scene: Acme with its owner, a plain
member and a stranger who belongs elsewhere, each signed in on their own browser.
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from myapp.auth.models import User, normalize_email
from myapp.contacts.models import Contact
from myapp.database import utcnow
from myapp.extensions import db
from myapp.invitations.data import find_invitation
from myapp.invitations.models import Invitation
from myapp.organizations.models import ROLE_ADMIN, Membership, Organization
from myapp.sessions.tokens import hash_token, new_token
from tests import factories
from tests.support import Browser


def _detached(app, *rows):
    for row in rows:
        db.session.refresh(row)
        db.session.expunge(row)


def make_organization(app, owner: User, name="Acme", slug="acme") -> Organization:
    """Create an organization with ``owner`` as its owner and admin."""
    with app.app_context():
        organization = Organization(name=name, slug=slug)
        db.session.add(organization)
        db.session.flush()
        db.session.add(
            Membership(
                organization_id=organization.id, user_id=owner.id, role=ROLE_ADMIN, is_owner=True
            )
        )
        db.session.commit()
        _detached(app, organization)
        return organization


def add_member(app, organization: Organization, user: User, role="member") -> Membership:
    """Give ``user`` a role in ``organization``."""
    with app.app_context():
        membership = Membership(organization_id=organization.id, user_id=user.id, role=role)
        db.session.add(membership)
        db.session.commit()
        _detached(app, membership)
        return membership


def make_contact(app, organization: Organization, name="Alan Turing", **fields) -> Contact:
    """Create a contact in ``organization``."""
    with app.app_context():
        contact = Contact(organization_id=organization.id, name=name, **fields)
        db.session.add(contact)
        db.session.commit()
        _detached(app, contact)
        return contact


def make_invitation(
    app,
    organization: Organization,
    inviter: User | None,
    email="nia@example.com",
    role="member",
    expires_in=timedelta(days=7),
) -> tuple[Invitation, str]:
    """Create a pending invitation as if it had been sent; return it and its raw token."""
    with app.app_context():
        token = new_token()
        invitation = Invitation(
            organization_id=organization.id,
            email=normalize_email(email),
            role=role,
            token_hash=hash_token(token),
            invited_by_id=inviter.id if inviter else None,
            expires_at=utcnow() + expires_in,
        )
        db.session.add(invitation)
        db.session.commit()
        _detached(app, invitation)
        return invitation, token


def invitation_link_works(app, token: str) -> bool:
    """Return whether the invitation link with this raw token would open its page."""
    with app.test_request_context():
        return find_invitation(token) is not None


def invitations_of(app, organization: Organization) -> list[tuple[str, str, str]]:
    """Return ``(email, role, status)`` of every invitation of ``organization``, by id."""
    with app.app_context():
        rows = db.session.execute(
            select(Invitation.email, Invitation.role, Invitation.status)
            .where(Invitation.organization_id == organization.id)
            .order_by(Invitation.id)
        )
        return [tuple(row) for row in rows]


def membership_of(app, organization: Organization, user: User) -> Membership | None:
    """Return ``user``'s membership in ``organization`` as stored now, or None."""
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(
                Membership.organization_id == organization.id, Membership.user_id == user.id
            )
        )
        if membership is not None:
            db.session.expunge(membership)
        return membership


def contacts_of(app, organization: Organization) -> list[Contact]:
    """Return the contacts of ``organization`` as stored now, by id."""
    with app.app_context():
        contacts = db.session.scalars(
            select(Contact).where(Contact.organization_id == organization.id).order_by(Contact.id)
        ).all()
        db.session.expunge_all()
        return list(contacts)


def organization_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Organization.id)).all())


def signed_in_browser(app, user: User) -> Browser:
    browser = Browser(app)
    browser.sign_in_as(user)
    return browser


@dataclass
class Cast:
    """Acme (owner + member), Globex (the stranger's own), and a browser for each person."""

    acme: Organization
    globex: Organization
    owner: User
    member: User
    stranger: User
    owner_membership: Membership
    member_membership: Membership
    owner_browser: Browser
    member_browser: Browser
    stranger_browser: Browser


def make_cast(app) -> Cast:
    owner = factories.make_user(app, name="Olive Owner", email="olive@example.com")
    member = factories.make_user(app, name="Max Member", email="max@example.com")
    stranger = factories.make_user(app, name="Sam Stranger", email="sam@example.com")
    acme = make_organization(app, owner, name="Acme", slug="acme")
    globex = make_organization(app, stranger, name="Globex", slug="globex")
    member_membership = add_member(app, acme, member)
    return Cast(
        acme=acme,
        globex=globex,
        owner=owner,
        member=member,
        stranger=stranger,
        owner_membership=membership_of(app, acme, owner),
        member_membership=member_membership,
        owner_browser=signed_in_browser(app, owner),
        member_browser=signed_in_browser(app, member),
        stranger_browser=signed_in_browser(app, stranger),
    )
