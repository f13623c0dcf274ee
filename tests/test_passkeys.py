"""Passkeys over HTTP with a software authenticator: registration (sudo mode, user
verification, single-use challenges bound to their purpose and origin), passwordless sign-in,
second factor, sudo, the signature counter, and renaming and deleting."""

from html import unescape
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from myapp.extensions import db
from myapp.passkeys.models import Passkey, PasskeyChallenge
from myapp.sessions.models import UserSession
from tests import factories
from tests.support import Browser, age_sudo, sudo_at
from tests.webauthn_authenticator import SoftAuthenticator

PAGE = "/settings/security/passkeys"


def register(client, authenticator: SoftAuthenticator, name="Laptop"):
    options = client.post(f"{PAGE}/options").json
    return client.post(PAGE, {"name": name, "credential": authenticator.register(options)})


def passkeys(app) -> list[Passkey]:
    with app.app_context():
        rows = db.session.scalars(select(Passkey).order_by(Passkey.id)).all()
        db.session.expunge_all()
        return list(rows)


@pytest.fixture
def authenticator(app):
    """An authenticator used from the app's own origin (``PUBLIC_URL``)."""
    return SoftAuthenticator(app.config["PUBLIC_URL"])


@pytest.fixture
def registered(app, signed_in, authenticator):
    """The user with one passkey, ``authenticator`` holding it; ``signed_in`` still signed in."""
    assert register(signed_in, authenticator).status_code == 303
    return authenticator


def test_registration_options_ask_for_a_discoverable_credential_with_user_verification(
    app, signed_in, user
):
    response = signed_in.post(f"{PAGE}/options")
    options = response.json
    assert response.mimetype == "application/json"
    assert options["rp"]["id"] == urlsplit(app.config["PUBLIC_URL"]).hostname
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["user"]["name"] == user.email
    assert options["user"]["id"] not in (str(user.id), user.email)


def test_a_registered_passkey_is_listed_with_its_name_and_never_used(app, signed_in, registered):
    page = signed_in.get(PAGE).text
    assert "Passkey “Laptop” added." in page
    assert "Laptop" in page and "Never" in page
    stored = passkeys(app)
    assert len(stored) == 1 and stored[0].credential_id not in page
    assert "Added a passkey" in signed_in.get("/settings/security").text


def test_adding_needs_sudo_mode(app, signed_in, authenticator):
    age_sudo(app)
    assert "Confirm it's you" in unescape(signed_in.get(PAGE).text)
    response = signed_in.post(f"{PAGE}/options")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sudo?next=")
    assert passkeys(app) == []


def test_a_passkey_without_user_verification_is_refused(app, signed_in, authenticator):
    authenticator.user_verified = False
    response = register(signed_in, authenticator)
    assert response.status_code == 422
    assert "The passkey could not be added" in response.text
    assert passkeys(app) == []


def test_a_challenge_works_once(app, signed_in, authenticator):
    options = signed_in.post(f"{PAGE}/options").json
    answer = authenticator.register(options)
    assert signed_in.post(PAGE, {"name": "One", "credential": answer}).status_code == 303
    replay = signed_in.post(PAGE, {"name": "Two", "credential": answer})
    assert replay.status_code == 422
    assert len(passkeys(app)) == 1


def test_a_challenge_is_bound_to_its_purpose(app, signed_in, authenticator):
    sign_in_options = signed_in.post("/sign-in/passkey/options").json
    forged = {
        "rp": {"id": urlsplit(app.config["PUBLIC_URL"]).hostname},
        "user": {"id": "AAAA"},
        "challenge": sign_in_options["challenge"],
    }
    response = signed_in.post(PAGE, {"name": "X", "credential": authenticator.register(forged)})
    assert response.status_code == 422
    assert passkeys(app) == []


def test_an_answer_from_another_origin_is_refused(app, signed_in):
    phishing = SoftAuthenticator("https://myapp.example.evil")
    assert register(signed_in, phishing).status_code == 422
    assert passkeys(app) == []


@pytest.mark.parametrize("credential", ["", "not json", '{"id": 1}', '{"response": []}'])
def test_missing_or_malformed_credentials_are_422(app, signed_in, credential):
    response = signed_in.post(PAGE, {"name": "X", "credential": credential})
    assert response.status_code == 422
    assert passkeys(app) == []


def test_passwordless_sign_in(app, registered, user):
    browser = Browser(app)
    options = browser.post("/sign-in/passkey/options").json
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    response = browser.post(
        "/sign-in/passkey",
        {"credential": registered.assert_(options), "next": "/settings/security"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert browser.get("/api/auth/session").json["user"]["email"] == user.email
    page = browser.get("/settings/security").text
    assert '<td class="auth-method" data-label="Signed in with">Passkey</td>' in page
    assert passkeys(app)[0].last_used_at is not None
    assert passkeys(app)[0].sign_count == 1


def test_passwordless_sign_in_with_htmx_gets_hx_redirect(app, registered):
    browser = Browser(app)
    options = browser.post("/sign-in/passkey/options").json
    response = browser.post(
        "/sign-in/passkey",
        {"credential": registered.assert_(options)},
        htmx=True,
        current="/sign-in",
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/organizations"


def test_sign_in_without_user_verification_fails_cleanly(app, registered):
    registered.user_verified = False
    browser = Browser(app)
    options = browser.post("/sign-in/passkey/options").json
    response = browser.post("/sign-in/passkey", {"credential": registered.assert_(options)})
    assert response.status_code == 422
    assert "That passkey could not be verified" in response.text
    assert browser.session_token() is None


def test_a_counter_that_does_not_move_forward_is_a_clone_and_refused(app, registered):
    browser = Browser(app)
    options = browser.post("/sign-in/passkey/options").json
    assert (
        browser.post(
            "/sign-in/passkey", {"credential": registered.assert_(options, sign_count=5)}
        ).status_code
        == 303
    )
    clone = Browser(app)
    options = clone.post("/sign-in/passkey/options").json
    response = clone.post(
        "/sign-in/passkey", {"credential": registered.assert_(options, sign_count=5)}
    )
    assert response.status_code == 422
    assert clone.session_token() is None
    assert passkeys(app)[0].sign_count == 5


def test_an_unknown_passkey_cannot_sign_in(app, registered):
    browser = Browser(app)
    options = browser.post("/sign-in/passkey/options").json
    stranger = SoftAuthenticator(app.config["PUBLIC_URL"])
    assert (
        browser.post("/sign-in/passkey", {"credential": stranger.assert_(options)}).status_code
        == 422
    )


def test_a_passkey_is_a_second_factor_after_the_password(app, registered, user):
    browser = Browser(app)
    response = browser.sign_in(user.email, next="/settings/security")
    assert response.headers["Location"] == "/sign-in/two-factor"
    assert "Use a passkey" in browser.get("/sign-in/two-factor").text
    options = browser.post("/sign-in/two-factor/passkey/options").json
    assert [c["id"] for c in options["allowCredentials"]] == [passkeys(app)[0].credential_id]
    response = browser.post(
        "/sign-in/two-factor/passkey", {"credential": registered.assert_(options)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    with app.app_context():
        methods = db.session.scalars(select(UserSession.auth_method)).all()
    assert sorted(methods) == ["password", "password+passkey"]
    page = browser.get("/settings/security").text
    assert 'data-label="Signed in with">Password and passkey</td>' in page


def test_second_factor_options_need_a_pending_sign_in(app, client):
    assert client.post("/sign-in/two-factor/passkey/options").status_code == 404


def test_another_users_passkey_is_not_a_second_factor(app, registered, user):
    other = factories.make_user(app, email="other@example.com")
    theirs = SoftAuthenticator(app.config["PUBLIC_URL"])
    browser = Browser(app)
    browser.sign_in_as(other)
    register(browser, theirs)
    victim = Browser(app)
    victim.sign_in(user.email)
    options = victim.post("/sign-in/two-factor/passkey/options").json
    response = victim.post("/sign-in/two-factor/passkey", {"credential": theirs.assert_(options)})
    assert response.status_code == 422
    assert victim.session_token() is None


def test_a_passkey_confirms_sudo_mode(app, signed_in, registered):
    age_sudo(app)
    before = sudo_at(app)
    assert "Confirm with a passkey" in signed_in.get("/sudo").text
    options = signed_in.post("/sudo/passkey/options").json
    response = signed_in.post(
        "/sudo/passkey", {"credential": registered.assert_(options), "next": PAGE}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == PAGE
    assert sudo_at(app) > before


def test_sudo_by_passkey_refuses_an_unverified_user(app, signed_in, registered):
    age_sudo(app)
    before = sudo_at(app)
    registered.user_verified = False
    options = signed_in.post("/sudo/passkey/options").json
    response = signed_in.post("/sudo/passkey", {"credential": registered.assert_(options)})
    assert response.status_code == 422
    assert sudo_at(app) == before


def test_renaming_needs_no_sudo_and_only_touches_own_passkeys(app, signed_in, registered):
    public_id = passkeys(app)[0].public_id
    age_sudo(app)
    response = signed_in.post(f"{PAGE}/{public_id}/rename", {"name": "Phone"})
    assert response.status_code == 303
    assert passkeys(app)[0].name == "Phone"
    assert signed_in.post(f"{PAGE}/{public_id}/rename", {"name": ""}).status_code == 422
    other = Browser(app)
    other.sign_in_as(factories.make_user(app, email="other@example.com"))
    assert other.post(f"{PAGE}/{public_id}/rename", {"name": "Mine"}).status_code == 404
    assert passkeys(app)[0].name == "Phone"


def test_deleting_needs_sudo_and_only_touches_own_passkeys(app, signed_in, registered):
    public_id = passkeys(app)[0].public_id
    other = Browser(app)
    other.sign_in_as(factories.make_user(app, email="other@example.com"))
    assert other.post(f"{PAGE}/{public_id}/delete").status_code == 404
    age_sudo(app)
    assert signed_in.post(f"{PAGE}/{public_id}/delete").headers["Location"].startswith("/sudo")
    assert len(passkeys(app)) == 1


def test_deleting_asks_first_on_a_page_after_the_password(app, signed_in, registered):
    passkey = passkeys(app)[0]
    url = f"{PAGE}/{passkey.public_id}/delete"
    html = unescape(signed_in.get(PAGE).text)
    assert f'<form method="get" action="{url}" hx-post="{url}"' in html

    page = unescape(signed_in.get(url).text)
    assert f"Delete passkey {passkey.name}?" in page
    assert f'<form method="post" action="{url}">' in page
    assert f'<a href="{PAGE}">Cancel</a>' in page
    assert signed_in.post(url, csrf=False).status_code == 400
    assert len(passkeys(app)) == 1

    age_sudo(app)
    assert signed_in.get(url).location.startswith("/sudo?next=")


@pytest.mark.parametrize("htmx", [False, True])
def test_deleting_in_sudo_mode_removes_it(app, signed_in, registered, htmx):
    public_id = passkeys(app)[0].public_id
    response = signed_in.post(f"{PAGE}/{public_id}/delete", htmx=htmx, current=PAGE)
    if htmx:
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, PAGE)
    else:
        assert (response.status_code, response.headers["Location"]) == (303, PAGE)
    assert passkeys(app) == []
    assert "You have no passkeys yet." in unescape(signed_in.get(PAGE).text)


def test_challenges_are_stored_only_as_hashes(app, signed_in):
    options = signed_in.post(f"{PAGE}/options").json
    with app.app_context():
        stored = db.session.scalar(select(PasskeyChallenge.challenge_hash))
    assert options["challenge"] not in stored and len(stored) == 64


def test_the_page_needs_a_session(client):
    assert client.get(PAGE).headers["Location"].startswith("/sign-in?next=")


def test_renaming_through_htmx_gets_hx_redirect(app, signed_in, registered):
    public_id = passkeys(app)[0].public_id
    response = signed_in.post(
        f"{PAGE}/{public_id}/rename", {"name": "Tablet"}, htmx=True, current=PAGE
    )
    assert (response.status_code, response.headers["HX-Redirect"]) == (200, PAGE)
    assert passkeys(app)[0].name == "Tablet"
