"""Signing in with a second factor: the password alone makes no session; a code from the app
or a recovery code does, once; the step is bound to the browser, lasts five minutes and allows
five wrong codes; the sessions table records how each session signed in."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession
from myapp.two_factor.models import PendingSignIn
from tests import factories
from tests.support import Browser
from tests.two_factor_factories import code, enable_totp

STEP = "/sign-in/two-factor"


@pytest.fixture
def secret_and_codes(app, user):
    return enable_totp(app, user)


@pytest.fixture
def secret(secret_and_codes):
    return secret_and_codes[0]


def session_count(app) -> int:
    with app.app_context():
        return len(db.session.scalars(select(UserSession.id)).all())


def wrong(secret: str) -> str:
    """A six-digit code that is none of the codes in the accepted window."""
    valid = {code(secret, offset) for offset in (-2, -1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)


def test_a_correct_password_leads_to_the_second_step_without_a_session(app, client, user, secret):
    response = client.sign_in(user.email)
    assert response.status_code == 303
    assert response.headers["Location"] == STEP
    assert client.session_token() is None
    assert session_count(app) == 0
    assert "Authentication code or recovery code" in client.get(STEP).text


def test_htmx_sign_in_gets_hx_redirect_to_the_second_step(client, user, secret):
    response = client.post(
        "/sign-in",
        {"email": user.email, "password": "correct horse battery"},
        htmx=True,
        current="/sign-in",
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == STEP


def test_a_totp_code_signs_in_and_next_survives(app, client, user, secret):
    client.sign_in(user.email, next="/settings/security")
    response = client.post(STEP, {"code": code(secret)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert client.get("/api/auth/session").json["user"]["email"] == user.email
    page = client.get("/settings/security").text
    assert "Password and authenticator app" in page


def test_htmx_second_step_gets_hx_redirect(client, user, secret):
    client.sign_in(user.email)
    response = client.post(STEP, {"code": code(secret)}, htmx=True, current=STEP)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/organizations"


def test_a_code_is_never_accepted_twice(app, client, other_client, user, secret):
    used = code(secret)
    client.sign_in(user.email)
    assert client.post(STEP, {"code": used}).status_code == 303

    other_client.sign_in(user.email)
    replay = other_client.post(STEP, {"code": used})
    assert replay.status_code == 422
    assert "That code is not correct" in replay.text
    assert other_client.session_token() is None


def test_an_older_code_than_the_last_used_is_refused(app, client, other_client, user, secret):
    client.sign_in(user.email)
    assert client.post(STEP, {"code": code(secret, 1)}).status_code == 303
    other_client.sign_in(user.email)
    assert other_client.post(STEP, {"code": code(secret)}).status_code == 422


def test_a_code_two_steps_away_is_refused(client, user, secret):
    client.sign_in(user.email)
    for offset in (-3, 3):
        assert client.post(STEP, {"code": code(secret, offset)}).status_code == 422


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(
    app, client, other_client, user, secret_and_codes
):
    recovery = secret_and_codes[1][0]
    client.sign_in(user.email)
    response = client.post(STEP, {"code": recovery.upper().replace("-", " ")})
    assert response.status_code == 303
    landing = client.get(response.headers["Location"]).text
    assert "You have 9 recovery codes left." in landing
    assert "Password and recovery code" in client.get("/settings/security").text

    other_client.sign_in(user.email)
    assert other_client.post(STEP, {"code": recovery}).status_code == 422


def test_the_step_is_bound_to_the_browser(app, client, user, secret):
    client.sign_in(user.email)
    stranger = Browser(app)
    response = stranger.post(STEP, {"code": code(secret)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in"
    assert stranger.session_token() is None
    # The browser that typed the password still can.
    assert client.post(STEP, {"code": code(secret)}).status_code == 303


def test_five_wrong_codes_end_the_step(app, client, user, secret):
    client.sign_in(user.email)
    for left in (4, 3, 2, 1):
        response = client.post(STEP, {"code": wrong(secret)})
        assert response.status_code == 422
        assert f"{left} attempt" in response.text
    fifth = client.post(STEP, {"code": wrong(secret)})
    assert fifth.status_code == 303
    assert fifth.headers["Location"] == "/sign-in"
    assert "Too many incorrect codes" in client.get("/sign-in").text
    # Even the right code no longer works: the user starts over from the password.
    late = client.post(STEP, {"code": code(secret)})
    assert late.headers["Location"] == "/sign-in"
    assert session_count(app) == 0


def test_wrong_codes_count_toward_the_sign_in_throttle(app, client, user, secret):
    # Two full rounds of five wrong codes reach the per-email limit (10 in 15 minutes).
    for _ in range(2):
        client.sign_in(user.email)
        for _ in range(5):
            client.post(STEP, {"code": wrong(secret)})
    response = client.sign_in(user.email)
    assert response.status_code == 429


def test_the_step_expires_after_five_minutes(app, client, user, secret):
    client.sign_in(user.email)
    with app.app_context():
        db.session.execute(update(PendingSignIn).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = client.post(STEP, {"code": code(secret)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in"
    assert "Your sign-in expired" in client.get("/sign-in").text
    assert session_count(app) == 0


def test_the_step_lasts_five_minutes(app, client, user, secret):
    client.sign_in(user.email)
    with app.app_context():
        row = db.session.scalar(select(PendingSignIn))
        assert row.expires_at - row.created_at == timedelta(minutes=5)


def test_the_step_page_without_a_pending_sign_in_goes_to_sign_in(client):
    response = client.get(STEP)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in"


def test_a_password_sign_in_is_recorded_as_password(app, client):
    plain = factories.make_user(app, email="plain@example.com")
    client.sign_in(plain.email)
    assert (
        '<td class="auth-method" data-label="Signed in with">Password</td>'
        in client.get("/settings/security").text
    )
