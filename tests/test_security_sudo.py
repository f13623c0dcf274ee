"""Logging out other devices, or all, needs the password entered recently (sudo mode)."""

from datetime import timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.support import live_public_ids

PAGE = "/settings/security"


def sudo_back_to(url: str) -> str:
    """The password prompt that comes back to ``url``: an action's own confirmation page."""
    return f"/sudo?next={quote(url, safe='')}"


#: A plain form post comes back to the page it was sent from, as its Referer says.
FROM_THE_PAGE = {"Referer": f"http://localhost{PAGE}"}


def age_sudo(app):
    with app.app_context():
        db.session.execute(update(UserSession).values(sudo_at=utcnow() - timedelta(hours=3)))
        db.session.commit()


@pytest.fixture
def stale(app, signed_in, laptop):
    """The signed-in client, with a second device; neither confirmed the password lately."""
    age_sudo(app)
    return signed_in


@pytest.mark.parametrize("url", [f"{PAGE}/sessions/revoke-others", f"{PAGE}/sessions/revoke-all"])
@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_stale_session_is_sent_to_confirm_the_password_first(app, stale, url, htmx):
    before = live_public_ids(app)

    response = stale.post(url, htmx=htmx, current=PAGE, headers=FROM_THE_PAGE)

    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == sudo_back_to(url)
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == sudo_back_to(url)
    assert live_public_ids(app) == before
    assert stale.get("/api/auth/session").json is not None


def test_after_confirming_the_password_the_revoke_goes_through(app, stale):
    response = stale.post("/sudo", {"password": factories.DEFAULT_PASSWORD, "next": PAGE})
    assert response.headers["Location"] == PAGE

    response = stale.post(f"{PAGE}/sessions/revoke-others", htmx=True, current=PAGE)

    assert "Signed out 1 other device." in response.get_data(as_text=True)
    assert len(live_public_ids(app)) == 1


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_ending_another_device_needs_sudo_and_ends_nothing_before(app, stale, laptop, htmx):
    before = live_public_ids(app)

    url = f"{PAGE}/sessions/{laptop.auth_session.public_id}/revoke"
    response = stale.post(url, htmx=htmx, current=PAGE, headers=FROM_THE_PAGE)

    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, sudo_back_to(url))
    else:
        assert (response.status_code, response.location) == (303, sudo_back_to(url))
    assert live_public_ids(app) == before
    assert laptop.get("/api/auth/session").json is not None


def test_ending_another_device_after_confirming_the_password_goes_through(app, stale, laptop):
    stale.post("/sudo", {"password": factories.DEFAULT_PASSWORD, "next": PAGE})

    response = stale.post(f"{PAGE}/sessions/{laptop.auth_session.public_id}/revoke")

    assert response.headers["Location"] == PAGE
    assert laptop.auth_session.public_id not in live_public_ids(app)


def test_ending_this_device_needs_no_sudo(app, stale, laptop):
    (this,) = live_public_ids(app) - {laptop.auth_session.public_id}

    response = stale.post(f"{PAGE}/sessions/{this}/revoke")

    assert (response.status_code, response.location) == (303, "/sign-in")
    assert live_public_ids(app) == {laptop.auth_session.public_id}


def test_changing_the_password_needs_no_sudo_since_it_asks_for_the_password(app, stale, laptop):
    response = stale.post(
        f"{PAGE}/password",
        {"current_password": factories.DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
    )

    assert response.headers["Location"] == PAGE
    assert laptop.get("/api/auth/session").json is None
