"""Log out all other devices (this one stays), or all devices (this one too)."""

import pytest

from tests import factories
from tests.support import (
    CHROME_MACOS,
    SAFARI_IPHONE,
    Browser,
    announced,
    assert_signed_out_to_sign_in,
    live_public_ids,
)

PAGE = "/settings/security"
REVOKE_OTHERS = f"{PAGE}/sessions/revoke-others"
REVOKE_ALL = f"{PAGE}/sessions/revoke-all"


@pytest.fixture
def devices(app, user):
    """Two more devices of the signed-in user."""
    laptop, phone = Browser(app), Browser(app)
    laptop.sign_in_as(user, user_agent=CHROME_MACOS)
    phone.sign_in_as(user, user_agent=SAFARI_IPHONE)
    return laptop, phone


@pytest.fixture
def stranger(app):
    """Another user, signed in on their own device."""
    device = Browser(app)
    device.auth_session = device.sign_in_as(factories.make_user(app, email="eve@example.com"))
    return device


def test_revoke_others_keeps_this_device_and_flashes_the_count(
    app, client, user, devices, stranger
):
    this = client.sign_in_as(user)

    response = client.post(REVOKE_OTHERS)

    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    assert live_public_ids(app) == {this.public_id, stranger.auth_session.public_id}
    for device in devices:
        assert device.get("/api/auth/session").json is None
    page = client.get(PAGE).get_data(as_text=True)
    assert "Signed out 2 other devices." in page
    assert page.count('class="session-row') == 1
    assert stranger.get("/api/auth/session").json is not None


def test_revoke_others_with_htmx_swaps_the_list(app, client, user, devices):
    this = client.sign_in_as(user)

    response = client.post(REVOKE_OTHERS, htmx=True, current=PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert '<p class="notice">Signed out 2 other devices.</p>' in html
    assert announced(response) == "Signed out 2 other devices."
    assert html.count('class="session-row') == 1 and "This device" in html
    assert live_public_ids(app) == {this.public_id}
    assert "session_token=;" not in response.headers.get("Set-Cookie", "")
    # The activity list is refreshed out of band, showing what was just done.
    activity = html[html.index('<div id="activity" hx-swap-oob="true">') :]
    assert activity.count('class="activity-row"') == 1
    assert '<td data-label="Event">Logged out all other devices</td>' in activity


@pytest.mark.parametrize(
    ("others", "message"),
    [(0, "No other devices were signed in."), (1, "Signed out 1 other device.")],
)
def test_revoke_others_counts_in_words(app, signed_in, user, others, message):
    for _ in range(others):
        Browser(app).sign_in_as(user)

    html = signed_in.post(REVOKE_OTHERS, htmx=True, current=PAGE).get_data(as_text=True)

    assert message in html


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_revoke_all_signs_every_device_out_this_one_too(app, client, user, devices, stranger, htmx):
    client.sign_in_as(user)

    response = client.post(REVOKE_ALL, htmx=htmx, current=PAGE)

    assert_signed_out_to_sign_in(response, htmx)
    assert live_public_ids(app) == {stranger.auth_session.public_id}
    for device in (client, *devices):
        assert device.get("/api/auth/session").json is None
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    assert "You have been signed out of all devices." in sign_in_page


@pytest.mark.parametrize("url", [REVOKE_OTHERS, REVOKE_ALL])
def test_get_asks_first_and_changes_nothing(app, signed_in, devices, url):
    before = live_public_ids(app)

    response = signed_in.get(url)

    assert response.status_code == 200
    assert f'<form method="post" action="{url}">' in response.text
    assert live_public_ids(app) == before


@pytest.mark.parametrize("url", [REVOKE_OTHERS, REVOKE_ALL])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_post_without_csrf_token_changes_nothing(app, signed_in, devices, url, htmx):
    before = live_public_ids(app)

    response = signed_in.post(url, csrf=False, htmx=htmx, current=PAGE)

    assert response.status_code == 400
    assert live_public_ids(app) == before
    assert signed_in.get("/api/auth/session").json is not None


@pytest.mark.parametrize("url", [REVOKE_OTHERS, REVOKE_ALL])
def test_ends_sessions_with_one_delete_statement(app, signed_in, user, count_queries, url):
    for _ in range(5):
        Browser(app).sign_in_as(user)

    response, statements = count_queries(lambda: signed_in.post(url))

    assert response.status_code == 303
    deletes = [s for s in statements if s.lstrip().upper().startswith("DELETE")]
    assert len(deletes) == 1
