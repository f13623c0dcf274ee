"""Email verification: a mailed link whose page changes nothing until its button is pressed."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from myapp.auth.models import AuthAttempt, User
from myapp.database import utcnow
from myapp.extensions import db
from tests import factories
from tests.accounts_support import event_kinds, expire_links, sign_up, user_row
from tests.support import PUBLIC_URL, Browser

NOTICE = "Please verify"


def signed_up(app, client, mailbox):
    """Sign up as ada@example.com; return the new user and the path of the mailed link."""
    assert sign_up(client).status_code == 303
    message = mailbox.only(to="ada@example.com")
    user_id = client.get("/api/auth/session").json["user"]["id"]
    return user_row(app, user_id), message


def test_sign_up_mails_a_verification_link_on_public_url(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    assert message.subject == "Verify your email address"
    assert message.link().startswith(f"{PUBLIC_URL}/verify-email/")
    assert message.link() in message.html
    assert user.email_verified_at is None


# The browser's cookies belong to localhost, so under another Host the CSRF cookie is not
# sent; the forged Host is what is tested here, not CSRF.
@pytest.mark.settings(WTF_CSRF_ENABLED=False)
def test_the_link_is_built_from_public_url_even_under_a_forged_host(app, client, mailbox):
    response = client.post(
        "/sign-up",
        {"name": "A", "email": "ada@example.com", "password": factories.DEFAULT_PASSWORD},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 303
    message = mailbox.only()
    assert message.link().startswith(f"{PUBLIC_URL}/verify-email/")
    assert "evil.example" not in message.text + message.html


def test_opening_the_link_changes_nothing(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    # A mail scanner fetches the link, with no cookies.
    for _ in range(2):
        page = Browser(app).get(message.link_path())
        assert page.status_code == 200
        assert "Confirm email" in page.text and "ada@example.com" in page.text
    assert user_row(app, user.id).email_verified_at is None


@pytest.mark.parametrize("htmx", [False, True])
def test_the_button_verifies_the_address_and_says_so(app, client, mailbox, htmx):
    user, message = signed_up(app, client, mailbox)
    assert client.get("/api/auth/session").json["user"]["email_verified"] is False
    assert NOTICE in client.get("/settings/account").text

    response = client.post(message.link_path(), htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == "/"
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == "/"
    page = client.get("/settings/account")
    assert "Thank you: ada@example.com is verified." in page.text
    assert NOTICE not in page.text
    assert user_row(app, user.id).email_verified_at is not None
    assert client.get("/api/auth/session").json["user"]["email_verified"] is True
    assert event_kinds(app, user.id)[-1] == "email_verified"


def test_the_button_works_signed_out_on_another_device(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    phone = Browser(app)
    assert phone.post(message.link_path()).status_code == 303
    assert user_row(app, user.id).email_verified_at is not None


def test_the_link_works_once(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    assert client.post(message.link_path()).status_code == 303
    again = client.post(message.link_path())
    assert again.status_code == 404
    assert "This link cannot be used" in again.text
    assert client.get(message.link_path()).status_code == 404


def test_an_expired_link_gets_404_offering_a_new_one_and_changes_nothing(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    expire_links(app, "verify_email")
    page = client.get(message.link_path())
    assert page.status_code == 404
    assert "Send a new verification link" in page.text
    assert client.post(message.link_path()).status_code == 404
    assert user_row(app, user.id).email_verified_at is None


def test_a_signed_out_visitor_with_a_dead_link_is_asked_to_sign_in(app, client):
    page = client.get("/verify-email/" + "A" * 43)
    assert page.status_code == 404
    assert "to get a new verification link" in page.text


@pytest.mark.parametrize("token", ["A" * 43, "short", "%00" * 20, "x" * 500])
def test_unknown_and_malformed_links_are_404(client, token):
    assert client.get(f"/verify-email/{token}").status_code == 404
    assert client.post(f"/verify-email/{token}").status_code == 404


def test_a_reset_link_cannot_verify_an_email(app, client, mailbox, user):
    Browser(app).post("/forgot-password", {"email": user.email})
    reset_path = mailbox.only().link_path()
    token = reset_path.rsplit("/", 1)[1]
    assert client.post(f"/verify-email/{token}").status_code == 404
    assert user_row(app, user.id).email_verified_at is None


def test_verified_users_see_no_notice(app, client):
    user = factories.make_user(app, email="v@example.com", verified=True)
    client.sign_in_as(user)
    page = client.get("/settings/account")
    assert NOTICE not in page.text
    assert client.get("/api/auth/session").json["user"]["email_verified"] is True


def test_the_notice_is_on_every_page_with_a_send_again_button(app, signed_in):
    for path in ("/organizations", "/settings/security", "/settings/account"):
        page = signed_in.get(path).text
        assert NOTICE in page
        assert 'action="/verify-email/resend"' in page


@pytest.mark.parametrize("htmx", [False, True])
def test_send_again_mails_a_new_working_link(app, signed_in, user, mailbox, htmx):
    response = signed_in.post("/verify-email/resend", htmx=htmx, current="/organizations")
    if htmx:
        assert response.headers["HX-Redirect"] == "/organizations"
    else:
        assert response.status_code == 303
    message = mailbox.only(to=user.email)
    assert signed_in.post(message.link_path()).status_code == 303
    assert user_row(app, user.id).email_verified_at is not None


def test_reloading_the_resend_url_goes_to_the_account_page_and_sends_nothing(signed_in, mailbox):
    response = signed_in.get("/verify-email/resend")
    assert response.status_code == 303
    assert response.headers["Location"] == "/settings/account"
    assert mailbox.messages == []


def age_resends(app, age: timedelta) -> None:
    with app.app_context():
        db.session.execute(update(AuthAttempt).values(created_at=utcnow() - age))
        db.session.commit()


def test_send_again_is_limited_to_one_a_minute_and_five_a_day(app, signed_in, user, mailbox):
    assert signed_in.post("/verify-email/resend").status_code == 303
    refused = signed_in.post("/verify-email/resend")
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    for sent in range(2, 6):
        # Earlier sends move back two minutes: out of the minute's window, inside the day's.
        age_resends(app, timedelta(minutes=2))
        assert signed_in.post("/verify-email/resend").status_code == 303, sent
    age_resends(app, timedelta(hours=1))
    assert signed_in.post("/verify-email/resend").status_code == 429
    assert len(mailbox.to(user.email)) == 5


def test_send_again_needs_a_sign_in(client):
    response = client.post("/verify-email/resend")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")


def test_send_again_when_already_verified_sends_nothing(app, client, mailbox):
    client.sign_in_as(factories.make_user(app, email="v@example.com", verified=True))
    assert client.post("/verify-email/resend").status_code == 303
    assert "already verified" in client.get("/settings/account").text
    assert mailbox.messages == []


def test_sign_up_with_the_mail_server_down_still_creates_the_account(
    app, client, mailbox, smtp_down, caplog
):
    with caplog.at_level(logging.ERROR):
        response = sign_up(client)
    assert response.status_code == 303
    assert "Could not send the 'verify_email' email" in caplog.text
    assert client.get("/api/auth/session").json["user"]["email"] == "ada@example.com"
    # Nothing is lost: once the server is back, "send again" delivers a working link.
    smtp_down()  # back up
    assert client.post("/verify-email/resend").status_code == 303
    assert client.post(mailbox.only().link_path()).status_code == 303


def test_sign_up_with_a_refusing_mail_server_still_creates_the_account(
    app, client, mailbox, caplog
):
    mailbox.refuse = True
    with caplog.at_level(logging.ERROR):
        assert sign_up(client).status_code == 303
    assert "Could not send the 'verify_email' email" in caplog.text
    mailbox.refuse = False
    response = client.post("/verify-email/resend")
    assert response.status_code == 303
    assert mailbox.only().subject == "Verify your email address"


def test_a_link_sent_to_an_address_the_account_left_no_longer_verifies(app, client, mailbox):
    user, message = signed_up(app, client, mailbox)
    with app.app_context():
        db.session.get(User, user.id).email = "new@example.com"
        db.session.commit()
    assert client.get(message.link_path()).status_code == 404
    assert client.post(message.link_path()).status_code == 404
    assert user_row(app, user.id).email_verified_at is None
