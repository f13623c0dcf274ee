"""Sudo mode: the /sudo page, and that sensitive actions send stale sessions there."""

from datetime import timedelta

from sqlalchemy import select

from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.models import SecurityEvent
from tests.support import age_sudo, sudo_at


def test_sudo_page_needs_a_session(client):
    response = client.get("/sudo?next=/settings/security")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_sudo_page_shows_the_password_form_posting_back_with_next(signed_in):
    page = signed_in.get("/sudo?next=/settings/security").text
    assert 'name="password"' in page
    assert 'action="/sudo?next=/settings/security"' in page


def test_wrong_password_is_422_and_does_not_unlock(app, signed_in):
    age_sudo(app)
    before = sudo_at(app)
    response = signed_in.post(
        "/sudo", {"password": "wrong password!", "next": "/settings/security"}
    )
    assert response.status_code == 422
    assert "That password is not correct." in response.text
    assert sudo_at(app) == before


def test_right_password_unlocks_and_returns_to_next(app, signed_in):
    age_sudo(app)
    response = signed_in.post(
        "/sudo", {"password": "correct horse battery", "next": "/settings/security"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert utcnow() - sudo_at(app) < timedelta(minutes=1)


def test_hostile_next_after_sudo_stays_on_site(app, signed_in):
    response = signed_in.post(
        "/sudo", {"password": "correct horse battery", "next": "//evil.example"}
    )
    assert response.headers["Location"] == "/organizations"


def test_a_wrong_password_is_logged_as_a_failed_confirmation_not_a_failed_sign_in(app, signed_in):
    signed_in.post("/sudo", {"password": "wrong password!", "next": "/settings/security"})

    with app.app_context():
        kinds = db.session.scalars(select(SecurityEvent.kind)).all()
    assert kinds == ["sudo_failed"]
    assert "Wrong password when confirming it" in signed_in.get("/settings/security").text
