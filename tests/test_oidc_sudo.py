"""Sudo mode by signing in again at a linked provider: the way in without a password."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests import factories
from tests.oidc_support import LABEL, through_provider
from tests.support import Browser, age_sudo

pytestmark = pytest.mark.oidc

PAGE = "/settings/security"
REVOKE_OTHERS = f"{PAGE}/sessions/revoke-others"
SUDO_START = "/sudo/test"


@pytest.fixture
def stale_provider_user(app):
    """A provider-made account (no password) whose sign-in is too old for sudo mode."""
    user = factories.make_user(app, email="pat@example.org", password=None)
    factories.make_identity(app, user, subject="pat@example.org")
    device = Browser(app)
    device.sign_in_as(user)
    age_sudo(app)
    return device


def test_the_sudo_page_offers_the_linked_provider(stale_provider_user):
    html = stale_provider_user.get("/sudo?next=/settings/security").get_data(as_text=True)
    assert f"Confirm with {LABEL}" in html
    # ``next`` rides in the form's action, so a reload after a failure keeps it.
    assert f'action="{SUDO_START}?next=/settings/security"' in html


def test_the_sudo_page_offers_no_provider_that_is_not_linked(signed_in):
    assert "Confirm with" not in signed_in.get("/sudo").get_data(as_text=True)
    assert signed_in.post(SUDO_START).status_code == 404


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_the_provider_is_asked_to_make_the_user_sign_in_again(stale_provider_user, htmx):
    response = stale_provider_user.post(SUDO_START, htmx=htmx, current="/sudo")
    assert response.status_code == (200 if htmx else 303)
    target = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    query = parse_qs(urlsplit(target).query)
    assert query["prompt"] == ["login"]
    assert query["max_age"] == ["0"]


def test_signing_in_again_at_the_provider_unlocks_sudo_mode(stale_provider_user):
    device = stale_provider_user
    assert device.post(REVOKE_OTHERS).headers["Location"].startswith("/sudo")
    callback = through_provider(device, "pat@example.org", start=SUDO_START, data={"next": PAGE})
    response = device.get(callback)
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    assert "Confirmed. You can continue." in device.get(PAGE).get_data(as_text=True)
    assert device.post(REVOKE_OTHERS).headers["Location"] == PAGE


def test_another_identity_at_the_provider_does_not_unlock_sudo_mode(stale_provider_user):
    device = stale_provider_user
    response = device.get(through_provider(device, "someone.else", start=SUDO_START))
    assert response.status_code == 403
    assert "not the one linked to yours" in response.get_data(as_text=True)
    assert device.post(REVOKE_OTHERS).headers["Location"].startswith("/sudo")


def test_a_sudo_callback_opened_in_another_browser_is_refused(app, stale_provider_user):
    callback = through_provider(stale_provider_user, "pat@example.org", start=SUDO_START)
    other = Browser(app)
    other.sign_in_as(factories.make_user(app, email="x@example.com"))
    assert other.get(callback).status_code == 400
