"""Bad input gets a clear 4xx and changes nothing: never a 500, never a half-written change."""

import pytest
from sqlalchemy import func, select

from myapp.auth.models import User
from myapp.extensions import db


def user_count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_oversized_body_is_413_with_a_page(app, client):
    response = client.post(
        "/sign-up",
        {"name": "x" * 100_000, "email": "a@example.com", "password": "correct horse battery"},
    )
    assert response.status_code == 413
    assert "That request is too large." in response.text
    assert "Traceback" not in response.text
    assert user_count(app) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "x" * 101, "Names are at most 100 characters."),
        ("email", "a" * 250 + "@example.com", "Email addresses are at most 254 characters."),
        ("password", "p" * 257, "Use 8 to 256 characters."),
        ("name", "Ada\x00Lovelace", "Remove the control characters from this field."),
        ("name", "Ada\x1b[31m", "Remove the control characters from this field."),
        ("password", "pass\x00word123", "Remove the control characters from this field."),
    ],
)
def test_field_limits_and_control_characters_are_422(app, client, field, value, message):
    data = {"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"}
    data[field] = value
    response = client.post("/sign-up", data)
    assert response.status_code == 422
    assert message in response.text
    assert user_count(app) == 0


@pytest.mark.parametrize("name", [b"Ada%FF%FE", b"Ada\xff\xfe", b"%C3"])
def test_invalid_utf8_form_is_400_and_writes_nothing(app, client, name):
    body = (
        b"name="
        + name
        + b"&email=ada%40example.com&password=correct+horse+battery&csrf_token="
        + client.csrf_token().encode()
    )
    response = client.client.post(
        "/sign-up", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert "not valid UTF-8" in response.text
    assert user_count(app) == 0


def test_invalid_utf8_in_a_multipart_form_is_422(app, client):
    token = client.csrf_token().encode()
    body = (
        b"".join(
            b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (k, v)
            for k, v in [
                (b"name", b"Ada\xff"),
                (b"email", b"ada@example.com"),
                (b"password", b"correct horse battery"),
                (b"csrf_token", token),
            ]
        )
        + b"--b--\r\n"
    )
    response = client.client.post(
        "/sign-up", data=body, content_type="multipart/form-data; boundary=b"
    )
    assert response.status_code == 422
    assert "could not be read" in response.text
    assert user_count(app) == 0


def test_huge_password_is_refused_before_hashing(client, user, monkeypatch):
    from myapp.auth import passwords

    monkeypatch.setattr(passwords, "check_password_hash", lambda *a: pytest.fail("hashed"))
    response = client.sign_in(user.email, password="p" * 100_00)
    assert response.status_code == 422


@pytest.mark.parametrize(
    "cookie",
    [
        "x" * 4000,  # oversized
        "A" * 42 + "é",  # non-ASCII
        "A" * 43 + "\\",  # one character too many
        "",  # empty
        '"quoted"',
    ],
)
def test_malformed_cookies_are_treated_as_signed_out(signed_in, cookie):
    signed_in.set_session_token(cookie)
    response = signed_in.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json is None
    assert signed_in.get("/organizations").status_code == 303


def test_raw_non_ascii_cookie_header_is_signed_out(app, client):
    name = app.config["SESSION_TOKEN_COOKIE_NAME"]
    response = client.get("/api/auth/session", headers={"Cookie": f"{name}=\u00e9\u00e9\u00e9"})
    assert response.status_code == 200 and response.json is None


def test_unknown_method_on_a_form_route_is_405_not_500(client):
    assert client.request("DELETE", "/sign-in").status_code == 405
