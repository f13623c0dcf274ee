"""Connected accounts on the security page: linking and unlinking providers, in sudo mode."""

import threading

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.oidc.models import Identity
from myapp.security.models import SecurityEvent
from tests import factories
from tests.oidc_support import LABEL, through_provider
from tests.support import Browser, age_sudo

pytestmark = pytest.mark.oidc

PAGE = "/settings/security"
LINK = f"{PAGE}/connections/test/link"
UNLINK = f"{PAGE}/connections/test/unlink"


def linked(app, user) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (i.provider, i.subject)
            for i in db.session.scalars(
                select(Identity).where(Identity.user_id == user.id).order_by(Identity.id)
            )
        ]


def events(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)))


@pytest.fixture
def provider_only(app):
    """A user made by the provider: no password, one identity."""
    user = factories.make_user(app, email="pat@example.org", password=None)
    factories.make_identity(app, user, subject="pat@example.org")
    return user


# The section -------------------------------------------------------------------------------


def test_the_security_page_lists_providers_with_link_buttons(signed_in):
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert "Connected accounts" in html
    assert f'<form method="post" action="{LINK}" hx-boost="false"' in html
    assert f'aria-label="Link {LABEL}"' in html


def test_a_linked_provider_shows_who_and_an_unlink_button(app, signed_in, user):
    factories.make_identity(app, user, email="ada@gmail.example")
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert "Linked as ada@gmail.example" in html
    assert f'hx-post="{UNLINK}"' in html


def test_unlinking_asks_first_on_a_page_after_the_password(app, signed_in, user):
    factories.make_identity(app, user, email="ada@gmail.example")

    page = signed_in.get(UNLINK).get_data(as_text=True)

    assert f"Unlink {LABEL}?" in page
    assert f'<form method="post" action="{UNLINK}">' in page
    assert f'<a href="{PAGE}">Cancel</a>' in page
    assert signed_in.post(UNLINK, csrf=False).status_code == 400
    assert linked(app, user) != []
    age_sudo(app)
    assert signed_in.get(UNLINK).location.startswith("/sudo?next=")


@pytest.mark.oidc("test", "second")
def test_every_configured_provider_is_listed(signed_in):
    html = signed_in.get(PAGE).get_data(as_text=True)
    assert f"Link {LABEL}" in html
    assert "Link Second ID" in html


# Linking -------------------------------------------------------------------------------------


def test_linking_sends_the_notice_mail(app, signed_in, user, mailbox):
    signed_in.get(through_provider(signed_in, "ada.at.provider", start=LINK))
    message = mailbox.only(to=user.email)
    assert message.subject == f"{LABEL} was linked to your account"
    assert f"{LABEL} was just linked to your account" in message.text
    public_url = app.config["PUBLIC_URL"]
    assert message.links() == [f"{public_url}/forgot-password", f"{public_url}{PAGE}"]


def test_unlinking_sends_the_notice_mail(app, signed_in, user, mailbox):
    factories.make_identity(app, user)
    signed_in.post(UNLINK)
    message = mailbox.only(to=user.email)
    assert message.subject == f"{LABEL} was unlinked from your account"
    assert f"{LABEL} was just unlinked from your account" in message.text


def test_a_refused_link_or_unlink_sends_no_mail(app, provider_only, mailbox):
    device = Browser(app)
    device.sign_in_as(provider_only)
    assert device.post(UNLINK).status_code == 409
    assert mailbox.messages == []


def test_a_signed_in_user_links_a_provider_and_then_signs_in_with_it(app, signed_in, user):
    response = signed_in.get(through_provider(signed_in, "ada.at.provider", start=LINK))
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    page = signed_in.get(PAGE).get_data(as_text=True)
    assert f"{LABEL} is linked." in page
    assert "Linked a sign-in provider" in page
    assert linked(app, user) == [("test", "ada.at.provider")]
    # The provider now signs in the same account (whose email differs at the provider).
    device = Browser(app)
    device.get(through_provider(device, "ada.at.provider"))
    assert device.get("/api/auth/session").get_json()["user"]["email"] == user.email


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_link_sends_the_browser_to_the_provider(signed_in, oidc_provider, htmx):
    response = signed_in.post(LINK, htmx=htmx, current=PAGE)
    assert response.status_code == (200 if htmx else 303)
    target = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert target.startswith(f"{oidc_provider.issuer}/auth?")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_linking_needs_sudo_mode(app, signed_in, user, htmx):
    age_sudo(app)
    response = signed_in.post(LINK, htmx=htmx, current=PAGE)
    target = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert target.startswith("/sudo")
    assert linked(app, user) == []


def test_linking_needs_csrf(signed_in):
    assert signed_in.post(LINK, csrf=False).status_code == 400


def test_an_identity_linked_to_someone_else_is_refused(app, signed_in, user):
    other = factories.make_user(app, email="other@example.com")
    factories.make_identity(app, other, subject="shared.at.provider")
    response = signed_in.get(through_provider(signed_in, "shared.at.provider", start=LINK))
    assert response.status_code == 409
    assert "already linked to another account" in response.get_data(as_text=True)
    assert linked(app, user) == []
    assert linked(app, other) == [("test", "shared.at.provider")]


def test_a_second_account_at_the_same_provider_is_refused(app, signed_in, user):
    factories.make_identity(app, user, subject="first.at.provider")
    response = signed_in.get(through_provider(signed_in, "second.at.provider", start=LINK))
    assert response.status_code == 409
    assert "Unlink it first" in response.get_data(as_text=True)
    assert linked(app, user) == [("test", "first.at.provider")]


def test_linking_the_same_identity_again_changes_nothing(app, signed_in, user):
    factories.make_identity(app, user, subject="ada.at.provider")
    response = signed_in.get(through_provider(signed_in, "ada.at.provider", start=LINK))
    assert response.status_code == 303
    assert linked(app, user) == [("test", "ada.at.provider")]
    assert "identity_linked" not in events(app)


def test_a_link_callback_opened_in_another_session_is_refused(app, signed_in, user):
    mallory = factories.make_user(app, email="mallory@example.com")
    attacker = Browser(app)
    attacker.sign_in_as(mallory)
    callback = through_provider(attacker, "mallory.at.provider", start=LINK)
    # The victim opens the attacker's callback: nothing to match in the victim's browser.
    assert signed_in.get(callback).status_code == 400
    assert linked(app, user) == []


def test_a_link_finished_after_signing_out_is_refused(app, signed_in, user):
    callback = through_provider(signed_in, "ada.at.provider", start=LINK)
    signed_in.post("/sign-out")
    signed_in.sign_in_as(user)
    response = signed_in.get(callback)
    # Sign-out clears Flask's cookie, and with it the flow.
    assert response.status_code == 400
    assert linked(app, user) == []


def test_a_tampered_id_token_links_nothing(app, signed_in, user):
    response = signed_in.get(through_provider(signed_in, "eve+wrongaud", start=LINK))
    assert response.status_code == 400
    assert linked(app, user) == []


# Unlinking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_unlinking_removes_the_identity(app, signed_in, user, htmx):
    factories.make_identity(app, user)
    response = signed_in.post(UNLINK, htmx=htmx, current=PAGE)
    if htmx:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"{LABEL} is unlinked." in html
        assert f"Link {LABEL}" in html
        assert "<html" not in html
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == PAGE
        assert f"{LABEL} is unlinked." in signed_in.get(PAGE).get_data(as_text=True)
    assert linked(app, user) == []
    assert events(app)[-1] == "identity_unlinked"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_last_way_to_sign_in_cannot_be_unlinked(app, provider_only, htmx):
    device = Browser(app)
    device.sign_in_as(provider_only)
    response = device.post(UNLINK, htmx=htmx, current=PAGE)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert f"{LABEL} is the only way to sign in to this account" in html
    assert "Forgot your password?" in html
    if htmx:
        # The list stays in place, with the reason.
        assert 'class="connections"' in html
        assert "<html" not in html
    assert linked(app, provider_only) == [("test", "pat@example.org")]


@pytest.mark.oidc("test", "second")
def test_with_another_provider_linked_one_can_be_unlinked(app, provider_only):
    factories.make_identity(app, provider_only, provider="second", subject="pat")
    device = Browser(app)
    device.sign_in_as(provider_only)
    assert device.post(UNLINK).status_code == 303
    assert linked(app, provider_only) == [("second", "pat")]
    # Now the other one is the last way in.
    assert device.post(f"{PAGE}/connections/second/unlink").status_code == 409


def test_a_provider_no_longer_configured_does_not_count_as_a_way_in(app, provider_only):
    factories.make_identity(app, provider_only, provider="retired", subject="pat")
    device = Browser(app)
    device.sign_in_as(provider_only)
    assert device.post(UNLINK).status_code == 409
    assert ("test", "pat@example.org") in linked(app, provider_only)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_unlinking_needs_sudo_mode(app, signed_in, user, htmx):
    factories.make_identity(app, user)
    age_sudo(app)
    response = signed_in.post(UNLINK, htmx=htmx, current=PAGE)
    target = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert target.startswith("/sudo")
    assert len(linked(app, user)) == 1


def test_unlinking_a_provider_that_is_not_linked_is_not_found(signed_in):
    assert signed_in.post(UNLINK).status_code == 404


def test_signed_out_visitors_cannot_link_or_unlink(client):
    assert client.post(LINK).headers["Location"].startswith("/sign-in")
    assert client.post(UNLINK).headers["Location"].startswith("/sign-in")


@pytest.mark.oidc("test", "second")
def test_two_unlinks_at_once_never_remove_the_last_way_in(app, provider_only):
    """Two devices each unlink a different provider at the same moment: one must be refused."""
    factories.make_identity(app, provider_only, provider="second", subject="pat")
    devices = [Browser(app), Browser(app)]
    for device in devices:
        device.sign_in_as(provider_only)
    urls = [UNLINK, f"{PAGE}/connections/second/unlink"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def unlink(device, url):
        data = {"csrf_token": device.csrf_token()}
        barrier.wait()
        statuses.append(device.post(url, data, csrf=False).status_code)

    threads = [
        threading.Thread(target=unlink, args=pair) for pair in zip(devices, urls, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409]
    assert len(linked(app, provider_only)) == 1


def test_an_account_made_by_a_provider_sets_a_password_through_forgot_password(
    app, provider_only, mailbox
):
    visitor = Browser(app)
    assert visitor.post("/forgot-password", {"email": provider_only.email}).status_code == 303
    path = mailbox.only(to=provider_only.email).link_path()
    assert visitor.post(path, {"new_password": "a brand new passphrase"}).status_code == 303
    device = Browser(app)
    assert device.sign_in(provider_only.email, "a brand new passphrase").status_code == 303
    # With a password, the provider is no longer the last way in.
    assert device.post(UNLINK).status_code == 303
    assert linked(app, provider_only) == []
