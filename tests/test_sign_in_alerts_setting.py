"""The new sign-in alerts setting on /settings/security: on by default, one button to change."""

import pytest
from sqlalchemy import select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.security.models import SecurityEvent

URL = "/settings/security/sign-in-alerts"
CHECKED = 'name="enabled" value="y" checked'


def alerts_setting(app, user):
    with app.app_context():
        return db.session.scalar(select(User.sign_in_alerts).where(User.id == user.id))


def event_kinds(app):
    with app.app_context():
        return db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()


def test_alerts_are_on_by_default(app, signed_in, user):
    assert alerts_setting(app, user) is True
    page = signed_in.get("/settings/security").text
    assert "Sign-in alerts" in page
    assert CHECKED in page


def test_turning_alerts_off_without_htmx_goes_back_to_the_page(app, signed_in, user):
    response = signed_in.post(URL, {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/security"
    assert alerts_setting(app, user) is False
    page = signed_in.get("/settings/security").text
    assert "Sign-in alerts are off." in page
    assert 'name="enabled" value="y">' in page
    assert event_kinds(app) == ["sign_in_alerts_off"]


def test_turning_alerts_back_on_with_htmx_swaps_the_setting_in_place(app, signed_in, user):
    signed_in.post(URL, {})
    response = signed_in.post(URL, {"enabled": "y"}, htmx=True, current="/settings/security")
    assert response.status_code == 200
    assert "Sign-in alerts are on." in response.text
    assert CHECKED in response.text
    assert "<html" not in response.text and "Where you're signed in" not in response.text
    assert alerts_setting(app, user) is True
    assert event_kinds(app) == ["sign_in_alerts_off", "sign_in_alerts_on"]


def test_the_change_shows_in_recent_activity(signed_in):
    signed_in.post(URL, {})
    assert "Turned sign-in alerts off" in signed_in.get("/settings/security").text


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_signed_out_is_sent_to_sign_in_and_nothing_changes(app, client, user, htmx):
    response = client.post(URL, {}, htmx=htmx, current="/settings/security")
    if htmx:
        assert response.headers["HX-Redirect"].startswith("/sign-in")
    else:
        assert response.headers["Location"].startswith("/sign-in")
    assert alerts_setting(app, user) is True


def test_a_post_without_csrf_token_changes_nothing(app, signed_in, user):
    assert signed_in.post(URL, {}, csrf=False).status_code == 400
    assert alerts_setting(app, user) is True
