"""GET /api/auth/session/alive: what open tabs poll to learn that their session has ended.

It must stay as cheap as the session endpoint: one SELECT, no write, no cookie, whatever the
state of the session. Pages that are signed in carry what the polling module needs.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.auth.views import SESSION_ENDED
from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession

ALIVE = "/api/auth/session/alive"


def session_row(app, public_id):
    with app.app_context():
        return db.session.scalar(select(UserSession).where(UserSession.public_id == public_id))


def make_due_for_sliding(app):
    """Age every session past SESSION_UPDATE_AGE, where a normal request would write."""
    old = utcnow() - timedelta(hours=2)
    with app.app_context():
        db.session.execute(
            update(UserSession).values(last_active_at=old, expires_at=old + timedelta(days=30))
        )
        db.session.commit()


def test_a_live_session_is_alive_in_one_select_without_writing(app, client, user, count_queries):
    auth_session = client.sign_in_as(user)
    make_due_for_sliding(app)
    before = session_row(app, auth_session.public_id)

    response, statements = count_queries(lambda: client.get(ALIVE))

    assert response.status_code == 200
    assert response.json == {"alive": True}
    assert len(statements) == 1 and statements[0].lstrip().upper().startswith("SELECT")
    assert "Set-Cookie" not in response.headers
    after = session_row(app, auth_session.public_id)
    assert (after.last_active_at, after.expires_at) == (before.last_active_at, before.expires_at)


def test_a_session_revoked_from_another_device_has_ended(
    app, client, other_client, user, count_queries
):
    this_device = client.sign_in_as(user)
    other_client.sign_in_as(user)
    assert client.get(ALIVE).json == {"alive": True}

    revoke = other_client.post(f"/settings/security/sessions/{this_device.public_id}/revoke")
    assert revoke.status_code == 303

    response, statements = count_queries(lambda: client.get(ALIVE))
    assert response.json == {"alive": False}
    assert len(statements) == 1
    assert "Set-Cookie" not in response.headers
    assert other_client.get(ALIVE).json == {"alive": True}


def test_signing_out_ends_it_for_every_tab_of_the_browser(signed_in):
    assert signed_in.post("/sign-out").status_code == 303
    assert signed_in.get(ALIVE).json == {"alive": False}


def test_a_password_change_ends_the_other_devices(client, other_client, user):
    client.sign_in_as(user)
    other_client.sign_in_as(user)
    other_client.post(
        "/settings/security/password",
        {"current_password": "correct horse battery", "new_password": "a brand new secret"},
    )
    assert client.get(ALIVE).json == {"alive": False}
    assert other_client.get(ALIVE).json == {"alive": True}


@pytest.mark.parametrize(
    "ended",
    [
        {"expires_at": utcnow() - timedelta(seconds=1)},
        {"created_at": utcnow() - timedelta(days=91)},
    ],
    ids=["idle", "absolute"],
)
def test_an_expired_session_has_ended_and_its_row_is_left_to_cleanup(
    app, client, user, count_queries, ended
):
    auth_session = client.sign_in_as(user)
    with app.app_context():
        db.session.execute(update(UserSession).values(**ended))
        db.session.commit()

    response, statements = count_queries(lambda: client.get(ALIVE))

    assert response.json == {"alive": False}
    assert len(statements) == 1
    assert "Set-Cookie" not in response.headers
    assert session_row(app, auth_session.public_id) is not None


@pytest.mark.parametrize("token", [None, "not a token at all"], ids=["no cookie", "malformed"])
def test_without_a_usable_cookie_it_has_ended_without_a_query(client, count_queries, token):
    if token:
        client.set_session_token(token)
    response, statements = count_queries(lambda: client.get(ALIVE))
    assert response.json == {"alive": False}
    assert statements == []


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_are_405(signed_in, method):
    response = signed_in.request(method, ALIVE)
    assert response.status_code == 405
    assert signed_in.get(ALIVE).json == {"alive": True}


def test_the_answer_is_never_cached(signed_in):
    assert signed_in.get(ALIVE).headers["Cache-Control"] == "no-store"


@pytest.mark.settings(SESSION_CHECK_INTERVAL=7)
def test_signed_in_pages_carry_the_check_for_the_module(signed_in):
    page = signed_in.get("/settings/security").text
    assert 'data-session-check="/api/auth/session/alive"' in page
    assert 'data-session-check-interval="7"' in page
    assert 'data-session-ended="/session-ended"' in page
    assert '<script type="module" src="/static/js/session-check.js"></script>' in page
    assert "data-signed-out" not in page


def test_signed_out_pages_say_so_and_do_not_check(client):
    page = client.get("/sign-in").text
    assert "data-signed-out" in page
    assert "data-session-check=" not in page


def test_the_module_is_served_as_javascript(client):
    response = client.get("/static/js/session-check.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert "BroadcastChannel" in response.text
    response.close()


def test_an_ended_tab_is_sent_to_sign_in_with_a_message_and_back_after(client, user):
    response = client.get("/session-ended?next=/settings/security")
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=%2Fsettings%2Fsecurity"
    page = client.get(response.headers["Location"]).text
    assert SESSION_ENDED in page

    signed_in = client.sign_in(user.email, next="/settings/security")
    assert signed_in.headers["Location"] == "/settings/security"


def test_a_hostile_next_is_dropped(client):
    response = client.get("/session-ended?next=//evil.example/")
    assert response.headers["Location"] == "/sign-in"


def test_a_browser_signed_in_again_meanwhile_goes_straight_back(signed_in):
    response = signed_in.get("/session-ended?next=/settings/security")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert SESSION_ENDED not in signed_in.get("/settings/security").text
