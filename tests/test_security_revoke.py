"""Revoke one session by its public id: only the user's own; this device's signs it out."""

import pytest
from sqlalchemy import func, select

from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.support import Browser, announced, assert_signed_out_to_sign_in

PAGE = "/settings/security"


def revoke_url(public_id: str) -> str:
    return f"{PAGE}/sessions/{public_id}/revoke"


def alive(app, public_id: str) -> bool:
    with app.app_context():
        return (
            db.session.scalar(select(UserSession.id).where(UserSession.public_id == public_id))
            is not None
        )


def session_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(UserSession))


@pytest.fixture
def stranger(app):
    """Another user, signed in on their own device."""
    device = Browser(app)
    device.auth_session = device.sign_in_as(factories.make_user(app, email="eve@example.com"))
    return device


def test_revoking_another_device_redirects_back_with_a_flash(app, signed_in, laptop):
    response = signed_in.post(revoke_url(laptop.auth_session.public_id))

    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    assert not alive(app, laptop.auth_session.public_id)
    assert laptop.get("/api/auth/session").json is None
    page = signed_in.get(PAGE).get_data(as_text=True)
    assert "Signed out Chrome 131 on macOS." in page
    assert "Chrome 131 on macOS</td>" not in page


def test_revoking_another_device_with_htmx_swaps_the_list(app, signed_in, laptop):
    response = signed_in.post(revoke_url(laptop.auth_session.public_id), htmx=True, current=PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert '<p class="notice">Signed out Chrome 131 on macOS.</p>' in html
    assert announced(response) == "Signed out Chrome 131 on macOS."
    assert html.count('class="session-row') == 1 and "This device" in html
    assert not alive(app, laptop.auth_session.public_id)
    assert laptop.get("/api/auth/session").json is None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_revoking_this_device_signs_it_out(app, client, user, laptop, htmx):
    this = client.sign_in_as(user)

    response = client.post(revoke_url(this.public_id), htmx=htmx, current=PAGE)

    assert_signed_out_to_sign_in(response, htmx)
    assert not alive(app, this.public_id)
    assert alive(app, laptop.auth_session.public_id)
    assert client.get("/api/auth/session").json is None
    assert "You have been signed out." in client.get("/sign-in").get_data(as_text=True)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_another_users_session_is_404_and_stays_alive(app, signed_in, stranger, htmx):
    response = signed_in.post(revoke_url(stranger.auth_session.public_id), htmx=htmx, current=PAGE)

    assert response.status_code == 404
    assert alive(app, stranger.auth_session.public_id)
    assert stranger.get("/api/auth/session").json is not None
    assert signed_in.get("/api/auth/session").json is not None


def test_a_404_swap_shows_the_current_list_with_a_message(signed_in, stranger):
    response = signed_in.post(revoke_url(stranger.auth_session.public_id), htmx=True, current=PAGE)

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "That session has already ended." in html
    assert html.count('class="session-row') == 1
    assert "<html" not in html


@pytest.mark.parametrize(
    "public_id",
    [
        "AAAAAAAAAAAAAAAAAAAAAA",  # well formed, never issued
        "A" * 33,  # wider than the column
        "not*an*id",
        "%00",
        "%27%20OR%201%3D1--",
    ],
)
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_unknown_or_malformed_ids_are_404_and_change_nothing(
    app, signed_in, laptop, public_id, htmx
):
    before = session_count(app)

    response = signed_in.post(revoke_url(public_id), htmx=htmx, current=PAGE)

    assert response.status_code == 404
    assert session_count(app) == before == 2


def test_get_asks_first_and_changes_nothing(app, signed_in, laptop):
    url = revoke_url(laptop.auth_session.public_id)

    response = signed_in.get(url)

    assert response.status_code == 200
    assert "Log out Chrome 131 on macOS?" in response.text
    assert f'<form method="post" action="{url}">' in response.text
    assert alive(app, laptop.auth_session.public_id)


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_post_without_csrf_token_changes_nothing(app, signed_in, laptop, htmx):
    response = signed_in.post(
        revoke_url(laptop.auth_session.public_id), csrf=False, htmx=htmx, current=PAGE
    )

    assert response.status_code == 400
    assert alive(app, laptop.auth_session.public_id)


def test_signed_out_post_is_sent_to_sign_in_and_changes_nothing(app, client, laptop):
    response = client.post(revoke_url(laptop.auth_session.public_id))

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")
    assert alive(app, laptop.auth_session.public_id)
