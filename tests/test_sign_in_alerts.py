"""The "New sign-in to your account" mail: sent for a browser new to the account, and only then.

Mail goes over real SMTP to the in-process server (``mailbox``); links come from PUBLIC_URL.
"""

from urllib.parse import urlsplit

import pytest

from myapp.known_devices.emails import NEW_SIGN_IN_SUBJECT
from tests import factories
from tests.mail_support import join_background_work
from tests.support import CHROME_MACOS, PUBLIC_URL, Browser, live_public_ids
from tests.two_factor_factories import code, enable_totp


def sign_in(browser, user, ip="198.51.100.23", **headers):
    browser.client.environ_base["REMOTE_ADDR"] = ip
    response = browser.post(
        "/sign-in",
        {"email": user.email, "password": factories.DEFAULT_PASSWORD},
        headers={"User-Agent": CHROME_MACOS, **headers},
    )
    assert response.status_code == 303
    return response


def alerts_sent(mailbox, email):
    """Return the alerts ``email`` got, once the request's background mail has gone."""
    join_background_work()
    return [m for m in mailbox.to(email) if m.subject == NEW_SIGN_IN_SUBJECT]


def test_a_new_browser_gets_the_alert_with_device_ip_time_and_report_link(
    app, client, user, mailbox
):
    sign_in(client, user)

    message = mailbox.only(to=user.email)
    assert message.subject == NEW_SIGN_IN_SUBJECT
    assert "Chrome 131 on macOS" in message.text
    assert "198.51.100.23" in message.text
    assert " UTC" in message.text
    link = message.link()
    assert link.startswith(f"{PUBLIC_URL}/sessions/report/")
    assert message.html and link in message.html
    assert client.session_token() not in message.text


def test_signing_in_again_from_a_known_browser_sends_nothing(app, client, user, mailbox):
    sign_in(client, user)
    mailbox.only(to=user.email)
    client.post("/sign-out")
    mailbox.clear()

    sign_in(client, user)

    assert alerts_sent(mailbox, user.email) == []


def test_signing_up_sends_no_alert(app, client, mailbox):
    response = client.post(
        "/sign-up",
        {"name": "Ada", "email": "ada@example.com", "password": factories.DEFAULT_PASSWORD},
    )
    assert response.status_code == 303
    assert alerts_sent(mailbox, "ada@example.com") == []


def test_with_alerts_off_a_new_browser_sends_nothing(app, client, other_client, user, mailbox):
    other_client.sign_in_as(user)
    other_client.post("/settings/security/sign-in-alerts", {})
    sign_in(client, user)
    assert alerts_sent(mailbox, user.email) == []


# Under another Host the browser's CSRF cookie (for localhost) is not sent; the forged Host is
# what is tested here, not CSRF.
@pytest.mark.settings(WTF_CSRF_ENABLED=False)
def test_the_link_comes_from_public_url_whatever_the_host_header(app, client, user, mailbox):
    sign_in(client, user, Host="evil.example", **{"X-Forwarded-Host": "evil.example"})
    message = mailbox.only(to=user.email)
    assert urlsplit(message.link()).netloc == urlsplit(PUBLIC_URL).netloc
    assert "evil.example" not in message.text + message.html


def test_the_mailed_link_ends_exactly_that_session_once(app, client, user, mailbox):
    mine = Browser(app)
    my_session = mine.sign_in_as(user)
    sign_in(client, user)  # the intruder's browser
    path = mailbox.only(to=user.email).link_path()
    reporter = Browser(app)  # signed out, e.g. a phone's mail app

    assert reporter.get(path).status_code == 200
    assert reporter.post(path).status_code == 303

    assert live_public_ids(app) == {my_session.public_id}
    assert client.get("/api/auth/session").json is None
    assert reporter.post(path).status_code == 404


def test_after_a_report_that_browser_alerts_again(app, client, user, mailbox):
    sign_in(client, user)
    path = mailbox.only(to=user.email).link_path()
    Browser(app).post(path)
    mailbox.clear()

    sign_in(client, user)

    assert mailbox.only(to=user.email).subject == NEW_SIGN_IN_SUBJECT


@pytest.mark.usefixtures("smtp_down")
def test_a_mail_server_that_is_down_does_not_stop_the_sign_in(app, client, user):
    sign_in(client, user)
    assert client.get("/api/auth/session").json["user"]["email"] == user.email


def test_a_new_browser_finishing_the_second_step_gets_the_alert_once_signed_in(
    app, client, user, mailbox
):
    secret, _ = enable_totp(app, user)

    sign_in(client, user)
    assert alerts_sent(mailbox, user.email) == []  # the password alone signs no one in
    response = client.post("/sign-in/two-factor", {"code": code(secret)})

    assert response.status_code == 303
    [alert] = alerts_sent(mailbox, user.email)
    assert alert.link().startswith(f"{PUBLIC_URL}/sessions/report/")
