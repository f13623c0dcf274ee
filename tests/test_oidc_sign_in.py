"""Signing in (and up) with an OpenID provider, against a real one: npm's oidc-provider."""

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sqlalchemy import select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.oidc import flow
from myapp.oidc.models import Identity
from myapp.security.models import SecurityEvent
from tests import factories
from tests.oidc_support import LABEL, AtProvider, through_provider
from tests.support import Browser
from tests.two_factor_factories import code, enable_totp

pytestmark = pytest.mark.oidc

START = "/sign-in/test"


def users(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(u.email, u.name) for u in db.session.scalars(select(User).order_by(User.id))]


def identities(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        return [
            (i.provider, i.subject, i.user_id)
            for i in db.session.scalars(select(Identity).order_by(Identity.id))
        ]


def signed_in_as(client) -> str | None:
    """Return the email the client is signed in as, from the session API, or None."""
    body = client.get("/api/auth/session").get_json()
    return body["user"]["email"] if body and body.get("user") else None


def assert_refused(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)
    assert "session_token=" not in response.headers.get("Set-Cookie", "")


# The buttons -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["/sign-in", "/sign-up"])
def test_sign_in_and_sign_up_show_a_post_button_per_provider(client, page):
    html = client.get(page).get_data(as_text=True)
    assert f"Continue with {LABEL}" in html
    assert f'<form method="post" action="{START}" hx-boost="false">' in html
    assert 'name="csrf_token"' in html.split(START)[1]


def test_the_button_carries_next_along(client):
    html = client.get("/sign-in?next=/organizations/new").get_data(as_text=True)
    assert '<input type="hidden" name="next" value="/organizations/new">' in html.split(START)[1]


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_start_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(
    app, client, oidc_provider, htmx
):
    response = client.post(START, htmx=htmx, current="/sign-in")
    location = response.headers["HX-Redirect"] if htmx else response.headers["Location"]
    assert response.status_code == (200 if htmx else 303)
    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}" == oidc_provider.issuer
    query = parse_qs(url.query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [oidc_provider.client_id]
    # Built from PUBLIC_URL, never from the Host header.
    assert query["redirect_uri"] == [f"{app.config['PUBLIC_URL']}/sign-in/test/callback"]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == ["S256"]
    # 256-bit random values, base64url: 43 characters.
    assert len(query["state"][0]) == len(query["nonce"][0]) == len(query["code_challenge"][0])
    assert len(query["state"][0]) == 43
    assert query["state"] != query["nonce"]


def test_opening_the_start_url_starts_nothing_and_goes_to_the_sign_in_page(client):
    response = client.get(START)
    assert (response.status_code, response.location) == (303, "/sign-in")
    assert "Set-Cookie" not in response.headers


def test_a_start_without_csrf_is_refused(client):
    response = client.post(START, csrf=False)
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert "security token" in response.get_data(as_text=True)


def test_an_unknown_provider_is_not_found(client):
    assert client.post("/sign-in/nobody").status_code == 404
    assert client.get("/sign-in/nobody/callback?state=x&code=y").status_code == 404


@pytest.mark.settings(OIDC_TEST_ISSUER="http://127.0.0.1:9")
def test_an_unreachable_provider_gets_a_503_not_a_500(client):
    response = client.post(START)
    assert response.status_code == 503
    assert f"{LABEL} cannot be reached right now" in response.get_data(as_text=True)


# Signing up and in --------------------------------------------------------------------------


def test_a_new_user_signs_up_through_the_provider(app, client):
    response = client.get(through_provider(client, "ada@example.org"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizations"
    page = client.get("/organizations").get_data(as_text=True)
    assert f"Welcome! Your account is ready. You signed up with {LABEL}." in page
    assert signed_in_as(client) == "ada@example.org"
    assert users(app) == [("ada@example.org", "ada")]
    assert [(p, s) for p, s, _ in identities(app)] == [("test", "ada@example.org")]
    # No password was set, so none signs in.
    other = Browser(app)
    assert other.sign_in("ada@example.org", "").status_code == 422
    assert other.sign_in("ada@example.org", "!").status_code == 422


def test_a_returning_user_gets_the_same_account(app, client, other_client):
    client.get(through_provider(client, "ada@example.org"))
    response = other_client.get(through_provider(other_client, "ada@example.org"))
    assert response.status_code == 303
    assert f"Signed in with {LABEL}." in other_client.get("/organizations").get_data(as_text=True)
    assert signed_in_as(other_client) == "ada@example.org"
    assert len(users(app)) == 1
    assert len(identities(app)) == 1
    with app.app_context():
        kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds == ["sign_up", "sign_in"]


def test_sign_in_matches_the_subject_never_the_email(app, client):
    """An identity signs in its own user even when the provider now reports another email."""
    owner = factories.make_user(app, email="owner@example.com")
    factories.make_identity(app, owner, subject="ada@example.org")
    factories.make_user(app, email="ada@example.org")
    client.get(through_provider(client, "ada@example.org"))
    assert signed_in_as(client) == "owner@example.com"


def test_success_makes_a_session_like_a_password_sign_in(app, client):
    client.get("/sign-in")
    csrf_before = client.csrf_token()
    client.get(through_provider(client, "ada@example.org"))
    page = client.get("/settings/security").get_data(as_text=True)
    assert "This device" in page
    assert "Created account" in page
    # A new CSRF secret, as at every sign-in.
    assert client.csrf_token() != csrf_before


def test_the_security_page_shows_the_provider_as_how_this_device_signed_in(client):
    client.get(through_provider(client, "ada@example.org"))
    html = client.get("/settings/security").get_data(as_text=True)
    assert f'<td class="auth-method" data-label="Signed in with">{LABEL}</td>' in html


def test_a_user_with_two_factor_is_still_asked_for_the_second_factor(app, client):
    user = factories.make_user(app, email="ada@example.org", password=None)
    factories.make_identity(app, user, subject="ada@example.org")
    enable_totp(app, user)
    callback = through_provider(client, "ada@example.org", data={"next": "/settings/security"})
    response = client.get(callback)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in/two-factor"
    assert signed_in_as(client) is None
    assert 'name="code"' in client.get("/sign-in/two-factor").get_data(as_text=True)


def test_the_security_page_names_the_provider_and_the_second_factor(app, client):
    user = factories.make_user(app, email="ada@example.org", password=None)
    factories.make_identity(app, user, subject="ada@example.org")
    secret, _ = enable_totp(app, user)
    client.get(through_provider(client, "ada@example.org"))
    assert client.post("/sign-in/two-factor", {"code": code(secret)}).status_code == 303
    html = client.get("/settings/security").get_data(as_text=True)
    assert f'data-label="Signed in with">{LABEL} and authenticator app</td>' in html


def test_next_is_honoured_and_checked(client, other_client):
    callback = through_provider(client, "ada@example.org", data={"next": "/organizations/new"})
    assert client.get(callback).headers["Location"] == "/organizations/new"
    callback = through_provider(other_client, "ada@example.org", data={"next": "//evil.example"})
    assert other_client.get(callback).headers["Location"] == "/organizations"


@pytest.mark.settings(SIGN_UP_LIMIT_PER_IP=1)
def test_sign_ups_through_the_provider_count_toward_the_per_address_limit(app, client):
    client.get(through_provider(client, "first@example.org"))
    second = Browser(app)
    response = second.get(through_provider(second, "second@example.org"))
    assert_refused(response, 429)
    assert [email for email, _ in users(app)] == ["first@example.org"]
    # Returning users are not sign-ups.
    third = Browser(app)
    assert third.get(through_provider(third, "first@example.org")).status_code == 303


def email_verified(app, email: str) -> bool:
    with app.app_context():
        verified_at = db.session.scalar(select(User.email_verified_at).where(User.email == email))
    return verified_at is not None


def test_a_verified_provider_email_makes_a_verified_account(app, client, mailbox):
    client.get(through_provider(client, "ada@example.org"))
    assert email_verified(app, "ada@example.org")
    assert "Please verify" not in client.get("/organizations").get_data(as_text=True)
    assert mailbox.messages == []


def test_an_unverified_provider_email_makes_an_unverified_account(app, client, mailbox):
    client.get(through_provider(client, "una+unverified@example.org"))
    assert signed_in_as(client) == "una+unverified@example.org"
    assert not email_verified(app, "una+unverified@example.org")
    assert "Please verify" in client.get("/organizations").get_data(as_text=True)
    # The same link a sign-up with a password gets, and it verifies the address.
    message = mailbox.only(to="una+unverified@example.org")
    assert message.subject == "Verify your email address"
    client.post(message.link_path())
    assert email_verified(app, "una+unverified@example.org")


def test_the_email_can_come_from_the_userinfo_endpoint(app, client):
    client.get(through_provider(client, "uma+userinfo@example.org"))
    assert signed_in_as(client) == "uma+userinfo@example.org"


def test_a_provider_without_an_email_creates_no_account(app, client):
    response = client.get(through_provider(client, "nemo+noemail"))
    assert_refused(response)
    assert f"{LABEL} did not share an email address" in response.get_data(as_text=True)
    assert users(app) == []


# Existing accounts are never taken over ---------------------------------------------------


def test_an_existing_password_account_is_not_taken_over(app, client, user):
    response = client.get(through_provider(client, user.email))
    assert_refused(response, 409)
    page = response.get_data(as_text=True)
    assert f"An account with the email {user.email} already exists." in page
    assert f"link {LABEL} from your security settings" in page
    assert signed_in_as(client) is None
    assert identities(app) == []
    assert users(app) == [(user.email, user.name)]
    # The owner still signs in with the password.
    assert Browser(app).sign_in(user.email).status_code == 303


def test_the_email_is_compared_case_insensitively(app, client, user):
    response = client.get(through_provider(client, user.email.upper()))
    assert_refused(response, 409)
    assert identities(app) == []


# Forged, replayed, cross-browser and tampered answers -----------------------------------------


def test_a_forged_callback_is_refused(app, client):
    client.post(START)
    response = client.get("/sign-in/test/callback?" + urlencode({"state": "x" * 43, "code": "y"}))
    assert_refused(response)
    assert "Start again" in response.get_data(as_text=True)


def test_a_callback_with_the_right_state_but_a_forged_code_is_refused(app, client):
    start = client.post(START)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    response = client.get("/sign-in/test/callback?" + urlencode({"state": state, "code": "z"}))
    assert_refused(response)
    assert users(app) == []


def test_a_callback_without_state_is_refused(client):
    client.post(START)
    assert_refused(client.get("/sign-in/test/callback?code=abc"))


def test_a_replayed_callback_is_refused(app, client):
    callback = through_provider(client, "ada@example.org")
    assert client.get(callback).status_code == 303
    client.post("/sign-out")
    assert_refused(client.get(callback))
    assert signed_in_as(client) is None


def test_a_replayed_callback_with_the_old_cookie_is_refused_by_the_provider(app, client):
    callback = through_provider(client, "ada@example.org")
    flask_cookie = client.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    assert client.get(callback).status_code == 303
    thief = Browser(app)
    thief.client.set_cookie(app.config["SESSION_COOKIE_NAME"], flask_cookie)
    # The flow's secrets are all there, but the provider honours a code only once.
    assert_refused(thief.get(callback))
    assert signed_in_as(thief) is None


def test_a_callback_opened_in_another_browser_is_refused(app, client, other_client):
    """Login CSRF: an attacker's own callback must not sign the victim in as the attacker."""
    callback = through_provider(client, "mallory@example.org")
    assert_refused(other_client.get(callback))
    assert signed_in_as(other_client) is None
    assert users(app) == []


def test_a_callback_naming_another_issuer_is_refused(app, client):
    callback = through_provider(client, "ada@example.org")
    query = parse_qs(urlsplit(callback).query)
    query["iss"] = ["http://evil.example"]
    response = client.get("/sign-in/test/callback?" + urlencode(query, doseq=True))
    assert_refused(response)
    assert users(app) == []


def test_a_flow_older_than_its_limit_is_refused(app, client, monkeypatch):
    callback = through_provider(client, "ada@example.org")
    monkeypatch.setattr(flow, "FLOW_MAX_AGE", -1)
    assert_refused(client.get(callback))


def test_an_error_from_the_provider_signs_no_one_in(client):
    start = client.post(START)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    query = urlencode({"state": state, "error": "access_denied"})
    response = client.get(f"/sign-in/test/callback?{query}")
    assert_refused(response)
    assert f"{LABEL} did not sign you in" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "tag",
    ["wrongaud", "wrongiss", "expired", "wrongnonce", "forged"],
    ids=[
        "token for another client (aud)",
        "another issuer (iss)",
        "expired (exp)",
        "another nonce",
        "signed by a key not in the JWKS",
    ],
)
def test_an_id_token_that_fails_a_check_is_refused(app, client, tag):
    response = client.get(through_provider(client, f"eve+{tag}@example.org"))
    assert_refused(response)
    assert signed_in_as(client) is None
    assert users(app) == []


def test_the_provider_login_page_is_the_real_one(oidc_provider, client):
    """The tests above sign in through oidc-provider's own development login page."""
    start = client.post(START)
    at_provider = AtProvider()
    try:
        page = at_provider.http.get(start.headers["Location"], timeout=10)
    finally:
        at_provider.http.close()
    assert page.url.startswith(f"{oidc_provider.issuer}/interaction/")
    assert 'name="login"' in page.text


def test_the_csp_lets_the_buttons_lead_to_the_provider(client, oidc_provider):
    """Browsers check form-action on the redirect after a post: the provider must be allowed."""
    csp = client.get("/sign-in").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in csp
