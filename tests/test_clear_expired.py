"""``flask sessions clear-expired`` deletes ended sessions and stale rows, and only those."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.invitations.models import Invitation
from myapp.known_devices.models import KnownDevice
from myapp.sessions.commands import clear_expired_sessions
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import hash_token, new_token
from tests import org_factories
from tests.support import Browser


def public_ids(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(UserSession.public_id)))


def make_sessions(app, user, count: int, **values) -> set[str]:
    """Sign ``user`` in on ``count`` new devices and set ``values`` on their rows."""
    ids = {Browser(app).sign_in_as(user).public_id for _ in range(count)}
    if values:
        with app.app_context():
            db.session.execute(
                update(UserSession).where(UserSession.public_id.in_(ids)).values(**values)
            )
            db.session.commit()
    return ids


def clear_expired(app):
    return app.test_cli_runner().invoke(args=["sessions", "clear-expired"])


def test_deletes_idle_and_absolutely_old_sessions_and_keeps_live_ones(app, user, signed_in):
    now = utcnow()
    live = public_ids(app) | make_sessions(app, user, 2)
    make_sessions(app, user, 1, expires_at=now - timedelta(seconds=1))
    make_sessions(app, user, 1, created_at=now - timedelta(days=91), last_active_at=now)

    result = clear_expired(app)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Deleted 2 expired sessions."
    assert public_ids(app) == live
    assert signed_in.get("/api/auth/session").json is not None


@pytest.mark.parametrize(
    ("expired", "output"),
    [(0, "Deleted 0 expired sessions."), (1, "Deleted 1 expired session.")],
)
def test_reports_the_count_in_words(app, user, expired, output):
    make_sessions(app, user, expired, expires_at=utcnow() - timedelta(minutes=1))

    assert clear_expired(app).output.splitlines()[0] == output


def test_a_session_expiring_later_is_kept(app, user):
    kept = make_sessions(app, user, 1, expires_at=utcnow() + timedelta(minutes=1))

    clear_expired(app)

    assert public_ids(app) == kept


def test_deletes_in_batches_until_none_are_left(app, user):
    live = make_sessions(app, user, 1)
    make_sessions(app, user, 5, expires_at=utcnow() - timedelta(minutes=1))

    with app.app_context():
        assert clear_expired_sessions(batch_size=2) == 5

    assert public_ids(app) == live


def test_the_command_is_listed_under_sessions(app):
    result = app.test_cli_runner().invoke(args=["sessions", "--help"])

    assert "clear-expired" in result.output


def test_deletes_invitations_finished_over_30_days_ago_and_keeps_the_rest(app, user):
    organization = org_factories.make_organization(app, user)
    now = utcnow()
    ages = {
        "pending@example.com": {},
        "expired-lately@example.com": {"expires_at": now - timedelta(days=29)},
        "expired-long-ago@example.com": {"expires_at": now - timedelta(days=31)},
        "declined-lately@example.com": {"status": "declined", "responded_at": now},
        "accepted-long-ago@example.com": {
            "status": "accepted",
            "responded_at": now - timedelta(days=31),
        },
    }
    for email, values in ages.items():
        invitation, _ = org_factories.make_invitation(app, organization, user, email=email)
        if values:
            with app.app_context():
                db.session.execute(
                    update(Invitation).where(Invitation.id == invitation.id).values(**values)
                )
                db.session.commit()

    result = clear_expired(app)

    assert result.exit_code == 0, result.output
    assert "Deleted 2 invitations answered or expired more than 30 days ago" in result.output
    assert {email for email, _, _ in org_factories.invitations_of(app, organization)} == {
        "pending@example.com",
        "expired-lately@example.com",
        "declined-lately@example.com",
    }


def test_deletes_devices_whose_cookie_has_expired(app, user):
    with app.app_context():
        for label, days in (("Seen lately", 399), ("Forgotten", 401)):
            db.session.add(
                KnownDevice(
                    user_id=user.id,
                    device_hash=hash_token(new_token()),
                    label=label,
                    last_seen_at=utcnow() - timedelta(days=days),
                )
            )
        db.session.commit()

    result = clear_expired(app)

    assert "and 1 device unseen for 400 days" in result.output
    with app.app_context():
        assert list(db.session.scalars(select(KnownDevice.label))) == ["Seen lately"]
