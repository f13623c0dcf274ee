"""Sign-up, sign-in and sign-out through the real forms."""

from sqlalchemy import func, select

from myapp.auth.models import User
from myapp.extensions import db
from myapp.sessions.models import UserSession


def count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_sign_up_page_renders_the_form(client):
    response = client.get("/sign-up")
    assert response.status_code == 200
    assert 'name="email"' in response.text and 'name="csrf_token"' in response.text


def test_sign_up_signs_the_new_user_in(app, client):
    response = client.post(
        "/sign-up",
        {"name": "Ada", "email": " Ada@Example.COM ", "password": "correct horse battery"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizations"
    assert client.get("/api/auth/session").json["user"]["email"] == "ada@example.com"


def test_sign_up_with_bad_input_is_422_with_messages_and_writes_nothing(app, client):
    response = client.post("/sign-up", {"name": "", "email": "not-an-email", "password": "short"})
    assert response.status_code == 422
    assert "Enter your name." in response.text
    assert "Enter a valid email address." in response.text
    assert "Use 8 to 256 characters." in response.text
    assert count(app, User) == 0 and count(app, UserSession) == 0


def test_sign_up_with_a_taken_email_in_any_case_is_422(app, client, user):
    response = client.post(
        "/sign-up",
        {"name": "Other", "email": "ADA@example.com", "password": "correct horse battery"},
    )
    assert response.status_code == 422
    assert "An account with this email already exists." in response.text
    assert count(app, User) == 1 and count(app, UserSession) == 0


def test_sign_in_with_any_case_of_the_email(client, user):
    response = client.sign_in("  ADA@example.com")
    assert response.status_code == 303
    assert client.get("/api/auth/session").json["user"]["id"] == user.id


def test_wrong_password_and_unknown_email_get_the_same_answer_and_no_cookie(app, client, user):
    wrong = client.sign_in(user.email, password="wrong password!")
    unknown = client.sign_in("nobody@example.com", password="wrong password!")
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Incorrect email or password." in response.text
        assert "session_token" not in response.headers.get("Set-Cookie", "")
    assert wrong.text.replace(user.email, "").count("Incorrect") == unknown.text.count("Incorrect")
    assert count(app, UserSession) == 0


def test_sign_in_with_empty_fields_is_422(client):
    response = client.post("/sign-in", {"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address." in response.text


def test_htmx_form_errors_are_422_too(client):
    response = client.post("/sign-in", {"email": "", "password": ""}, htmx=True, current="/sign-in")
    assert response.status_code == 422
    assert "Enter your email address." in response.text


def test_missing_csrf_token_is_400_and_writes_nothing(app, client):
    response = client.post(
        "/sign-up",
        {"name": "Ada", "email": "ada@example.com", "password": "correct horse battery"},
        csrf=False,
    )
    assert response.status_code == 400
    assert "security token" in response.text
    assert count(app, User) == 0


def test_bad_csrf_token_is_400_and_signs_nobody_out(app, signed_in):
    response = signed_in.post("/sign-out", {"csrf_token": "forged"})
    assert response.status_code == 400
    assert count(app, UserSession) == 1
    assert signed_in.get("/api/auth/session").json is not None


def test_csrf_token_in_the_htmx_header_is_accepted(app, signed_in):
    response = signed_in.post(
        "/sign-out", csrf=False, headers={"X-CSRFToken": signed_in.csrf_token()}
    )
    assert response.status_code == 303
    assert count(app, UserSession) == 0


def test_signed_in_visitor_to_sign_in_goes_to_organizations(signed_in):
    response = signed_in.get("/sign-in")
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizations"


def test_layout_shows_the_user_and_a_post_only_sign_out_button(signed_in):
    page = signed_in.get("/organizations").text
    assert "Ada Lovelace" in page
    assert 'action="/sign-out"' in page and 'method="post"' in page
