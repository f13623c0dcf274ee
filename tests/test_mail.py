"""The mail path: Flask-Mailman over real SMTP, links from PUBLIC_URL, failures never a 500."""

import logging
import os

import pytest

from myapp import create_app
from myapp.mail import public_url, send_email
from tests.mail_support import wait_until
from tests.support import PUBLIC_URL, base_settings


def send_notice(app, to="ada@example.com") -> bool:
    with app.test_request_context():
        return send_email(
            to, "Your password was changed", "password_changed", name="Ada", reset_link="x"
        )


def test_a_message_goes_over_smtp_with_a_text_and_an_html_part(app, mailbox):
    assert send_notice(app) is True
    message = mailbox.only(to="ada@example.com")
    assert message.subject == "Your password was changed"
    assert message.sender == "no-reply@localhost"
    assert message.text.startswith("Hello Ada,")
    assert "<p>Hello Ada,</p>" in message.html


def test_names_are_escaped_in_the_html_part_only(app, mailbox):
    with app.test_request_context():
        send_email("ada@example.com", "Hi", "password_changed", name="<b>Ada</b>", reset_link="x")
    message = mailbox.only()
    assert "Hello <b>Ada</b>," in message.text
    assert "&lt;b&gt;Ada&lt;/b&gt;" in message.html


def test_links_are_built_from_public_url_never_the_host_header(app):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        link = public_url("accounts.forgot_password")
    assert link == f"{PUBLIC_URL}/forgot-password"


def test_links_need_no_request(app):
    with app.app_context():
        link = public_url("accounts.reset_password", token="abc")
    assert link == f"{PUBLIC_URL}/reset-password/abc"


def test_a_server_that_is_down_is_logged_not_raised(app, mailbox, smtp_down, caplog):
    with caplog.at_level(logging.ERROR):
        assert send_notice(app) is False
    assert "Could not send the 'password_changed' email" in caplog.text
    # The address is personal data: it stays out of the log.
    assert "ada@example.com" not in caplog.text
    assert mailbox.messages == []


def test_a_server_that_refuses_the_message_is_logged_not_raised(app, mailbox, caplog):
    mailbox.refuse = True
    with caplog.at_level(logging.ERROR):
        assert send_notice(app) is False
    assert "Could not send the 'password_changed' email" in caplog.text


def test_a_background_send_arrives_and_its_failure_is_logged(app, mailbox, caplog):
    with app.test_request_context():
        send_email("ada@example.com", "Hi", "password_changed", background=True, name="A")
    assert mailbox.only().subject == "Hi"
    mailbox.refuse = True
    with caplog.at_level(logging.ERROR):
        with app.test_request_context():
            send_email("bob@example.com", "Hi", "password_changed", background=True, name="B")
        assert wait_until(lambda: "Could not send the 'password_changed' email" in caplog.text)


def test_without_public_url_outside_debug_the_app_refuses_to_start(database_url):
    settings = {**base_settings(database_url), "TESTING": False, "PUBLIC_URL": None}
    with pytest.raises(RuntimeError, match="PUBLIC_URL is not set"):
        create_app(settings)


@pytest.mark.parametrize(
    "value", ["app.example.com", "ftp://app.example.com", "https://app.example.com/app"]
)
def test_a_public_url_that_is_not_an_origin_is_refused(database_url, value):
    with pytest.raises(RuntimeError, match="PUBLIC_URL must be an origin"):
        create_app({**base_settings(database_url), "PUBLIC_URL": value})


def test_a_trailing_slash_on_public_url_is_dropped(database_url):
    app = create_app({**base_settings(database_url), "PUBLIC_URL": "https://a.example/"})
    assert app.config["PUBLIC_URL"] == "https://a.example"


def test_debug_mode_writes_mail_to_files_in_the_instance_folder(database_url, tmp_path):
    settings = {**base_settings(database_url), "TESTING": False, "DEBUG": True}
    settings.pop("PUBLIC_URL")
    app = create_app(settings)
    assert app.config["MAIL_BACKEND"] == "file"
    assert app.config["MAIL_FILE_PATH"] == os.path.join(app.instance_path, "mail")
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"

    app.config["MAIL_FILE_PATH"] = app.extensions["mailman"].file_path = str(tmp_path)
    assert send_notice(app) is True
    (written,) = tmp_path.iterdir()
    content = written.read_text()
    assert "Subject: Your password was changed" in content
    assert "To: ada@example.com" in content


def test_production_defaults_to_smtp(database_url):
    settings = {**base_settings(database_url), "TESTING": False}
    settings.pop("MAIL_BACKEND", None)
    assert create_app(settings).config["MAIL_BACKEND"] == "smtp"
