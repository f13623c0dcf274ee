"""Opening a mailed invitation link, and accepting or declining it.

The page changes nothing; its buttons post. Only the invitee, signed in with the invited
address, can accept (becoming a member with the offered role) or decline. A used, revoked,
expired or unknown link gets the same 404 and changes nothing.
"""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select, update

from myapp.auth.models import User
from myapp.database import utcnow
from myapp.extensions import db
from myapp.invitations.data import find_invitation
from myapp.invitations.models import Invitation
from tests import factories, org_factories
from tests.support import BOOSTED, post_at_once


@pytest.fixture
def nia(app):
    """The invitee: an account at the invited address, verified."""
    return factories.make_user(app, name="Nia Newcomer", email="nia@example.com", verified=True)


@pytest.fixture
def invited(app, cast):
    """A pending invitation of Acme to nia@example.com as admin; its row and raw token."""
    return org_factories.make_invitation(app, cast.acme, cast.owner, role="admin")


def link(token) -> str:
    return f"/invitations/{token}"


# Opening the link ----------------------------------------------------------------------------
def test_signed_out_the_page_explains_and_offers_sign_in_or_up_with_the_email(
    app, client, cast, invited
):
    _, token = invited

    response = client.get(link(token))

    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Join Acme" in body and "Olive Owner" in body and "as an admin" in body
    hrefs = [h for h in body.split('href="')[1:] if h.startswith(("/sign-in?", "/sign-up?"))]
    assert len(hrefs) == 2
    for href in hrefs:
        query = parse_qs(urlsplit(href.split('"')[0].replace("&amp;", "&")).query)
        assert query == {"email": ["nia@example.com"], "next": [link(token)]}
    assert org_factories.invitation_link_works(app, token)


@pytest.mark.parametrize("page", ["/sign-up", "/sign-in"])
def test_sign_in_and_up_fill_in_the_email_and_return_to_the_invitation(
    app, client, cast, invited, page
):
    _, token = invited

    body = client.get(f"{page}?email=nia%40example.com&next={link(token)}").get_data(as_text=True)

    assert 'value="nia@example.com"' in body
    assert f'name="next" value="{link(token)}"' in body


def test_signing_up_from_the_link_comes_back_to_the_invitation(app, client, cast, invited):
    _, token = invited
    form = {"name": "Nia", "email": "nia@example.com", "password": "correct horse battery"}

    response = client.post("/sign-up", {**form, "next": link(token)})

    assert (response.status_code, response.location) == (303, link(token))
    page = client.get(link(token)).get_data(as_text=True)
    assert "Verify your email address first" in page and "/accept" not in page


def test_an_unverified_invitee_cannot_accept_until_the_address_is_verified(
    app, client, cast, invited, mailbox
):
    _, token = invited
    form = {"name": "Nia", "email": "nia@example.com", "password": "correct horse battery"}
    client.post("/sign-up", {**form, "next": link(token)})

    refused = client.post(f"{link(token)}/accept")

    assert refused.status_code == 403
    assert "Verify your email address first" in refused.get_data(as_text=True)
    assert org_factories.invitations_of(app, cast.acme) == [("nia@example.com", "admin", "pending")]

    verification = mailbox.only(to="nia@example.com")
    client.post(verification.link_path())  # the "Confirm email" button
    accepted = client.post(f"{link(token)}/accept")

    assert (accepted.status_code, accepted.location) == (303, "/organizations/acme/")


def test_opening_the_link_changes_nothing(app, cast, nia, invited):
    _, token = invited
    browser = org_factories.signed_in_browser(app, nia)

    for _ in range(2):
        assert browser.get(link(token)).status_code == 200

    assert org_factories.membership_of(app, cast.acme, nia) is None
    assert org_factories.invitations_of(app, cast.acme) == [("nia@example.com", "admin", "pending")]


def test_signed_in_as_someone_else_the_page_says_so_and_offers_no_button(app, cast, invited):
    _, token = invited

    body = cast.stranger_browser.get(link(token)).get_data(as_text=True)

    assert "signed in as sam@example.com" in body and "for nia@example.com" in body
    assert "/accept" not in body


# Accepting and declining ---------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_the_invitee_accepts_joins_with_the_role_and_lands_in_the_organization(
    app, cast, nia, invited, headers
):
    _, token = invited
    browser = org_factories.signed_in_browser(app, nia)

    response = browser.post(f"{link(token)}/accept", headers=headers)

    assert (response.status_code, response.location) == (303, "/organizations/acme/")
    membership = org_factories.membership_of(app, cast.acme, nia)
    assert (membership.role, membership.is_owner) == ("admin", False)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "admin", "accepted")
    ]
    assert "Welcome! You joined" in browser.get("/organizations/acme/").get_data(as_text=True)


def test_accepting_in_a_swap_redirects_through_htmx(app, cast, nia, invited):
    _, token = invited
    browser = org_factories.signed_in_browser(app, nia)

    response = browser.post(f"{link(token)}/accept", htmx=True, current=link(token))

    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations/acme/")
    assert org_factories.membership_of(app, cast.acme, nia) is not None


def test_the_invitee_declines_and_does_not_join(app, cast, nia, invited):
    _, token = invited
    browser = org_factories.signed_in_browser(app, nia)

    response = browser.post(f"{link(token)}/decline")

    assert (response.status_code, response.location) == (303, "/organizations")
    assert org_factories.membership_of(app, cast.acme, nia) is None
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "admin", "declined")
    ]


@pytest.mark.parametrize("action", ["accept", "decline"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_someone_elses_token_is_403_and_changes_nothing(app, cast, invited, action, htmx):
    _, token = invited

    response = cast.stranger_browser.post(f"{link(token)}/{action}", htmx=htmx, current=link(token))

    assert response.status_code == 403
    assert "another email address" in response.get_data(as_text=True)
    assert org_factories.membership_of(app, cast.acme, cast.stranger) is None
    assert org_factories.invitations_of(app, cast.acme) == [("nia@example.com", "admin", "pending")]


def test_an_address_that_differs_only_in_case_is_the_same_invitee(app, cast):
    _, token = org_factories.make_invitation(app, cast.acme, cast.owner, email="Nia@Example.COM")
    nia = factories.make_user(app, name="Nia", email="nia@example.com", verified=True)
    browser = org_factories.signed_in_browser(app, nia)

    assert browser.post(f"{link(token)}/accept").status_code == 303
    assert org_factories.membership_of(app, cast.acme, nia) is not None


def test_accepting_signed_out_goes_to_sign_in_and_back(app, client, cast, invited):
    _, token = invited

    response = client.post(
        f"{link(token)}/accept", headers={"Referer": f"http://localhost{link(token)}"}
    )

    assert response.status_code == 303
    assert response.location.startswith("/sign-in?next=")
    assert org_factories.invitations_of(app, cast.acme) == [("nia@example.com", "admin", "pending")]


def test_a_member_who_accepts_keeps_their_membership_as_it_is(app, cast):
    _, token = org_factories.make_invitation(
        app, cast.acme, cast.owner, email="max@example.com", role="admin"
    )
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == cast.member.id).values(email_verified_at=utcnow())
        )
        db.session.commit()

    response = cast.member_browser.post(f"{link(token)}/accept")

    assert response.status_code == 303
    assert org_factories.membership_of(app, cast.acme, cast.member).role == "member"


# Links that no longer work -------------------------------------------------------------------
def used(app, cast, nia, token):
    org_factories.signed_in_browser(app, nia).post(f"{link(token)}/accept")


def declined(app, cast, nia, token):
    org_factories.signed_in_browser(app, nia).post(f"{link(token)}/decline")


def revoked(app, cast, nia, token):
    with app.app_context():
        invitation_id = db.session.scalar(select(Invitation.id))
    cast.owner_browser.post(f"/organizations/acme/invitations/{invitation_id}/revoke")


@pytest.mark.parametrize("spoil", [used, declined, revoked], ids=["used", "declined", "revoked"])
@pytest.mark.parametrize("action", ["GET", "accept", "decline"])
def test_a_used_declined_or_revoked_link_is_404_and_changes_nothing(
    app, cast, nia, invited, spoil, action
):
    _, token = invited
    spoil(app, cast, nia, token)
    before = (
        org_factories.invitations_of(app, cast.acme),
        org_factories.membership_of(app, cast.acme, nia),
    )
    browser = org_factories.signed_in_browser(app, nia)

    response = (
        browser.get(link(token)) if action == "GET" else browser.post(f"{link(token)}/{action}")
    )

    assert response.status_code == 404
    assert "invalid, has been used or revoked, or has expired" in response.get_data(as_text=True)
    after = (
        org_factories.invitations_of(app, cast.acme),
        org_factories.membership_of(app, cast.acme, nia),
    )
    assert (after[0], after[1] and after[1].id) == (before[0], before[1] and before[1].id)


@pytest.mark.parametrize("action", ["GET", "accept", "decline"])
@pytest.mark.parametrize(
    "token", ["A" * 43, "short", "x" * 300, "%00"], ids=["unknown", "short", "long", "nul"]
)
def test_an_unknown_or_malformed_token_is_404(app, cast, nia, action, token):
    browser = org_factories.signed_in_browser(app, nia)

    response = (
        browser.get(link(token)) if action == "GET" else browser.post(f"{link(token)}/{action}")
    )

    assert response.status_code == 404


@pytest.mark.parametrize("action", ["GET", "accept"])
def test_an_expired_link_is_404_and_changes_nothing(app, cast, nia, action):
    _, token = org_factories.make_invitation(
        app, cast.acme, cast.owner, expires_in=timedelta(seconds=-1)
    )
    browser = org_factories.signed_in_browser(app, nia)

    response = (
        browser.get(link(token)) if action == "GET" else browser.post(f"{link(token)}/accept")
    )

    assert response.status_code == 404
    assert org_factories.membership_of(app, cast.acme, nia) is None


def test_a_token_is_looked_up_only_by_its_hash(app, cast, invited):
    invitation, token = invited
    with app.test_request_context():
        assert find_invitation(token).organization_slug == "acme"
        stored = db.session.get(Invitation, invitation.id)
        assert token not in (stored.token_hash, stored.email)
        # The hash itself is not a working token.
        assert find_invitation(stored.token_hash) is None


def test_one_link_accepted_twice_at_once_makes_one_membership(app, cast, nia, invited):
    _, token = invited
    devices = [org_factories.signed_in_browser(app, nia) for _ in range(2)]

    statuses = post_at_once(
        [lambda d=device: d.post(f"{link(token)}/accept") for device in devices]
    )

    assert statuses == [303, 404]
    assert org_factories.membership_of(app, cast.acme, nia).role == "admin"
