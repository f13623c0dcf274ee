"""Changing a role, removing a member and inviting need sudo mode: a recently confirmed password."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories, org_factories

MEMBERS = "/organizations/acme/members"
SUDO_BACK = "/sudo?next=%2Forganizations%2Facme%2Fmembers"


@pytest.fixture
def cast(app):
    cast = org_factories.make_cast(app)
    with app.app_context():
        db.session.execute(update(UserSession).values(sudo_at=utcnow() - timedelta(hours=3)))
        db.session.commit()
    return cast


def role_of(app, cast):
    membership = org_factories.membership_of(app, cast.acme, cast.member)
    return membership.role if membership else None


def test_a_stale_role_change_is_sent_to_confirm_the_password_then_back_to_the_page(app, cast):
    url = f"{MEMBERS}/{cast.member_membership.id}/role"
    response = cast.owner_browser.post(
        url, {"role": "admin"}, headers={"Referer": f"http://localhost{MEMBERS}"}
    )
    assert response.status_code == 303
    assert response.location == SUDO_BACK
    assert role_of(app, cast) == "member"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_stale_removal_is_sent_to_confirm_the_password_then_to_its_confirmation(app, cast, htmx):
    url = f"{MEMBERS}/{cast.member_membership.id}/remove"
    response = cast.owner_browser.post(
        url, htmx=htmx, current=MEMBERS, headers={"Referer": f"http://localhost{MEMBERS}"}
    )
    back_to_removal = (
        f"/sudo?next=%2Forganizations%2Facme%2Fmembers%2F{cast.member_membership.id}%2Fremove"
    )
    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, back_to_removal)
    else:
        assert (response.status_code, response.location) == (303, back_to_removal)
    assert role_of(app, cast) == "member"


def test_a_member_gets_403_not_a_password_prompt(app, cast):
    url = f"{MEMBERS}/{cast.owner_membership.id}/role"
    response = cast.member_browser.post(url, {"role": "member"})
    assert response.status_code == 403


def test_after_confirming_the_password_the_change_goes_through(app, cast):
    browser = cast.owner_browser
    confirm = browser.post("/sudo", {"password": "correct horse battery", "next": MEMBERS})
    assert confirm.location == MEMBERS
    response = browser.post(f"{MEMBERS}/{cast.member_membership.id}/role", {"role": "admin"})
    assert (response.status_code, response.location) == (303, MEMBERS)
    assert role_of(app, cast) == "admin"


@pytest.mark.parametrize("path", [MEMBERS, "/organizations/acme/invitations"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_inviting_needs_sudo_and_invites_nobody_before(app, cast, path, htmx):
    response = cast.owner_browser.post(
        path,
        {"email": "nia@example.com", "role": "admin"},
        htmx=htmx,
        current=MEMBERS,
        headers={"Referer": f"http://localhost{MEMBERS}"},
    )

    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, SUDO_BACK)
    else:
        assert (response.status_code, response.location) == (303, SUDO_BACK)
    assert org_factories.invitations_of(app, cast.acme) == []


def test_inviting_after_confirming_the_password_goes_through(app, cast):
    cast.owner_browser.post("/sudo", {"password": factories.DEFAULT_PASSWORD, "next": MEMBERS})

    response = cast.owner_browser.post(MEMBERS, {"email": "nia@example.com", "role": "member"})

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]


def test_a_member_who_tries_to_invite_gets_403_not_a_password_prompt(app, cast):
    response = cast.member_browser.post(MEMBERS, {"email": "nia@example.com", "role": "admin"})
    assert response.status_code == 403
