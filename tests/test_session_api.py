"""GET /api/auth/session: read-only, so no client can update its own session."""

import pytest


def test_signed_out_is_json_null(client):
    response = client.get("/api/auth/session")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.text.strip() == "null"


def test_signed_in_shows_user_and_expiry(signed_in, user):
    body = signed_in.get("/api/auth/session").json
    assert body["user"] == {
        "id": user.id,
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "email_verified": False,
    }
    assert body["expires"].endswith("+00:00")
    assert set(body) == {"user", "expires"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_methods_are_405_and_change_nothing(signed_in, method):
    before = signed_in.get("/api/auth/session").json
    response = signed_in.request(
        method, "/api/auth/session", json={"user": {"name": "Mallory", "email": "m@evil.test"}}
    )
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert response.json == {"error": "That action is not allowed here."}
    assert signed_in.get("/api/auth/session").json == before


def test_response_is_never_cached(signed_in):
    assert signed_in.get("/api/auth/session").headers["Cache-Control"] == "no-store"
