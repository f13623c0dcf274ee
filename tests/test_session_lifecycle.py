"""Sessions live in SQL: one row per sign-in, a fresh token, revocable at once."""

from datetime import timedelta

from sqlalchemy import select, text, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import hash_token
from tests import factories


def session_rows(app):
    with app.app_context():
        return db.session.scalars(select(UserSession)).all()


def database_dump(app) -> str:
    """Return every value of every table as one string, to search for secrets."""
    with app.app_context():
        chunks = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                chunks.extend(str(value) for value in row)
        return "\n".join(chunks)


def test_sign_up_creates_one_session_with_a_fresh_unstored_token(app, client):
    response = client.post(
        "/sign-up", {"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"}
    )
    assert response.status_code == 303
    token = client.session_token()
    assert token and len(token) >= 43
    rows = session_rows(app)
    assert len(rows) == 1
    assert rows[0].token_hash == hash_token(token)
    assert token not in database_dump(app)


def test_sign_in_creates_one_more_session_with_a_different_token(app, client, other_client, user):
    client.sign_in(user.email)
    other_client.sign_in(user.email)
    rows = session_rows(app)
    assert len(rows) == 2
    assert client.session_token() != other_client.session_token()
    dump = database_dump(app)
    assert client.session_token() not in dump and other_client.session_token() not in dump


def test_session_row_records_device_and_times(app, client, user):
    client.client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    client.post(
        "/sign-in",
        {"email": user.email, "password": factories.DEFAULT_PASSWORD},
        headers={"User-Agent": "TestAgent/1.0"},
    )
    (row,) = session_rows(app)
    assert row.ip == "198.51.100.7"
    assert row.user_agent == "TestAgent/1.0"
    assert row.created_at.tzinfo is not None
    assert row.expires_at - row.created_at == timedelta(days=30)


def test_sign_out_deletes_the_row_and_the_old_cookie_is_refused(app, signed_in):
    token = signed_in.session_token()
    response = signed_in.post("/sign-out")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/sign-in")
    assert session_rows(app) == []
    signed_in.set_session_token(token)  # a copy of the cookie kept by an attacker
    assert signed_in.get("/api/auth/session").json is None
    assert signed_in.get("/organizations").status_code == 303


def test_sign_out_needs_post(signed_in):
    # A GET only goes to the home page (as for every POST-only URL) and signs nothing out.
    response = signed_in.get("/sign-out")
    assert (response.status_code, response.location) == (303, "/")
    assert signed_in.request("PUT", "/sign-out").status_code == 405
    assert signed_in.get("/api/auth/session").json is not None


def test_expired_session_is_refused_and_its_row_deleted(app, signed_in):
    with app.app_context():
        db.session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = signed_in.get("/api/auth/session")
    assert response.json is None
    assert "session_token=;" in response.headers.get("Set-Cookie", "")
    assert session_rows(app) == []


def test_absolutely_old_session_is_refused_however_active(app, signed_in):
    with app.app_context():
        db.session.execute(
            update(UserSession).values(
                created_at=utcnow() - timedelta(days=91), last_active_at=utcnow()
            )
        )
        db.session.commit()
    assert signed_in.get("/api/auth/session").json is None


def test_forged_token_is_refused_and_its_cookie_cleared(signed_in):
    signed_in.set_session_token("A" * 43)
    response = signed_in.get("/api/auth/session")
    assert response.json is None
    assert "session_token=;" in response.headers["Set-Cookie"]


def test_malformed_token_is_signed_out_without_a_query(signed_in, count_queries):
    signed_in.set_session_token("not a token at all")
    response, statements = count_queries(lambda: signed_in.get("/api/auth/session"))
    assert response.json is None
    assert statements == []


def test_planted_token_is_never_adopted_at_sign_in(app, client, user):
    planted = "P" * 43
    client.set_session_token(planted)
    client.sign_in(user.email)
    assert client.session_token() != planted
    with app.app_context():
        assert (
            db.session.scalar(
                select(UserSession).where(UserSession.token_hash == hash_token(planted))
            )
            is None
        )


def test_sign_in_rotates_the_csrf_secret(client, user):
    before = client.csrf_token()
    client.sign_in(user.email)
    after = client.csrf_token()
    assert before != after
    # The token from before sign-in no longer works.
    response = client.post("/sign-out", {"csrf_token": before})
    assert response.status_code == 400


def test_activity_slides_the_expiry_at_most_once_per_update_age(app, signed_in):
    old = utcnow() - timedelta(hours=2)
    with app.app_context():
        db.session.execute(
            update(UserSession).values(last_active_at=old, expires_at=old + timedelta(days=30))
        )
        db.session.commit()
    response = signed_in.get("/api/auth/session")
    assert "session_token=" in response.headers["Set-Cookie"]  # cookie lifetime slides too
    (row,) = session_rows(app)
    assert row.last_active_at > old + timedelta(hours=1)
    assert row.expires_at > utcnow() + timedelta(days=29)


def test_deleting_a_user_deletes_their_sessions(app, signed_in, user):
    with app.app_context():
        db.session.execute(text("DELETE FROM users"))
        db.session.commit()
    assert session_rows(app) == []
