"""Cookie attributes with COOKIE_SECURE on, and what Flask's own cookie may carry."""

import pytest
from flask.sessions import SecureCookieSessionInterface

from tests import factories
from tests.support import Browser

secure = pytest.mark.settings(COOKIE_SECURE=True)


def https_browser(app) -> Browser:
    browser = Browser(app)
    browser.client.environ_base["wsgi.url_scheme"] = "https"
    return browser


def set_cookie_headers(response) -> dict:
    """Map each cookie name to its full Set-Cookie header."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def attributes(header: str) -> set[str]:
    return {part.strip().split("=")[0].lower() for part in header.split(";")[1:]}


@secure
def test_session_and_flask_cookies_use_the_host_prefix_and_strict_attributes(app):
    factories.make_user(app, email="ada@example.com")
    browser = https_browser(app)
    response = browser.sign_in("ada@example.com")
    assert response.status_code == 303
    cookies = set_cookie_headers(response)
    assert set(cookies) == {"__Host-session_token", "__Host-flask", "__Host-device"}
    for header in cookies.values():
        assert {"secure", "httponly", "path", "samesite"} <= attributes(header)
        assert "domain" not in attributes(header)
        assert "Path=/" in header and "SameSite=Lax" in header


@secure
def test_cleared_cookie_keeps_the_attributes_a_host_cookie_needs(app):
    browser = https_browser(app)
    browser.set_session_token("A" * 43)
    response = browser.get("/api/auth/session")
    header = set_cookie_headers(response)["__Host-session_token"]
    assert "Secure" in header and "Path=/" in header and "Max-Age=0" in header


def test_plain_http_development_drops_the_prefix_and_secure(app, client, user):
    response = client.sign_in(user.email)
    header = set_cookie_headers(response)["session_token"]
    assert "Secure" not in header and "HttpOnly" in header


def test_flask_cookie_carries_only_the_csrf_secret_and_flashes(app, client, user):
    client.sign_in(user.email)
    client.post("/sign-out")
    client.sign_in(user.email)
    cookie = client.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    contents = serializer.loads(cookie.value)
    assert set(contents) <= {"csrf_token", "_flashes"}
    # Nothing in it grants access: replaying it without the token cookie is signed out.
    stranger = Browser(app)
    stranger.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value)
    assert stranger.get("/api/auth/session").json is None


def test_token_cookie_never_appears_in_a_page_or_url(client, user):
    response = client.sign_in(user.email)
    token = client.session_token()
    assert token not in response.headers.get("Location", "")
    page = client.get(response.headers["Location"]).text
    assert token not in page
