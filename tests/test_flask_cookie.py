"""Flask's signed cookie is verified only by requests that use it (CSRF, forms, flashes)."""

import pytest

from myapp.flask_cookie import LazyCookieSessionInterface


@pytest.fixture
def verifications(app, monkeypatch):
    """Count how often the app verifies a Flask cookie."""
    interface: LazyCookieSessionInterface = app.session_interface
    calls = []
    original = interface.get_signing_serializer

    def counting(app_):
        calls.append(1)
        return original(app_)

    monkeypatch.setattr(interface, "get_signing_serializer", counting)
    return calls


@pytest.fixture
def browser_with_flask_cookie(signed_in):
    signed_in.csrf_token()  # a browser that has loaded a page holds the CSRF secret
    return signed_in


def test_the_session_endpoint_does_not_open_the_flask_cookie(
    browser_with_flask_cookie, verifications
):
    response = browser_with_flask_cookie.get("/api/auth/session")

    assert response.json["user"]["email"] == "ada@example.com"
    assert verifications == []
    assert "Set-Cookie" not in response.headers


def test_a_page_with_forms_opens_it_and_keeps_the_same_csrf_secret(
    browser_with_flask_cookie, verifications
):
    token = browser_with_flask_cookie.csrf_token()
    verifications.clear()
    response = browser_with_flask_cookie.get("/organizations")

    assert response.status_code == 200
    assert len(verifications) == 1
    assert "Set-Cookie" not in response.headers  # unchanged, so not written back
    created = browser_with_flask_cookie.post("/organizations", {"name": "Acme"}, csrf=False)
    assert created.status_code == 400  # no token in the form: refused after opening the cookie
    accepted = browser_with_flask_cookie.post(
        "/organizations", {"name": "Acme", "csrf_token": token}
    )
    assert accepted.status_code == 303


def test_a_forged_cookie_is_refused_when_it_is_needed(app, signed_in):
    signed_in.client.set_cookie(app.config["SESSION_COOKIE_NAME"], "forged.cookie.value")

    assert signed_in.get("/api/auth/session").status_code == 200
    response = signed_in.post(
        "/organizations", {"name": "Acme", "csrf_token": "forged"}, csrf=False
    )
    assert response.status_code == 400


def test_a_flash_survives_the_redirect(browser_with_flask_cookie):
    created = browser_with_flask_cookie.post("/organizations", {"name": "Acme"})
    page = browser_with_flask_cookie.get(created.headers["Location"])

    assert b"Organization created." in page.data
