"""Deleting one's account from /settings/account: sudo mode, typing the email to confirm.

Every session ends at once, memberships go, organizations the user alone belongs to are
deleted, and the last owner of an organization with other members is refused with its name.
Security events stay with their user reference cleared.
"""

import pytest
from sqlalchemy import select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.organizations.models import Organization
from myapp.security.models import SecurityEvent
from myapp.sessions.models import UserSession
from tests import factories, org_factories
from tests.support import Browser, age_sudo, assert_signed_out_to_sign_in

DELETE = "/settings/account/delete"


def user_exists(app, user) -> bool:
    with app.app_context():
        return db.session.get(User, user.id) is not None


def organization_slugs(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(Organization.slug)))


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_deletes_their_account_and_is_signed_out(app, cast, htmx):
    response = cast.member_browser.post(
        DELETE, {"confirm": " MAX@example.com "}, htmx=htmx, current="/settings/account"
    )

    assert_signed_out_to_sign_in(response, htmx)
    assert not user_exists(app, cast.member)
    assert org_factories.membership_of(app, cast.acme, cast.member) is None
    assert organization_slugs(app) == {"acme", "globex"}
    page = cast.member_browser.get("/sign-in").get_data(as_text=True)
    assert "Your account has been deleted." in page


def test_every_other_device_is_signed_out_on_its_very_next_request(app, cast):
    other_device = org_factories.signed_in_browser(app, cast.member)
    old_token = other_device.session_token()

    cast.member_browser.post(DELETE, {"confirm": "max@example.com"})

    response = other_device.get("/organizations")
    assert (response.status_code, response.location) == (303, "/sign-in?next=%2Forganizations")
    replay = Browser(app)
    replay.set_session_token(old_token)
    assert replay.get("/api/auth/session").json is None
    with app.app_context():
        assert db.session.scalars(select(UserSession)).all() != []  # others' sessions remain
        assert (
            db.session.scalar(select(UserSession.id).where(UserSession.user_id == cast.member.id))
            is None
        )


def test_a_confirmation_goes_to_the_address(app, cast, mailbox):
    cast.stranger_browser.post(DELETE, {"confirm": "sam@example.com"})

    message = mailbox.only(to="sam@example.com")
    assert message.subject == "Your account was deleted"
    assert "Globex" in message.text  # deleted with it: Sam was its only member


def test_organizations_where_the_user_is_alone_are_deleted(app, cast):
    # Sam (the stranger) is Globex's only member; Acme is untouched.
    org_factories.make_contact(app, cast.globex)
    org_factories.make_invitation(app, cast.globex, cast.stranger)

    response = cast.stranger_browser.post(DELETE, {"confirm": "sam@example.com"})

    assert response.status_code == 303
    assert organization_slugs(app) == {"acme"}
    assert org_factories.contacts_of(app, cast.globex) == []
    assert org_factories.invitations_of(app, cast.globex) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_the_last_owner_of_an_organization_with_members_is_refused_with_its_name(app, cast, htmx):
    org_factories.make_organization(app, cast.owner, name="Solo Ltd", slug="solo")
    initech = org_factories.make_organization(app, cast.owner, name="Initech", slug="initech")
    org_factories.add_member(app, initech, cast.stranger)

    response = cast.owner_browser.post(
        DELETE, {"confirm": "olive@example.com"}, htmx=htmx, current="/settings/account"
    )

    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "You are the only owner of Acme, Initech, which have other members." in body
    assert "Solo Ltd" not in body
    assert user_exists(app, cast.owner)
    assert organization_slugs(app) == {"acme", "globex", "initech", "solo"}
    assert cast.owner_browser.get("/organizations").status_code == 200


def test_a_co_owner_may_delete_their_account(app, cast):
    cast.owner_browser.post(
        f"/organizations/acme/members/{cast.member_membership.id}/transfer", {"stay_owner": "y"}
    )

    response = cast.owner_browser.post(DELETE, {"confirm": "olive@example.com"})

    assert response.status_code == 303
    assert not user_exists(app, cast.owner)
    assert org_factories.membership_of(app, cast.acme, cast.member).is_owner


@pytest.mark.parametrize("confirm", ["", "max@example", "olive@example.com"])
def test_the_email_must_be_typed(app, cast, confirm):
    response = cast.member_browser.post(DELETE, {"confirm": confirm})

    assert response.status_code == 422
    assert 'id="confirm-errors"' in response.get_data(as_text=True)
    assert user_exists(app, cast.member)


def test_deleting_needs_sudo(app, cast):
    age_sudo(app)

    response = cast.member_browser.post(
        DELETE,
        {"confirm": "max@example.com"},
        headers={"Referer": "http://localhost/settings/account"},
    )

    assert response.location == "/sudo?next=%2Fsettings%2Faccount"
    assert user_exists(app, cast.member)


def test_deleting_without_a_csrf_token_is_400_and_changes_nothing(app, cast):
    response = cast.member_browser.post(DELETE, {"confirm": "max@example.com"}, csrf=False)

    assert response.status_code == 400
    assert user_exists(app, cast.member)


def test_security_events_stay_with_the_user_reference_cleared(app, cast):
    browser = Browser(app)
    browser.sign_in("max@example.com")  # records a sign-in event

    browser.post(DELETE, {"confirm": "max@example.com"})

    with app.app_context():
        events = db.session.execute(select(SecurityEvent.user_id, SecurityEvent.kind)).all()
    assert (None, "sign_in") in events and (None, "account_deleted") in events
    assert all(user_id is None or user_id != cast.member.id for user_id, _ in events)


def test_the_settings_page_offers_the_deletion_form(cast):
    body = cast.member_browser.get("/settings/account").get_data(as_text=True)

    assert 'action="/settings/account/delete"' in body and 'name="confirm"' in body


def test_invitations_the_user_sent_stay_valid_without_an_inviter(app, cast):
    ada = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, cast.acme, ada, "admin")
    _, token = org_factories.make_invitation(app, cast.acme, ada)

    org_factories.signed_in_browser(app, ada).post(DELETE, {"confirm": "ada@example.com"})

    assert "An admin invited" in Browser(app).get(f"/invitations/{token}").get_data(as_text=True)
