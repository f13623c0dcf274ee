"""Leaving, transferring ownership and deleting an organization; the organization switcher.

Anyone may leave but the last owner; an owner may make another member an owner (sudo mode),
keeping their own ownership or handing it over; an owner may delete the organization (sudo
mode, typing its slug), which takes its memberships, contacts and invitations in one go.
"""

import re
from urllib.parse import quote

import pytest
from sqlalchemy import select

from myapp.contacts.models import Contact
from myapp.extensions import db
from myapp.invitations.models import Invitation
from myapp.organizations.models import Membership, Organization
from tests import factories, org_factories
from tests.support import BOOSTED, age_sudo, post_at_once

HOME = "/organizations/acme/"
MEMBERS = "/organizations/acme/members"


def owners(app, organization) -> set[int]:
    with app.app_context():
        return set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.organization_id == organization.id, Membership.is_owner.is_(True)
                )
            )
        )


def transfer_url(membership) -> str:
    return f"{MEMBERS}/{membership.id}/transfer"


# Leaving -------------------------------------------------------------------------------------
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_the_last_owner_cannot_leave_and_is_told_what_to_do(app, cast, htmx):
    response = cast.owner_browser.post(f"{HOME}leave", htmx=htmx, current=HOME)

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Transfer ownership to another member or delete the organization" in body
    assert owners(app, cast.acme) == {cast.owner.id}


def test_the_last_owner_sees_why_there_is_no_leave_button(cast):
    body = cast.owner_browser.get(HOME).get_data(as_text=True)

    assert 'action="/organizations/acme/leave"' not in body
    assert "You are the only owner." in body
    assert 'action="/organizations/acme/leave"' in cast.member_browser.get(HOME).get_data(
        as_text=True
    )


def test_an_owner_may_leave_when_another_owner_remains(app, cast):
    cast.owner_browser.post(transfer_url(cast.member_membership), {"stay_owner": "y"})

    response = cast.owner_browser.post(f"{HOME}leave")

    assert (response.status_code, response.location) == (303, "/organizations")
    assert owners(app, cast.acme) == {cast.member.id}
    assert org_factories.membership_of(app, cast.acme, cast.owner) is None


# Transferring ownership ----------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_an_owner_hands_ownership_over(app, cast, headers):
    response = cast.owner_browser.post(transfer_url(cast.member_membership), headers=headers)

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert owners(app, cast.acme) == {cast.member.id}
    new_owner = org_factories.membership_of(app, cast.acme, cast.member)
    assert (new_owner.role, new_owner.is_owner) == ("admin", True)
    # The former owner stays an admin, and the new owner can now delete the organization.
    assert org_factories.membership_of(app, cast.acme, cast.owner).role == "admin"
    assert 'id="delete"' in cast.member_browser.get(HOME).get_data(as_text=True)
    assert 'id="delete"' not in cast.owner_browser.get(HOME).get_data(as_text=True)


def test_an_owner_shares_ownership_and_several_owners_are_allowed(app, cast):
    response = cast.owner_browser.post(
        transfer_url(cast.member_membership), {"stay_owner": "y"}, htmx=True, current=MEMBERS
    )

    assert response.status_code == 200
    assert response.get_data(as_text=True).lstrip().startswith('<section id="members"')
    assert owners(app, cast.acme) == {cast.owner.id, cast.member.id}


def test_transferring_needs_sudo(app, cast):
    age_sudo(app)

    response = cast.owner_browser.post(
        transfer_url(cast.member_membership), headers={"Referer": f"http://localhost{MEMBERS}"}
    )

    # Back to the transfer's own confirmation page after the password.
    assert response.location == "/sudo?next=" + quote(transfer_url(cast.member_membership), safe="")
    assert owners(app, cast.acme) == {cast.owner.id}


def test_an_admin_who_is_not_an_owner_cannot_transfer(app, cast):
    ada = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, cast.acme, ada, "admin")
    browser = org_factories.signed_in_browser(app, ada)

    response = browser.post(transfer_url(cast.member_membership))

    assert response.status_code == 403
    assert owners(app, cast.acme) == {cast.owner.id}


def test_transferring_to_an_owner_is_a_validation_error(app, cast):
    response = cast.owner_browser.post(transfer_url(cast.owner_membership))

    assert response.status_code == 422
    assert "already an owner" in response.get_data(as_text=True)
    assert owners(app, cast.acme) == {cast.owner.id}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_transferring_to_a_membership_of_another_organization_is_404(app, cast, htmx):
    globex_owner = org_factories.membership_of(app, cast.globex, cast.stranger)

    response = cast.owner_browser.post(transfer_url(globex_owner), htmx=htmx, current=MEMBERS)

    assert response.status_code == 404
    assert owners(app, cast.acme) == {cast.owner.id}
    assert owners(app, cast.globex) == {cast.stranger.id}


def test_only_owners_see_the_transfer_buttons(app, cast):
    ada = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, cast.acme, ada, "admin")
    url = transfer_url(cast.member_membership)

    assert url in cast.owner_browser.get(MEMBERS).get_data(as_text=True)
    assert url not in org_factories.signed_in_browser(app, ada).get(MEMBERS).get_data(as_text=True)


# Deleting ------------------------------------------------------------------------------------
def acme_rows(app, acme) -> tuple[int, int, int, int]:
    """Count Acme's organization row, memberships, contacts and invitations."""
    with app.app_context():
        return tuple(
            len(db.session.scalars(select(model.id).where(column == acme.id)).all())
            for model, column in [
                (Organization, Organization.id),
                (Membership, Membership.organization_id),
                (Contact, Contact.organization_id),
                (Invitation, Invitation.organization_id),
            ]
        )


@pytest.fixture
def furnished(app, cast):
    """Acme with a contact and a pending invitation, besides its two members."""
    org_factories.make_contact(app, cast.acme)
    org_factories.make_invitation(app, cast.acme, cast.owner)
    return cast


@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_an_owner_deletes_the_organization_with_everything_in_it(app, furnished, headers):
    cast = furnished
    assert acme_rows(app, cast.acme) == (1, 2, 1, 1)

    response = cast.owner_browser.post(f"{HOME}delete", {"confirm": "acme"}, headers=headers)

    assert (response.status_code, response.location) == (303, "/organizations")
    assert acme_rows(app, cast.acme) == (0, 0, 0, 0)
    assert "Acme was deleted." in cast.owner_browser.get("/organizations").get_data(as_text=True)
    assert cast.member_browser.get(HOME).status_code == 404
    assert org_factories.organization_count(app) == 1  # Globex is untouched


def test_the_other_members_are_told_by_mail(app, furnished, mailbox):
    furnished.owner_browser.post(f"{HOME}delete", {"confirm": "acme"})

    notice = mailbox.only(to="max@example.com")
    assert notice.subject == "Acme was deleted"
    assert "Olive Owner deleted the organization Acme" in notice.text
    assert mailbox.to("olive@example.com") == []


def test_deleting_in_a_swap_redirects_through_htmx(app, furnished):
    response = furnished.owner_browser.post(
        f"{HOME}delete", {"confirm": "acme"}, htmx=True, current=HOME
    )

    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations")
    assert acme_rows(app, furnished.acme) == (0, 0, 0, 0)


@pytest.mark.parametrize("confirm", ["", "Acme", "acme-2", "globex"])
def test_the_slug_must_be_typed_exactly(app, furnished, confirm):
    response = furnished.owner_browser.post(f"{HOME}delete", {"confirm": confirm})

    assert response.status_code == 422
    assert 'id="confirm-errors"' in response.get_data(as_text=True)
    assert acme_rows(app, furnished.acme) == (1, 2, 1, 1)


def test_deleting_needs_sudo(app, furnished):
    age_sudo(app)

    response = furnished.owner_browser.post(
        f"{HOME}delete", {"confirm": "acme"}, headers={"Referer": f"http://localhost{HOME}"}
    )

    assert response.location == "/sudo?next=%2Forganizations%2Facme%2F"
    assert acme_rows(app, furnished.acme) == (1, 2, 1, 1)


def test_an_admin_who_is_not_an_owner_cannot_delete(app, furnished):
    ada = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, furnished.acme, ada, "admin")

    response = org_factories.signed_in_browser(app, ada).post(f"{HOME}delete", {"confirm": "acme"})

    assert response.status_code == 403
    assert acme_rows(app, furnished.acme) == (1, 3, 1, 1)


def test_a_member_cannot_delete_and_sees_no_delete_form(app, furnished):
    assert 'id="delete"' not in furnished.member_browser.get(HOME).get_data(as_text=True)

    response = furnished.member_browser.post(f"{HOME}delete", {"confirm": "acme"})

    assert response.status_code == 403
    assert acme_rows(app, furnished.acme) == (1, 2, 1, 1)


def test_an_owner_cannot_delete_another_organization_by_its_slug(app, furnished):
    response = furnished.owner_browser.post("/organizations/globex/delete", {"confirm": "globex"})

    assert response.status_code == 404
    assert org_factories.organization_count(app) == 2


# The switcher and the list -------------------------------------------------------------------
def test_the_layout_shows_the_current_organization_and_the_others(app, cast):
    org_factories.add_member(app, cast.globex, cast.owner, "member")
    initech = org_factories.make_organization(app, cast.stranger, name="Initech", slug="initech")

    body = cast.owner_browser.get("/organizations/acme/contacts").get_data(as_text=True)

    switcher = re.search(r'<nav class="org-switcher-nav".*?</nav>', body, re.S).group(0)
    assert '<span class="org-name">Acme</span></summary>' in switcher
    assert '<span class="menu-current" aria-current="true">Acme' in switcher
    assert 'href="/organizations/globex/"' in switcher and "Member" in switcher
    assert 'href="/organizations/acme/"' not in switcher
    assert f'href="/organizations/{initech.slug}/"' not in switcher
    assert 'href="/organizations">All organizations</a>' in switcher


def test_the_layout_shows_the_organizations_sections_with_the_current_one_marked(app, cast):
    sections = {
        "/organizations/acme/": "Home",
        "/organizations/acme/contacts": "Contacts",
        "/organizations/acme/members": "Members",
        "/organizations/acme/settings": "Settings",
    }
    for path, current in sections.items():
        body = cast.owner_browser.get(path).get_data(as_text=True)
        nav = re.search(r'<nav class="org-nav" aria-label="Acme">.*?</nav>', body, re.S).group(0)

        assert re.findall(r'href="[^"]+"(?: aria-current="page")?>(\w+)</a>', nav) == list(
            sections.values()
        )
        assert re.findall(r'aria-current="page">(\w+)</a>', nav) == [current]

    # A member sees the sections open to members only.
    body = cast.member_browser.get("/organizations/acme/contacts").get_data(as_text=True)
    nav = re.search(r'<nav class="org-nav" aria-label="Acme">.*?</nav>', body, re.S).group(0)
    assert re.findall(r">(\w+)</a>", nav) == ["Home", "Contacts"]


def test_the_organizations_page_lists_each_with_the_users_role(app, cast):
    org_factories.add_member(app, cast.globex, cast.owner, "admin")

    body = cast.owner_browser.get("/organizations").get_data(as_text=True)

    acme = body[body.index('href="/organizations/acme/"') :]
    globex = body[body.index('href="/organizations/globex/"') :]
    assert "Owner" in acme.split("</tr>")[0]
    assert "Admin" in globex.split("</tr>")[0] and "Owner" not in globex.split("</tr>")[0]


# Under concurrency ---------------------------------------------------------------------------
def test_two_owners_leaving_at_once_leave_one_owner(app, cast):
    cast.owner_browser.post(transfer_url(cast.member_membership), {"stay_owner": "y"})
    assert owners(app, cast.acme) == {cast.owner.id, cast.member.id}

    statuses = post_at_once(
        [
            lambda: cast.owner_browser.post(f"{HOME}leave"),
            lambda: cast.member_browser.post(f"{HOME}leave"),
        ]
    )

    assert statuses == [303, 422]
    assert len(owners(app, cast.acme)) == 1
