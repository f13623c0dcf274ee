"""Revocations and password changes are recorded, and the page shows the recent activity."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from myapp.auth.models import AuthAttempt
from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.models import SecurityEvent
from tests import factories
from tests.support import CHROME_MACOS, Browser

PAGE = "/settings/security"


def kinds(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)))


def test_revoking_one_session_is_recorded_with_this_device(app, signed_in, laptop):
    signed_in.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"

    signed_in.post(
        f"{PAGE}/sessions/{laptop.auth_session.public_id}/revoke",
        headers={"User-Agent": CHROME_MACOS},
    )

    with app.app_context():
        event = db.session.scalars(select(SecurityEvent)).one()
    assert (event.kind, event.ip, event.device) == (
        "session_revoked",
        "198.51.100.7",
        "Chrome 131 on macOS",
    )


@pytest.mark.parametrize(
    ("url", "data", "kind"),
    [
        (f"{PAGE}/sessions/revoke-others", {}, "sessions_revoked_others"),
        (f"{PAGE}/sessions/revoke-all", {}, "sessions_revoked_all"),
        (
            f"{PAGE}/password",
            {"current_password": factories.DEFAULT_PASSWORD, "new_password": "a new passphrase"},
            "password_changed",
        ),
    ],
)
def test_each_action_records_its_event(app, signed_in, laptop, url, data, kind):
    signed_in.post(url, data)

    assert kinds(app) == [kind]


def test_a_refused_revoke_records_nothing(app, signed_in):
    stranger = Browser(app)
    other = stranger.sign_in_as(factories.make_user(app, email="eve@example.com"))

    assert signed_in.post(f"{PAGE}/sessions/{other.public_id}/revoke").status_code == 404
    assert kinds(app) == []


def test_a_wrong_current_password_is_logged_as_such_and_counts_against_sign_in(
    app, signed_in, user
):
    wrong = {"current_password": "wrong password!", "new_password": "x" * 12}

    signed_in.post(f"{PAGE}/password", wrong)

    assert kinds(app) == ["password_change_failed"]
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuthAttempt).where(AuthAttempt.email == user.email)
            )
            == 1
        )


@pytest.mark.settings(SIGN_IN_LIMIT_PER_EMAIL=2)
def test_guessing_the_current_password_is_throttled_like_sign_in(app, signed_in):
    wrong = {"current_password": "wrong password!", "new_password": "x" * 12}
    assert signed_in.post(f"{PAGE}/password", wrong).status_code == 422
    assert signed_in.post(f"{PAGE}/password", wrong).status_code == 422

    right = {"current_password": factories.DEFAULT_PASSWORD, "new_password": "x" * 12}
    response = signed_in.post(f"{PAGE}/password", right)

    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert kinds(app) == ["password_change_failed", "password_change_failed"]


def test_the_page_shows_recent_activity_newest_first_and_only_the_users_own(app, client, user):
    client.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    client.sign_in(user.email)
    client.post(f"{PAGE}/sessions/revoke-others", headers={"User-Agent": CHROME_MACOS})
    with app.app_context():
        db.session.execute(
            update(SecurityEvent)
            .where(SecurityEvent.kind == "sign_in")
            .values(created_at=utcnow() - timedelta(hours=2))
        )
        db.session.commit()
    eve = Browser(app)
    eve.sign_in(factories.make_user(app, email="eve@example.com").email)
    eve.post("/sign-out")

    html = client.get(PAGE).get_data(as_text=True)

    activity = html[html.index("Recent security activity") :]
    assert activity.count('class="activity-row"') == 2
    assert activity.index("Logged out all other devices") < activity.index("Signed in")
    assert "Chrome 131 on macOS" in activity and "198.51.100.7" in activity
    assert "2 hours ago" in activity
    assert "Signed out" not in activity


def test_the_page_shows_at_most_ten_events(app, signed_in):
    for _ in range(12):
        signed_in.post(f"{PAGE}/sessions/revoke-others")

    html = signed_in.get(PAGE).get_data(as_text=True)

    assert html.count('class="activity-row"') == 10


def test_a_real_swap_does_not_query_the_activity(signed_in, count_queries):
    response, statements = count_queries(lambda: signed_in.htmx_get(PAGE))

    assert response.status_code == 200
    assert not any("security_events" in s for s in statements)
