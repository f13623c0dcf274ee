"""Sudo mode by second factor: a code from the authenticator app confirms as the password does."""

from datetime import timedelta
from html import unescape

from myapp.database import utcnow
from tests.support import age_sudo, sudo_at
from tests.two_factor_factories import code, enable_totp


def test_the_sudo_page_offers_the_app_only_to_users_who_have_it(app, signed_in, user):
    assert "Confirm with code" not in signed_in.get("/sudo").text
    enable_totp(app, user)
    assert "Confirm with code" in signed_in.get("/sudo").text


def test_a_code_unlocks_sudo_and_returns_to_next(app, signed_in, user):
    secret, _ = enable_totp(app, user)
    age_sudo(app)
    response = signed_in.post("/sudo/code", {"code": code(secret), "next": "/settings/security"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert utcnow() - sudo_at(app) < timedelta(minutes=1)
    # The sensitive action now goes through.
    assert signed_in.post("/settings/security/sessions/revoke-others").status_code == 303


def test_htmx_code_confirmation_gets_hx_redirect(app, signed_in, user):
    secret, _ = enable_totp(app, user)
    age_sudo(app)
    response = signed_in.post(
        "/sudo/code",
        {"code": code(secret), "next": "/settings/security"},
        htmx=True,
        current="/sudo",
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/settings/security"


def test_a_wrong_or_replayed_code_does_not_unlock(app, signed_in, user):
    secret, _ = enable_totp(app, user)
    used = code(secret)
    assert signed_in.post("/sudo/code", {"code": used}).status_code == 303
    age_sudo(app)
    before = sudo_at(app)
    replay = signed_in.post("/sudo/code", {"code": used})
    assert replay.status_code == 422
    assert "That code is not correct" in unescape(replay.text)
    assert sudo_at(app) == before


def test_a_user_without_the_app_cannot_confirm_by_code(app, signed_in):
    age_sudo(app)
    before = sudo_at(app)
    assert signed_in.post("/sudo/code", {"code": "123456"}).status_code == 422
    assert sudo_at(app) == before


def test_a_wrong_code_is_logged_as_a_failed_confirmation_and_keeps_next(app, signed_in, user):
    secret, _ = enable_totp(app, user)
    age_sudo(app)
    wrong = next(
        c for c in ("000000", "111111", "222222") if c not in (code(secret), code(secret, 1))
    )

    failed = signed_in.post("/sudo/code?next=/settings/account", {"code": wrong})

    assert failed.status_code == 422
    # The page's forms post back with next, and a reload of this URL goes to the password page.
    assert 'action="/sudo/code?next=/settings/account"' in failed.text
    assert signed_in.get("/sudo/code?next=/settings/account").location == (
        "/sudo?next=/settings/account"
    )
    activity = unescape(signed_in.get("/settings/security").text)
    assert "Wrong authenticator code when confirming it's you" in activity
    assert "Failed sign-in" not in activity
