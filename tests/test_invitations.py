"""Inviting by email from the members page: admins invite members, owners invite admins too.

Nobody becomes a member by being invited; the form answers alike whether or not the address
has an account; one pending invitation per address, a cap per organization, and a limit per
admin and hour. Resend issues a new link and voids the old one; revoke voids it.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.invitations.models import Invitation
from tests import factories, org_factories
from tests.support import BOOSTED, age_sudo, is_members_partial

MEMBERS = "/organizations/acme/members"
INVITATIONS = "/organizations/acme/invitations"
NIA = {"email": " NIA@Example.com ", "role": "member"}


@pytest.fixture
def ada(app, cast):
    """An admin of Acme who is not an owner, signed in on her own browser."""
    user = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, cast.acme, user, "admin")
    return SimpleNamespace(user=user, browser=org_factories.signed_in_browser(app, user))


# Inviting ------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [INVITATIONS, MEMBERS], ids=["invitations", "members-alias"])
@pytest.mark.parametrize("headers", [{}, BOOSTED], ids=["plain", "boosted"])
def test_an_admin_invites_by_email_and_nobody_joins_yet(app, cast, path, headers):
    nia = factories.make_user(app, name="Nia Newcomer", email="nia@example.com")

    response = cast.owner_browser.post(path, NIA, headers=headers)

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]
    assert org_factories.membership_of(app, cast.acme, nia) is None
    page = cast.owner_browser.get(MEMBERS).get_data(as_text=True)
    assert "Invitation sent to nia@example.com." in page
    assert "Olive Owner" in page and "nia@example.com" in page  # who invited, and whom


def test_the_invitee_gets_a_link_built_from_public_url_that_opens_the_invitation(
    app, cast, mailbox
):
    cast.owner_browser.post(INVITATIONS, NIA)

    message = mailbox.only(to="nia@example.com")
    assert message.subject == "Olive Owner invited you to Acme"
    assert message.link().startswith(f"{app.config['PUBLIC_URL']}/invitations/")
    assert message.link() in message.html
    token = message.link_path().rsplit("/", 1)[1]
    assert org_factories.invitation_link_works(app, token)
    with app.app_context():
        assert db.session.scalar(select(Invitation.token_hash)) != token  # only its hash


def test_an_invitation_that_could_not_be_mailed_is_kept_for_a_resend(app, cast, smtp_down):
    response = cast.owner_browser.post(INVITATIONS, NIA)

    assert (response.status_code, response.location) == (303, MEMBERS)
    assert "the email could not be sent" in cast.owner_browser.get(MEMBERS).get_data(as_text=True)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]


def test_inviting_in_a_swap_returns_the_section_with_the_pending_row(app, cast):
    response = cast.owner_browser.post(INVITATIONS, NIA, htmx=True, current=MEMBERS)

    assert response.status_code == 200
    assert is_members_partial(response)
    body = response.get_data(as_text=True)
    assert "nia@example.com" in body and "/resend" in body and "/revoke" in body


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(app, cast):
    factories.make_user(app, name="Nia Newcomer", email="nia@example.com")

    with_account = cast.owner_browser.post(INVITATIONS, NIA, htmx=True, current=MEMBERS)
    without = cast.owner_browser.post(
        INVITATIONS, {"email": "nobody@example.com", "role": "member"}, htmx=True, current=MEMBERS
    )

    assert with_account.status_code == without.status_code == 200
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending"),
        ("nobody@example.com", "member", "pending"),
    ]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"email": "max@example.com", "role": "member"}, "email", "already a member"),
        ({"email": "not an email", "role": "member"}, "email", "Enter a valid email address."),
        ({"email": "nia@example.com", "role": "owner"}, "role", "Choose member or admin."),
        ({"email": "nia@example.com"}, "role", "Choose member or admin."),
    ],
    ids=["already-member", "bad-email", "unknown-role", "no-role"],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_invalid_invitation_is_422_with_the_message_and_writes_nothing(
    app, cast, form, field, message, htmx
):
    response = cast.owner_browser.post(INVITATIONS, form, htmx=htmx, current=MEMBERS)

    assert response.status_code == 422
    assert is_members_partial(response) is htmx
    body = response.get_data(as_text=True)
    assert f'id="{field}-errors"' in body and message in body
    assert org_factories.invitations_of(app, cast.acme) == []


def test_inviting_an_address_with_a_pending_invitation_is_a_field_error(app, cast):
    org_factories.make_invitation(app, cast.acme, cast.owner, email="nia@example.com")

    response = cast.owner_browser.post(INVITATIONS, NIA)

    assert response.status_code == 422
    assert "already has a pending invitation" in response.get_data(as_text=True)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]


def test_an_expired_pending_invitation_is_replaced(app, cast):
    _, old_token = org_factories.make_invitation(
        app, cast.acme, cast.owner, email="nia@example.com", expires_in=timedelta(seconds=-1)
    )

    response = cast.owner_browser.post(INVITATIONS, NIA)

    assert response.status_code == 303
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "revoked"),
        ("nia@example.com", "member", "pending"),
    ]
    assert not org_factories.invitation_link_works(app, old_token)


def test_the_same_address_may_be_invited_by_two_organizations(app, cast):
    org_factories.make_invitation(app, cast.globex, cast.stranger, email="nia@example.com")

    response = cast.owner_browser.post(INVITATIONS, NIA)

    assert response.status_code == 303


def test_posted_organization_id_status_and_invited_by_are_ignored(app, cast):
    form = {
        **NIA,
        "organization_id": cast.globex.id,
        "status": "accepted",
        "invited_by_id": cast.stranger.id,
    }

    cast.owner_browser.post(INVITATIONS, form)

    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]
    assert org_factories.invitations_of(app, cast.globex) == []


# Role limits ---------------------------------------------------------------------------------
def test_an_owner_may_invite_an_admin(app, cast):
    response = cast.owner_browser.post(INVITATIONS, {"email": "nia@example.com", "role": "admin"})

    assert response.status_code == 303
    assert org_factories.invitations_of(app, cast.acme) == [("nia@example.com", "admin", "pending")]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_an_admin_who_is_not_an_owner_cannot_invite_an_admin(app, cast, ada, htmx):
    response = ada.browser.post(
        INVITATIONS, {"email": "nia@example.com", "role": "admin"}, htmx=htmx, current=MEMBERS
    )

    assert response.status_code == 422
    assert "Only owners can invite admins." in response.get_data(as_text=True)
    assert org_factories.invitations_of(app, cast.acme) == []


def test_an_admin_who_is_not_an_owner_invites_members(app, cast, ada):
    response = ada.browser.post(INVITATIONS, NIA)

    assert response.status_code == 303
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]


@pytest.mark.parametrize("path", [INVITATIONS, MEMBERS], ids=["invitations", "members-alias"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_a_member_cannot_invite(app, cast, path, htmx):
    response = cast.member_browser.post(path, NIA, htmx=htmx, current="/organizations/acme/")

    assert response.status_code == 403
    assert org_factories.invitations_of(app, cast.acme) == []


def test_a_member_cannot_resend_or_revoke(app, cast):
    invitation, token = org_factories.make_invitation(app, cast.acme, cast.owner)

    for action in ("resend", "revoke"):
        response = cast.member_browser.post(f"{INVITATIONS}/{invitation.id}/{action}")
        assert response.status_code == 403
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "pending")
    ]
    assert org_factories.invitation_link_works(app, token)


def test_an_admin_who_is_not_an_owner_cannot_resend_an_admin_invitation(app, cast, ada):
    invitation, token = org_factories.make_invitation(app, cast.acme, cast.owner, role="admin")

    response = ada.browser.post(f"{INVITATIONS}/{invitation.id}/resend")

    assert response.status_code == 403
    assert org_factories.invitation_link_works(app, token)


def test_inviting_without_a_csrf_token_is_400_and_writes_nothing(app, cast):
    response = cast.owner_browser.post(INVITATIONS, NIA, csrf=False)

    assert response.status_code == 400
    assert org_factories.invitations_of(app, cast.acme) == []


# Limits --------------------------------------------------------------------------------------
@pytest.mark.settings(INVITATION_LIMIT_PER_ORGANIZATION=2)
def test_an_organization_has_at_most_the_limit_of_pending_invitations(app, cast):
    org_factories.make_invitation(app, cast.acme, cast.owner, email="a@example.com")
    org_factories.make_invitation(app, cast.acme, cast.owner, email="b@example.com")

    response = cast.owner_browser.post(INVITATIONS, NIA)

    assert response.status_code == 422
    assert "This organization has 2 pending invitations." in response.get_data(as_text=True)
    assert len(org_factories.invitations_of(app, cast.acme)) == 2


@pytest.mark.settings(INVITATION_LIMIT_PER_ADMIN=2)
def test_an_admin_sends_at_most_the_limit_within_an_hour_resends_and_revoked_included(app, cast):
    browser = cast.owner_browser
    assert (
        browser.post(INVITATIONS, {"email": "a@example.com", "role": "member"}).status_code == 303
    )
    with app.app_context():
        first_id = db.session.scalar(select(Invitation.id))
    browser.post(f"{INVITATIONS}/{first_id}/revoke")
    assert (
        browser.post(INVITATIONS, {"email": "b@example.com", "role": "member"}).status_code == 303
    )

    response = browser.post(INVITATIONS, NIA)

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "too many invitations" in response.get_data(as_text=True)
    assert len(org_factories.invitations_of(app, cast.acme)) == 2
    # Another admin has a limit of their own.
    ada = factories.make_user(app, name="Ada Admin", email="ada@example.com")
    org_factories.add_member(app, cast.acme, ada, "admin")
    other = org_factories.signed_in_browser(app, ada)
    assert other.post(INVITATIONS, NIA).status_code == 303


# Resend and revoke ---------------------------------------------------------------------------
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_resend_issues_a_new_link_and_voids_the_old_one(app, cast, htmx, mailbox):
    invitation, old_token = org_factories.make_invitation(app, cast.acme, cast.owner)

    response = cast.owner_browser.post(
        f"{INVITATIONS}/{invitation.id}/resend", htmx=htmx, current=MEMBERS
    )

    if htmx:
        assert response.status_code == 200 and is_members_partial(response)
    else:
        assert (response.status_code, response.location) == (303, MEMBERS)
    assert not org_factories.invitation_link_works(app, old_token)
    new_token = mailbox.only(to="nia@example.com").link_path().rsplit("/", 1)[1]
    assert new_token != old_token and org_factories.invitation_link_works(app, new_token)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "revoked"),
        ("nia@example.com", "member", "pending"),
    ]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_revoke_voids_the_link_and_leaves_the_list(app, cast, htmx):
    invitation, token = org_factories.make_invitation(app, cast.acme, cast.owner)

    response = cast.owner_browser.post(
        f"{INVITATIONS}/{invitation.id}/revoke", htmx=htmx, current=MEMBERS
    )

    if htmx:
        assert response.status_code == 200 and is_members_partial(response)
        assert f'id="invitation-{invitation.id}"' not in response.get_data(as_text=True)
    else:
        assert (response.status_code, response.location) == (303, MEMBERS)
    assert not org_factories.invitation_link_works(app, token)
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "revoked")
    ]


def test_revoking_needs_no_sudo_but_resending_does(app, cast):
    invitation, token = org_factories.make_invitation(app, cast.acme, cast.owner)
    age_sudo(app)

    resend = cast.owner_browser.post(f"{INVITATIONS}/{invitation.id}/resend")
    assert resend.location.startswith("/sudo?next=")
    assert org_factories.invitation_link_works(app, token)

    revoke = cast.owner_browser.post(f"{INVITATIONS}/{invitation.id}/revoke")
    assert (revoke.status_code, revoke.location) == (303, MEMBERS)
    assert not org_factories.invitation_link_works(app, token)


# IDOR ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("action", ["resend", "revoke"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "swap"])
def test_another_organizations_invitation_is_404_and_untouched(app, cast, action, htmx):
    globex_invitation, token = org_factories.make_invitation(app, cast.globex, cast.stranger)

    response = cast.owner_browser.post(
        f"{INVITATIONS}/{globex_invitation.id}/{action}", htmx=htmx, current=MEMBERS
    )

    assert response.status_code == 404
    assert org_factories.invitations_of(app, cast.globex) == [
        ("nia@example.com", "member", "pending")
    ]
    assert org_factories.invitation_link_works(app, token)


@pytest.mark.parametrize("action", ["resend", "revoke"])
def test_an_answered_invitation_cannot_be_resent_or_revoked(app, cast, action):
    invitation, _ = org_factories.make_invitation(app, cast.acme, cast.owner)
    cast.owner_browser.post(f"{INVITATIONS}/{invitation.id}/revoke")

    response = cast.owner_browser.post(f"{INVITATIONS}/{invitation.id}/{action}")

    assert response.status_code == 404
    assert org_factories.invitations_of(app, cast.acme) == [
        ("nia@example.com", "member", "revoked")
    ]


# The members page ----------------------------------------------------------------------------
def test_the_members_page_lists_pending_invitations_with_role_inviter_and_expiry(app, cast):
    org_factories.make_invitation(app, cast.acme, cast.owner, email="nia@example.com")
    org_factories.make_invitation(
        app, cast.acme, None, email="old@example.com", expires_in=timedelta(seconds=-1)
    )
    org_factories.make_invitation(app, cast.globex, cast.stranger, email="globex@example.com")

    body = cast.owner_browser.get(MEMBERS).get_data(as_text=True)

    assert "nia@example.com" in body and "Olive Owner" in body and "<time datetime=" in body
    assert "old@example.com" in body and "Expired" in body and "A former member" in body
    assert "globex@example.com" not in body
