"""Bad input gets a clear 4xx and changes nothing: never a 500, never a half-written change."""

import pytest
from sqlalchemy import func, select

from myapp.auth.models import AuthAttempt, User
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


# Odd input found by the security review: each was a 500 -----------------------------------
MALFORMED_URL = "http://[x"


@pytest.mark.parametrize("header", ["HX-Current-URL", "Referer"])
def test_a_malformed_page_url_header_sends_the_signed_out_to_sign_in(client, header):
    headers = {"HX-Request": "true"} if header == "HX-Current-URL" else {}
    headers[header] = MALFORMED_URL

    response = client.post("/sign-out", headers=headers)

    if header == "HX-Current-URL":
        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/sign-in?next=%2F")
    else:
        assert (response.status_code, response.location) == (303, "/sign-in?next=%2F")


@pytest.mark.parametrize("path", ["/sign-in", "/sign-up", "/sudo"])
def test_a_non_latin1_next_on_an_htmx_post_is_encoded_not_a_500(app, client, user, path):
    if path == "/sudo":
        client.sign_in_as(user)
    data = {"email": user.email, "password": "correct horse battery", "next": "/organizations/ü→"}
    if path == "/sign-up":
        data.update(name="Grace", email="grace@example.com")

    response = client.post(path, data, htmx=True, current=path)

    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/organizations/%C3%BC%E2%86%92"
    assert client.get("/api/auth/session").json is not None


@pytest.fixture
def acme(app, user):
    from tests import org_factories

    organization = org_factories.make_organization(app, user)
    org_factories.make_contact(app, organization)
    return organization


@pytest.mark.parametrize("row_id", [2**31, 2**63, 10**30])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/organizations/acme/contacts/{id}"),
        ("POST", "/organizations/acme/contacts/{id}/update"),
        ("POST", "/organizations/acme/contacts/{id}/delete"),
        ("POST", "/organizations/acme/members/{id}/role"),
        ("POST", "/organizations/acme/members/{id}/remove"),
        ("POST", "/organizations/acme/members/{id}/transfer"),
        ("POST", "/organizations/acme/invitations/{id}/resend"),
        ("POST", "/organizations/acme/invitations/{id}/revoke"),
    ],
)
def test_ids_too_large_for_the_column_are_404(signed_in, acme, method, url, row_id):
    url = url.format(id=row_id)
    if method == "GET":
        response = signed_in.get(url)
    else:
        response = signed_in.post(url, {"name": "Changed", "role": "member"})
    assert response.status_code == 404


def domain_of_length(length: int) -> str:
    """Return a valid domain of exactly ``length`` characters, in labels of at most 61."""
    labels = []
    while length > 4:
        label = min(61, length - 4 - (1 if labels else 0))
        labels.append("d" * label)
        length -= label + (1 if len(labels) > 1 else 0)
    return ".".join(labels) + ".com"


#: 254 bytes of UTF-8, as email-validator counts; 32 "ΐ" case-fold to 96 characters.
FOLDS_LONGER = "ΐ" * 32 + "@" + domain_of_length(189)
#: 253 bytes of UTF-8; NFKC spells each "ﷺ" out in 18 letters, 378 characters in all.
NORMALISES_TOO_LONG = "ﷺ" * 21 + "@" + domain_of_length(189)


def test_an_address_that_folds_longer_is_stored_in_a_form_that_fits(app, client):
    assert len(FOLDS_LONGER.casefold()) > 254

    response = client.post(
        "/sign-up", {"name": "Ada", "email": FOLDS_LONGER, "password": "correct horse battery"}
    )

    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalar(select(User.email))
    assert len(stored) <= 254 and stored.startswith("ΐ" * 32 + "@")


def test_an_email_too_long_once_normalised_is_refused_at_sign_up(app, client):
    data = {"name": "Ada", "email": NORMALISES_TOO_LONG, "password": "correct horse battery"}

    response = client.post("/sign-up", data)

    assert response.status_code == 422
    assert "Email addresses are at most 254 characters." in response.text
    assert user_count(app) == 0


def test_an_email_too_long_once_normalised_is_refused_at_sign_in(app, client):
    response = client.post("/sign-in", {"email": "ß" * 200, "password": "correct horse battery"})

    assert response.status_code == 422
    assert "Email addresses are at most 254 characters." in response.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuthAttempt)) == 0
