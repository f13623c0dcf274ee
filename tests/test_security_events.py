"""Security activity is recorded with time, IP and device, and purged after 90 days."""

from datetime import timedelta

from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.models import SecurityEvent

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)


def events(app):
    with app.app_context():
        return [
            (e.kind, e.ip, e.device)
            for e in db.session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))
        ]


def test_sign_in_failure_sign_out_and_sudo_are_recorded(app, client, user):
    client.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    headers = {"User-Agent": CHROME_MAC}
    client.post("/sign-in", {"email": user.email, "password": "wrong password!"}, headers=headers)
    client.post(
        "/sign-in", {"email": user.email, "password": "correct horse battery"}, headers=headers
    )
    client.post("/sudo", {"password": "correct horse battery"}, headers=headers)
    client.post("/sign-out", headers=headers)
    assert events(app) == [
        ("sign_in_failed", "198.51.100.7", "Chrome 131 on macOS"),
        ("sign_in", "198.51.100.7", "Chrome 131 on macOS"),
        ("sudo_confirmed", "198.51.100.7", "Chrome 131 on macOS"),
        ("sign_out", "198.51.100.7", "Chrome 131 on macOS"),
    ]


def test_sign_up_is_recorded(app, client):
    client.post(
        "/sign-up", {"name": "N", "email": "n@example.com", "password": "correct horse battery"}
    )
    assert [kind for kind, _, _ in events(app)] == ["sign_up"]


def test_unknown_email_records_no_event(app, client):
    client.sign_in("nobody@example.com", password="wrong password!")
    assert events(app) == []


def test_cleanup_purges_events_older_than_90_days(app, client, user):
    client.sign_in(user.email)
    client.post("/sign-out")
    with app.app_context():
        first = db.session.scalar(select(SecurityEvent.id).order_by(SecurityEvent.id))
        db.session.execute(
            update(SecurityEvent)
            .where(SecurityEvent.id == first)
            .values(created_at=utcnow() - timedelta(days=91))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sessions", "clear-expired"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 security events older than 90 days" in result.output
    assert [kind for kind, _, _ in events(app)] == ["sign_out"]
