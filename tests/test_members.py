"""Members: admins change roles and remove people; members may leave.

People join by invitation (tests/test_invitations.py). The owner cannot be removed or
demoted, the last admin cannot be demoted or removed, and every change applies on the affected
member's very next request.
"""

from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.organizations.models import Membership
from tests import factories, org_factories
from tests.support import BOOSTED, is_members_partial

MEMBERS = "/organizations/acme/members"


@pytest.fixture
def ada(app, cast):
    """A second admin of Acme, not its owner, signed in on her own browser."""
    user = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    membership = org_factories.add_member(app, cast.acme, user, "admin")
    return SimpleNamespace(
        user=user, membership=membership, browser=org_factories.signed_in_browser(app, user)
    )


def roles(app, organization) -> dict[str, tuple[str, bool]]:
    """Return each member's email with their role and owner flag, as stored now."""
    with app.app_context():
        rows = db.session.execute(
            select(User.email, Membership.role, Membership.is_owner)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization.id)
        )
        return {email: (role, is_owner) for email, role, is_owner in rows}


ACME_AS_MADE = {
    "olive@example.com": ("admin", True),
    "max@example.com": ("member", False),
}


def role_url(membership) -> str:
    return f"{MEMBERS}/{membership.id}/role"


def remove_url(membership) -> str:
    return f"{MEMBERS}/{membership.id}/remove"


def delete_user(app, user) -> None:
    """Delete an account, as if the person closed it; their memberships go with it."""
    with app.app_context():
        db.session.execute(delete(User).where(User.id == user.id))
        db.session.commit()


# The members page ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "partial"),
    [({}, False), (BOOSTED, False), ({"HX-Request": "true"}, True)],
    ids=["plain", "boosted", "swap"],
)
def test_an_admin_sees_every_member_in_a_row_named_by_its_id(cast, headers, partial):
    response = cast.owner_browser.get(MEMBERS, headers=headers)

    assert response.status_code == 200
    assert is_members_partial(response) is partial
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert f'id="member-{cast.owner_membership.id}"' in body
    assert f'id="member-{cast.member_membership.id}"' in body
    assert "Max Member" in body and "max@example.com" in body
    assert "Sam Stranger" not in body
    # The owner's row offers no way to demote or remove them.
    assert role_url(cast.owner_membership) not in body
    assert remove_url(cast.owner_membership) not in body
    assert role_url(cast.member_membership) in body and remove_url(cast.member_membership) in body


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_cannot_see_the_members_page(cast, htmx):
    browser = cast.member_browser
    response = browser.htmx_get(MEMBERS) if htmx else browser.get(MEMBERS)

    assert response.status_code == 403
    assert "Only admins can manage members." in response.get_data(as_text=True)


def test_only_admins_get_a_link_to_the_members_page(cast):
    assert MEMBERS in cast.owner_browser.get("/organizations/acme/").get_data(as_text=True)
    assert MEMBERS not in cast.member_browser.get("/organizations/acme/").get_data(as_text=True)


def test_the_members_page_costs_five_statements(cast, count_queries):
    cast.owner_browser.get(MEMBERS)  # warm the connection pool

    response, statements = count_queries(lambda: cast.owner_browser.get(MEMBERS))

    assert response.status_code == 200
    # Session, organization + membership, members, pending invitations, the switcher's list.
    assert len(statements) <= 5, statements


# Changing roles -----------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_promotion_applies_on_the_members_next_request(app, cast, headers):
    assert cast.member_browser.get(MEMBERS).status_code == 403

    url = role_url(cast.member_membership)

    response = cast.owner_browser.post(url, {"role": "admin"}, headers=headers)

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert roles(app, cast.acme)["max@example.com"] == ("admin", False)
    assert cast.member_browser.get(MEMBERS).status_code == 200


def test_changing_a_role_in_a_swap_returns_the_list_with_the_new_role(app, cast):
    url = role_url(cast.member_membership)

    response = cast.owner_browser.post(url, {"role": "admin"}, htmx=True)

    assert response.status_code == 200
    assert is_members_partial(response)
    row = response.get_data(as_text=True).split(f'id="member-{cast.member_membership.id}"')[1]
    assert '<option value="admin" selected>' in row.split("</tr>")[0]


def test_a_demotion_applies_on_the_members_next_request(app, cast, ada):
    assert ada.browser.get(MEMBERS).status_code == 200

    cast.owner_browser.post(role_url(ada.membership), {"role": "member"})

    assert ada.browser.get(MEMBERS).status_code == 403
    assert ada.browser.post(remove_url(cast.member_membership)).status_code == 403
    assert "max@example.com" in roles(app, cast.acme)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_the_owner_cannot_be_demoted(app, cast, ada, htmx):
    # Ada is a second admin, so only the owner rule can refuse this.
    response = ada.browser.post(role_url(cast.owner_membership), {"role": "member"}, htmx=htmx)

    assert response.status_code == 409
    assert "The owner is always an admin." in response.get_data(as_text=True)
    assert roles(app, cast.acme)["olive@example.com"] == ("admin", True)


def test_the_last_admin_cannot_be_demoted(app, cast, ada):
    delete_user(app, cast.owner)  # the owner closed their account: Ada is the only admin left

    response = ada.browser.post(role_url(ada.membership), {"role": "member"})

    assert response.status_code == 409
    assert "An organization needs at least one admin." in response.get_data(as_text=True)
    assert roles(app, cast.acme)["ada@example.com"] == ("admin", False)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_admin_who_demotes_themselves_goes_to_the_home_page(app, cast, ada, htmx):
    response = ada.browser.post(role_url(ada.membership), {"role": "member"}, htmx=htmx)

    home = "/organizations/acme/"
    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, home)
    else:
        assert (response.status_code, response.location) == (303, home)
    assert roles(app, cast.acme)["ada@example.com"] == ("member", False)


@pytest.mark.parametrize(
    ("form", "message"),
    [({"role": "owner"}, "Choose member or admin."), ({}, "Choose member or admin.")],
    ids=["unknown-role", "no-role"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_invalid_role_is_422_in_that_row_and_changes_nothing(app, cast, form, message, htmx):
    response = cast.owner_browser.post(role_url(cast.member_membership), form, htmx=htmx)

    assert response.status_code == 422
    assert is_members_partial(response) is htmx
    row = response.get_data(as_text=True).split(f'id="member-{cast.member_membership.id}"')[1]
    assert message in row.split("</tr>")[0]
    assert roles(app, cast.acme) == ACME_AS_MADE


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_cannot_change_roles(app, cast, htmx):
    url = role_url(cast.member_membership)

    response = cast.member_browser.post(url, {"role": "admin"}, htmx=htmx)

    assert response.status_code == 403
    assert roles(app, cast.acme) == ACME_AS_MADE


def test_changing_a_role_without_a_csrf_token_is_400_and_changes_nothing(app, cast):
    url = role_url(cast.member_membership)

    response = cast.owner_browser.post(url, {"role": "admin"}, csrf=False)

    assert response.status_code == 400
    assert roles(app, cast.acme) == ACME_AS_MADE


def test_changing_a_role_ignores_organization_id_and_is_owner(app, cast):
    response = cast.owner_browser.post(
        role_url(cast.member_membership),
        {"role": "admin", "is_owner": "1", "organization_id": cast.globex.id, "id": "1"},
    )

    assert response.status_code == 303
    assert roles(app, cast.acme)["max@example.com"] == ("admin", False)


# Removing and leaving -----------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_removal_applies_on_the_members_next_request(app, cast, headers):
    assert cast.member_browser.get("/organizations/acme/contacts").status_code == 200

    response = cast.owner_browser.post(remove_url(cast.member_membership), headers=headers)

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert "max@example.com" not in roles(app, cast.acme)
    assert cast.member_browser.get("/organizations/acme/contacts").status_code == 404
    assert "Acme" not in cast.member_browser.get("/organizations").get_data(as_text=True)


def test_removing_in_a_swap_returns_the_list_without_the_row(app, cast):
    response = cast.owner_browser.post(remove_url(cast.member_membership), htmx=True)

    assert response.status_code == 200
    assert is_members_partial(response)
    assert f'id="member-{cast.member_membership.id}"' not in response.get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_the_owner_cannot_be_removed(app, cast, ada, htmx):
    response = ada.browser.post(remove_url(cast.owner_membership), htmx=htmx)

    assert response.status_code == 409
    assert "The owner cannot be removed." in response.get_data(as_text=True)
    assert roles(app, cast.acme)["olive@example.com"] == ("admin", True)


def test_the_last_admin_cannot_be_removed(app, cast, ada):
    delete_user(app, cast.owner)

    response = ada.browser.post(remove_url(ada.membership))

    assert response.status_code == 409
    assert roles(app, cast.acme)["ada@example.com"] == ("admin", False)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_admin_who_removes_themselves_goes_to_their_organizations(app, cast, ada, htmx):
    response = ada.browser.post(remove_url(ada.membership), htmx=htmx)

    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations")
    else:
        assert (response.status_code, response.location) == (303, "/organizations")
    assert "ada@example.com" not in roles(app, cast.acme)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_cannot_remove_members(app, cast, ada, htmx):
    response = cast.member_browser.post(remove_url(cast.owner_membership), htmx=htmx)

    assert response.status_code == 403
    assert len(roles(app, cast.acme)) == 3


def test_removing_without_a_csrf_token_is_400_and_removes_nothing(app, cast):
    response = cast.owner_browser.post(remove_url(cast.member_membership), csrf=False)

    assert response.status_code == 400
    assert roles(app, cast.acme) == ACME_AS_MADE


@pytest.mark.parametrize("action", ["role", "remove"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_membership_of_another_organization_is_404_and_untouched(app, cast, action, htmx):
    globex_admin = org_factories.membership_of(app, cast.globex, cast.stranger)
    globex_before = roles(app, cast.globex)

    response = cast.owner_browser.post(
        f"{MEMBERS}/{globex_admin.id}/{action}", {"role": "member"}, htmx=htmx
    )

    assert response.status_code == 404
    assert roles(app, cast.globex) == globex_before


@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_a_member_leaves_and_loses_access_on_the_next_request(app, cast, headers):
    response = cast.member_browser.post("/organizations/acme/leave", headers=headers)

    assert (response.status_code, response.location) == (303, "/organizations")
    assert "max@example.com" not in roles(app, cast.acme)
    page = cast.member_browser.get("/organizations").get_data(as_text=True)
    assert "You left the organization." in page and "/organizations/acme/" not in page
    assert cast.member_browser.get("/organizations/acme/").status_code == 404


def test_leaving_in_a_swap_redirects_through_htmx(app, cast):
    response = cast.member_browser.post("/organizations/acme/leave", htmx=True)

    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations")
    assert "max@example.com" not in roles(app, cast.acme)


def test_the_last_admin_cannot_leave(app, cast, ada):
    delete_user(app, cast.owner)

    response = ada.browser.post("/organizations/acme/leave")

    assert response.status_code == 409
    assert roles(app, cast.acme)["ada@example.com"] == ("admin", False)


def test_leaving_without_a_csrf_token_is_400_and_changes_nothing(app, cast):
    response = cast.member_browser.post("/organizations/acme/leave", csrf=False)

    assert response.status_code == 400
    assert roles(app, cast.acme) == ACME_AS_MADE
