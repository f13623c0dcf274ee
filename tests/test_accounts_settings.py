"""The account page: change the name; change the email through a link sent to the new address."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from myapp.auth.models import User
from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.accounts_support import event_kinds, expire_links, user_row
from tests.support import PUBLIC_URL, Browser

PAGE = "/settings/account"
NEW = "ada@newmail.example"


def leave_sudo_mode(app) -> None:
    with app.app_context():
        db.session.execute(update(UserSession).values(sudo_at=utcnow() - timedelta(hours=3)))
        db.session.commit()


def ask_for(client, email=NEW, **kwargs):
    return client.post(f"{PAGE}/email", {"email": email}, current=PAGE, **kwargs)


def change_link(signed_in, mailbox) -> str:
    assert ask_for(signed_in).status_code == 303
    return mailbox.only(to=NEW).link_path()


def test_the_page_needs_a_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 303
    assert response.headers["Location"] == "/sign-in?next=%2Fsettings%2Faccount"


def test_the_page_shows_the_name_and_email(signed_in):
    page = signed_in.get(PAGE)
    assert page.status_code == 200
    assert 'value="Ada Lovelace"' in page.text
    assert "ada@example.com" in page.text and "(not verified yet)" in page.text
    assert 'href="/settings/account"' in page.text  # in the account menu of every page


@pytest.mark.parametrize("htmx", [False, True])
def test_changing_the_name(app, signed_in, user, htmx):
    response = signed_in.post(f"{PAGE}/name", {"name": "  Ada King "}, htmx=htmx, current=PAGE)
    if htmx:
        assert response.headers["HX-Redirect"] == PAGE
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == PAGE
    assert user_row(app, user.id).name == "Ada King"
    page = signed_in.get(PAGE).text
    assert "Your name has been updated." in page
    assert '<span class="user-name">Ada King</span>' in page


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("name", ["", "   ", "x" * 101, "bad\x00name"])
def test_a_bad_name_is_422_and_changes_nothing(app, signed_in, user, name, htmx):
    response = signed_in.post(f"{PAGE}/name", {"name": name}, htmx=htmx, current=PAGE)
    assert response.status_code == 422
    assert 'class="errors"' in response.text
    assert user_row(app, user.id).name == "Ada Lovelace"


@pytest.mark.parametrize("htmx", [False, True])
def test_asking_for_a_new_email_mails_the_new_address_and_tells_the_old(
    app, signed_in, user, mailbox, htmx
):
    response = ask_for(signed_in, " Ada@NewMail.example ", htmx=htmx)
    if htmx:
        assert response.headers["HX-Redirect"] == PAGE
    else:
        assert response.status_code == 303
    link = mailbox.only(to=NEW)
    assert link.subject == "Confirm your new email address"
    assert link.link().startswith(f"{PUBLIC_URL}/change-email/")
    notice = mailbox.only(to=user.email)
    assert notice.subject == "Your email address is being changed"
    assert "a***@n***.example" in notice.text and "a***@n***.example" in notice.html
    assert NEW not in notice.text + notice.html

    # Nothing changes until the link is opened.
    assert user_row(app, user.id).email == user.email
    page = signed_in.get(PAGE).text
    assert f"We sent a link to {NEW}" in page
    assert "Waiting for you to open the link we sent to" in page
    assert event_kinds(app, user.id)[-1] == "email_change_requested"


def test_asking_needs_sudo_mode(app, signed_in, user, mailbox):
    leave_sudo_mode(app)
    response = ask_for(signed_in, headers={"Referer": f"http://localhost{PAGE}"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/sudo?next=%2Fsettings%2Faccount"
    htmx_response = ask_for(signed_in, htmx=True)
    assert htmx_response.headers["HX-Redirect"] == "/sudo?next=%2Fsettings%2Faccount"
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("ada@example.com", "That is already your email address."),
        ("ADA@example.com ", "That is already your email address."),
        ("grace@example.com", "An account with this email already exists."),
        ("not an email", "Enter a valid email address."),
        ("", "Enter the new email address."),
    ],
)
def test_an_unusable_address_is_422(app, signed_in, user, mailbox, email, message):
    factories.make_user(app, email="grace@example.com")
    response = ask_for(signed_in, email)
    assert response.status_code == 422
    assert message in response.text
    assert mailbox.messages == []


def test_opening_the_link_changes_nothing(app, signed_in, user, mailbox):
    path = change_link(signed_in, mailbox)
    page = Browser(app).get(path)
    assert page.status_code == 200
    assert NEW in page.text and "Confirm new email" in page.text
    assert user_row(app, user.id).email == user.email


@pytest.mark.parametrize("htmx", [False, True])
def test_the_button_moves_the_account_to_the_new_verified_address(
    app, signed_in, user, mailbox, htmx
):
    path = change_link(signed_in, mailbox)
    response = signed_in.post(path, htmx=htmx)
    if htmx:
        assert response.headers["HX-Redirect"] == PAGE
    else:
        assert response.headers["Location"] == PAGE
    stored = user_row(app, user.id)
    assert stored.email == NEW
    assert stored.email_verified_at is not None
    page = signed_in.get(PAGE).text
    assert f"Your email address is now {NEW}." in page
    assert "Please verify" not in page
    assert event_kinds(app, user.id)[-2:] == ["email_change_requested", "email_changed"]
    assert Browser(app).sign_in(NEW).status_code == 303
    assert Browser(app).sign_in(user.email).status_code == 422


def test_the_security_page_shows_the_email_events(app, signed_in, mailbox):
    signed_in.post(change_link(signed_in, mailbox))
    activity = signed_in.get("/settings/security").text
    assert "Asked to change email address" in activity
    assert "Changed email address" in activity


def test_the_link_works_once(app, signed_in, user, mailbox):
    path = change_link(signed_in, mailbox)
    assert signed_in.post(path).status_code == 303
    again = signed_in.post(path)
    assert again.status_code == 404
    assert "This link cannot be used" in again.text


def test_an_expired_link_is_404_and_changes_nothing(app, signed_in, user, mailbox):
    path = change_link(signed_in, mailbox)
    expire_links(app, "change_email")
    assert signed_in.get(path).status_code == 404
    assert signed_in.post(path).status_code == 404
    assert user_row(app, user.id).email == user.email


def test_only_the_newest_link_works(app, signed_in, user, mailbox):
    first = change_link(signed_in, mailbox)
    ask_for(signed_in, "ada@third.example")
    assert signed_in.post(first).status_code == 404
    assert user_row(app, user.id).email == user.email


def test_an_address_taken_before_the_link_is_opened_is_409_and_changes_nothing(
    app, signed_in, user, mailbox
):
    path = change_link(signed_in, mailbox)
    factories.make_user(app, email=NEW)
    response = signed_in.post(path)
    assert response.status_code == 409
    assert "now belongs to another account" in response.text
    assert user_row(app, user.id).email == user.email


def test_links_sent_to_the_old_address_stop_working(app, signed_in, user, mailbox):
    signed_in.post("/verify-email/resend")
    verify = mailbox.only(to=user.email).link_path()
    Browser(app).post("/forgot-password", {"email": user.email})
    reset = mailbox.wait(2, to=user.email)[1].link_path()
    signed_in.post(change_link(signed_in, mailbox))
    assert Browser(app).get(verify).status_code == 404
    assert Browser(app).get(reset).status_code == 404


def test_a_verification_link_cannot_change_the_email(app, signed_in, user, mailbox):
    signed_in.post("/verify-email/resend")
    token = mailbox.only(to=user.email).link_path().rsplit("/", 1)[1]
    assert signed_in.post(f"/change-email/{token}").status_code == 404


def test_with_the_mail_server_down_nothing_changes_and_the_user_can_ask_again(
    app, signed_in, user, mailbox, smtp_down, caplog
):
    with caplog.at_level(logging.ERROR):
        response = ask_for(signed_in)
    assert response.status_code == 303
    assert "Could not send the 'change_email' email" in caplog.text
    assert "We could not send the email just now" in signed_in.get(PAGE).text
    smtp_down()
    assert signed_in.post(change_link(signed_in, mailbox)).status_code == 303
    with signed_in.app.app_context():
        assert db.session.get(User, user.id).email == NEW
