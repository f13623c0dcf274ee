"""Change the password: check the current one, end every other session, renew this one."""

import pytest

from myapp.auth.models import User
from myapp.auth.passwords import check_password
from myapp.extensions import db
from tests import factories
from tests.support import Browser, live_public_ids

PAGE = "/settings/security"
CHANGE_PASSWORD = f"{PAGE}/password"
NEW_PASSWORD = "a brand new passphrase"


def password_is(app, user, password: str) -> bool:
    with app.app_context():
        return check_password(db.session.get(User, user.id).password_hash, password)


def change(
    client, current_password=factories.DEFAULT_PASSWORD, new_password=NEW_PASSWORD, **kwargs
):
    """Post the password form from the security page."""
    data = {"current_password": current_password, "new_password": new_password}
    return client.post(CHANGE_PASSWORD, data, current=PAGE, **kwargs)


@pytest.mark.parametrize(
    "htmx", [{}, {"htmx": True, "headers": {"HX-Boosted": "true"}}], ids=["plain", "boosted"]
)
def test_success_ends_other_sessions_and_renews_this_one(app, client, user, laptop, htmx):
    old = client.sign_in_as(user)
    old_token = client.session_token()
    old_csrf = client.csrf_token()

    response = change(client, **htmx)

    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    assert password_is(app, user, NEW_PASSWORD)
    new_token = client.session_token()
    assert new_token and new_token != old_token
    (new_public_id,) = live_public_ids(app)
    assert new_public_id != old.public_id
    # This device carries on, under its new session.
    page = client.get(PAGE).get_data(as_text=True)
    assert "Your password has been changed. Signed out 1 other device." in page
    assert page.count('class="session-row') == 1 and "This device" in page
    # The other device, and a copy of this device's old cookie, are refused.
    assert laptop.get("/api/auth/session").json is None
    copy = Browser(app)
    copy.set_session_token(old_token)
    assert copy.get("/api/auth/session").json is None
    assert copy.get(PAGE).status_code == 303
    # The CSRF secret was rotated with the session.
    response = client.post(f"{PAGE}/sessions/revoke-others", {"csrf_token": old_csrf})
    assert response.status_code == 400


def test_success_with_a_real_swap_reloads_the_page(app, signed_in, user):
    response = change(signed_in, htmx=True)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == PAGE
    assert password_is(app, user, NEW_PASSWORD)
    assert signed_in.get("/api/auth/session").json is not None


def test_the_new_password_signs_in_and_the_old_one_does_not(app, signed_in, user):
    change(signed_in)

    assert Browser(app).sign_in(user.email, factories.DEFAULT_PASSWORD).status_code == 422
    assert Browser(app).sign_in(user.email, NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(
    "htmx",
    [{}, {"htmx": True, "headers": {"HX-Boosted": "true"}}, {"htmx": True}],
    ids=["plain", "boosted", "swap"],
)
def test_wrong_current_password_is_a_field_error(app, client, user, laptop, htmx):
    this = client.sign_in_as(user)
    before = live_public_ids(app)

    response = change(client, "not my password", **htmx)

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="current_password-errors"><li>Your current password is incorrect.</li>' in html
    assert "<title>Security · myapp</title>" in html
    assert password_is(app, user, factories.DEFAULT_PASSWORD)
    assert live_public_ids(app) == before
    assert this.public_id in before
    assert laptop.get("/api/auth/session").json is not None


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("", NEW_PASSWORD, "current_password", "Enter your current password."),
        (factories.DEFAULT_PASSWORD, "short", "new_password", "Use 8 to 256 characters."),
        (factories.DEFAULT_PASSWORD, "", "new_password", "Enter a password."),
    ],
)
def test_invalid_form_is_a_field_error(app, signed_in, user, current, new, field, message):
    response = change(signed_in, current, new)

    assert response.status_code == 422
    assert f'id="{field}-errors"><li>{message}</li>' in response.get_data(as_text=True)
    assert password_is(app, user, factories.DEFAULT_PASSWORD)


def test_passwords_are_never_echoed_back(signed_in):
    html = change(signed_in, "wrong password 123", "another new one").get_data(as_text=True)

    assert "wrong password 123" not in html and "another new one" not in html


def test_a_get_goes_to_the_page_with_the_form(signed_in):
    # A reload after a failed change GETs this URL: the form, not a 405.
    response = signed_in.get(CHANGE_PASSWORD)
    assert (response.status_code, response.location) == (303, "/settings/security")
    assert signed_in.request("PUT", CHANGE_PASSWORD).status_code == 405


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_a_post_without_csrf_token_changes_nothing(app, signed_in, user, laptop, htmx):
    before = live_public_ids(app)

    response = change(signed_in, csrf=False, htmx=htmx)

    assert response.status_code == 400
    assert password_is(app, user, factories.DEFAULT_PASSWORD)
    assert live_public_ids(app) == before


@pytest.mark.parametrize("htmx", [{}, {"htmx": True}], ids=["plain", "swap"])
def test_the_current_password_cannot_be_the_new_one(app, client, user, laptop, htmx):
    client.sign_in_as(user)
    before = live_public_ids(app)

    response = change(client, factories.DEFAULT_PASSWORD, factories.DEFAULT_PASSWORD, **htmx)

    assert response.status_code == 422
    assert "Choose a new password, not your current one." in response.get_data(as_text=True)
    assert live_public_ids(app) == before
    assert laptop.get("/api/auth/session").json is not None
