"""A revoked device is signed out on its very next request, whatever kind it is."""

import pytest
from sqlalchemy import select

from myapp.auth.models import User
from myapp.auth.passwords import check_password
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.support import CHROME_MACOS, Browser

PAGE = "/settings/security"
SIGN_IN_BACK_TO_PAGE = "/sign-in?next=%2Fsettings%2Fsecurity"
#: A plain form post comes back to the page it was sent from, as its Referer says.
FROM_THE_PAGE = {"Referer": f"http://localhost{PAGE}"}


def revoke_one(owner, revoked):
    owner.post(f"{PAGE}/sessions/{revoked.auth_session.public_id}/revoke")


def revoke_others(owner, revoked):
    owner.post(f"{PAGE}/sessions/revoke-others")


def change_password(owner, revoked):
    owner.post(
        f"{PAGE}/password",
        {"current_password": factories.DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
    )


@pytest.fixture(params=[revoke_one, revoke_others, change_password])
def revoked(request, app, signed_in, user):
    """A second device of the user, ended from the first device in one of three ways."""
    device = Browser(app)
    device.auth_session = device.sign_in_as(user, user_agent=CHROME_MACOS)
    assert device.get(PAGE).status_code == 200  # it was signed in and had the page open
    request.param(signed_in, device)
    return device


def owner_is_signed_in(client) -> bool:
    return client.get("/api/auth/session").json is not None


def test_a_page_load_redirects_to_sign_in_and_back(revoked):
    response = revoked.get(PAGE)

    assert response.status_code == 303
    assert response.headers["Location"] == SIGN_IN_BACK_TO_PAGE
    assert "session_token=;" in response.headers["Set-Cookie"]


def test_a_boosted_page_load_follows_a_303_to_sign_in(revoked):
    response = revoked.htmx_get(PAGE, boosted=True)

    assert (response.status_code, response.location) == (303, SIGN_IN_BACK_TO_PAGE)
    assert "HX-Redirect" not in response.headers


def test_an_htmx_swap_gets_hx_redirect_to_the_page_it_came_from(revoked):
    response = revoked.htmx_get(PAGE, current=PAGE)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == SIGN_IN_BACK_TO_PAGE
    assert response.get_data() == b""


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_an_action_never_runs(app, signed_in, revoked, htmx):
    # Were it to run, "log out all other devices" would end the owner's session.
    response = revoked.post(
        f"{PAGE}/sessions/revoke-others", htmx=htmx, current=PAGE, headers=FROM_THE_PAGE
    )

    if htmx:
        assert response.headers["HX-Redirect"] == SIGN_IN_BACK_TO_PAGE
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == SIGN_IN_BACK_TO_PAGE
    assert owner_is_signed_in(signed_in)


def test_a_password_change_never_runs(app, user, revoked):
    with app.app_context():
        before = db.session.get(User, user.id).password_hash

    data = {"current_password": factories.DEFAULT_PASSWORD, "new_password": "stolen!!"}

    response = revoked.post(f"{PAGE}/password", data)

    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")
    with app.app_context():
        assert db.session.get(User, user.id).password_hash == before
        assert not check_password(before, "stolen!!")


def test_the_session_endpoint_answers_null(revoked):
    assert revoked.get("/api/auth/session").json is None


def test_the_revoked_row_is_gone(app, revoked):
    with app.app_context():
        public_ids = set(db.session.scalars(select(UserSession.public_id)))
    assert revoked.auth_session.public_id not in public_ids
