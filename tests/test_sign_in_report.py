"""The "this wasn't me" link: it ends exactly the reported session, once, without a sign-in."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.known_devices.models import KnownDevice
from myapp.security.models import SecurityEvent
from myapp.tokens import Token, issue_token
from tests import factories
from tests.support import Browser, live_public_ids


def event_kinds(app):
    with app.app_context():
        return db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()


@pytest.fixture
def intruder(app, other_client, user):
    """A session of ``user`` on someone else's browser, and the report link of its alert."""
    auth_session = other_client.sign_in_as(user)
    return auth_session, factories.make_sign_in_report(app, auth_session)


def test_the_page_shows_only_the_sign_in_and_changes_nothing(app, client, user, intruder):
    auth_session, token = intruder
    page = client.get(f"/sessions/report/{token}")
    assert page.status_code == 200
    assert "Chrome 131 on Windows" in page.text
    assert "198.51.100.23" in page.text
    assert "This wasn't me: end that session" in page.text
    assert user.email not in page.text and user.name not in page.text
    assert auth_session.public_id not in page.text
    assert live_public_ids(app) == {auth_session.public_id}
    assert client.get(f"/sessions/report/{token}").status_code == 200  # still usable


def test_the_button_ends_exactly_that_session_even_signed_out(app, client, user, intruder):
    grace = factories.make_user(app, email="grace@example.com")
    graces_session = Browser(app).sign_in_as(grace)  # another account: untouched
    mine = Browser(app)
    my_session = mine.sign_in_as(user)  # the owner's own device: untouched
    _, token = intruder

    response = client.post(f"/sessions/report/{token}")  # the reporter is signed out

    assert response.status_code == 303
    assert response.headers["Location"] == "/sessions/reported"
    assert live_public_ids(app) == {graces_session.public_id, my_session.public_id}
    assert event_kinds(app) == ["sign_in_reported"]
    with app.app_context():
        assert db.session.scalars(select(KnownDevice)).all() == []  # alerts again next time
    page = client.get(response.headers["Location"]).text
    assert "That session has been ended." in page
    assert "Reset your password" in page and "Log out all devices" in page
    assert mine.get("/api/auth/session").json is not None


def test_the_link_works_once(app, client, intruder):
    _, token = intruder
    assert client.post(f"/sessions/report/{token}").status_code == 303

    again = client.post(f"/sessions/report/{token}")
    assert again.status_code == 404
    assert "This link cannot be used" in again.text
    assert client.get(f"/sessions/report/{token}").status_code == 404
    assert event_kinds(app) == ["sign_in_reported"]


def test_a_session_that_already_ended_is_reported_all_the_same(app, client, other_client, intruder):
    _, token = intruder
    other_client.post("/sign-out")
    response = client.post(f"/sessions/report/{token}")
    assert response.status_code == 303
    assert "That session had already ended." in client.get("/sessions/reported").text
    assert event_kinds(app) == ["sign_out", "sign_in_reported"]


def test_after_seven_days_the_link_no_longer_works(app, client, intruder):
    auth_session, token = intruder
    with app.app_context():
        (expires_at,) = db.session.scalars(select(Token.expires_at)).all()
        assert timedelta(days=6, hours=23) < expires_at - utcnow() <= timedelta(days=7)
        db.session.execute(update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(f"/sessions/report/{token}").status_code == 404
    assert client.post(f"/sessions/report/{token}").status_code == 404
    assert live_public_ids(app) == {auth_session.public_id}


def test_only_the_hash_is_stored(app, intruder):
    _, token = intruder
    with app.app_context():
        (row,) = db.session.scalars(select(Token)).all()
        assert row.token_hash != token and token not in str(row.data)


@pytest.mark.parametrize(
    "token", ["A" * 43, "short", "x" * 300], ids=["unknown", "malformed", "too long"]
)
def test_unknown_and_malformed_links_are_404(app, client, intruder, token):
    assert client.get(f"/sessions/report/{token}").status_code == 404
    assert client.post(f"/sessions/report/{token}").status_code == 404
    assert len(live_public_ids(app)) == 1


def test_a_link_of_another_purpose_is_not_a_report(app, client, user, intruder):
    with app.app_context():
        other = issue_token("reset_password", user_id=user.id, max_age=3600)
        db.session.commit()
    assert client.get(f"/sessions/report/{other}").status_code == 404
    assert client.post(f"/sessions/report/{other}").status_code == 404
    assert len(live_public_ids(app)) == 1


def test_reporting_this_browsers_own_session_signs_it_out(app, other_client, intruder):
    _, token = intruder
    response = other_client.post(f"/sessions/report/{token}")
    assert response.status_code == 303
    assert "session_token=;" in response.headers["Set-Cookie"]
    assert live_public_ids(app) == set()


def test_a_post_without_csrf_token_changes_nothing(app, client, intruder):
    auth_session, token = intruder
    assert client.post(f"/sessions/report/{token}", csrf=False).status_code == 400
    assert live_public_ids(app) == {auth_session.public_id}
    assert client.get(f"/sessions/report/{token}").status_code == 200


def test_an_htmx_post_is_redirected_as_htmx_expects(app, client, intruder):
    _, token = intruder
    response = client.post(f"/sessions/report/{token}", htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sessions/reported"
    assert live_public_ids(app) == set()


def test_a_boosted_post_follows_the_303(app, client, intruder):
    _, token = intruder
    response = client.post(
        f"/sessions/report/{token}", headers={"HX-Request": "true", "HX-Boosted": "true"}
    )
    assert response.status_code == 303
    assert live_public_ids(app) == set()
