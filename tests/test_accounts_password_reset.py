"""Forgot password: a link by mail, no enumeration, one use, every session ended."""

import logging
import re
import threading
from functools import partial

import pytest
from sqlalchemy import event, func, select

from myapp.auth import throttle
from myapp.auth.passwords import check_password
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.accounts_support import event_kinds, expire_links, token_count, user_row
from tests.mail_support import join_background_work, wait_until
from tests.support import PUBLIC_URL, Browser, Rendezvous

NEW_PASSWORD = "a brand new passphrase"
CSRF_TOKEN = re.compile(r"[\w.-]{40,}")
SENT = "If an account uses that address, we have sent it a link"


def ask(client, email, **kwargs):
    return client.post("/forgot-password", {"email": email}, **kwargs)


def reset_link(client, mailbox, user) -> str:
    """Ask for a reset link for ``user`` and return its path."""
    assert ask(client, user.email).status_code == 303
    return mailbox.only(to=user.email).link_path()


def password_is(app, user, password) -> bool:
    return check_password(user_row(app, user.id).password_hash, password)


def session_count(app, user) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
        )


def test_sign_in_links_to_forgot_password(client):
    page = client.get("/sign-in").text
    assert 'href="/forgot-password"' in page and "Forgot your password?" in page
    form = client.get("/forgot-password")
    assert form.status_code == 200
    assert 'name="email"' in form.text


def test_an_existing_account_gets_a_link_on_public_url(app, client, mailbox, user):
    response = ask(client, "  ADA@example.com ")
    assert response.status_code == 303
    assert response.headers["Location"] == "/forgot-password"
    message = mailbox.only(to=user.email)
    assert message.subject == "Reset your password"
    assert message.link().startswith(f"{PUBLIC_URL}/reset-password/")
    assert "1 hour" in message.text
    assert SENT in client.get("/forgot-password").text


@pytest.mark.parametrize("htmx", [False, True])
def test_known_and_unknown_addresses_get_the_same_answer(app, mailbox, user, htmx):
    answers = []
    for email in (user.email, "nobody@example.com"):
        browser = Browser(app)
        response = ask(browser, email, htmx=htmx)
        follow = browser.get("/forgot-password")
        answers.append(
            (
                response.status_code,
                response.headers.get("Location"),
                response.headers.get("HX-Redirect"),
                response.data,
                # Each browser has its own CSRF token; everything else must match.
                CSRF_TOKEN.sub("", follow.text),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == (200 if htmx else 303)
    assert SENT in answers[0][4]
    # Only the real account got mail.
    assert [m.to for m in mailbox.wait(1)] == [(user.email,)]


def test_an_unknown_address_gets_no_mail_and_no_token(app, client, mailbox):
    assert ask(client, "nobody@example.com").status_code == 303
    join_background_work()
    assert mailbox.messages == []
    assert token_count(app) == 0


def request_statements(app, fn) -> list[str]:
    """Return the SQL that ``fn`` runs in this thread (the request), not in background threads."""
    statements = []
    this_thread = threading.current_thread()

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread() is this_thread:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def test_the_request_runs_the_same_statements_for_known_and_unknown_addresses(app, mailbox, user):
    """The lookup, the token and the mail come after the response, whatever the address."""
    runs = []
    for email in (user.email, "nobody@example.com"):
        browser = Browser(app)
        data = {"email": email, "csrf_token": browser.csrf_token()}
        runs.append(request_statements(app, partial(browser.post, "/forgot-password", data)))
        join_background_work()
    assert runs[0] == runs[1]
    assert any("auth_attempts" in statement for statement in runs[0])
    assert not any("FROM users" in statement for statement in runs[0])
    assert [m.to for m in mailbox.messages] == [(user.email,)]


def test_a_malformed_address_is_422(client, mailbox):
    response = ask(client, "not an email")
    assert response.status_code == 422
    assert "Enter a valid email address." in response.text


# The browser's cookies belong to localhost, so under another Host the CSRF cookie is not
# sent; the forged Host is what is tested here, not CSRF.
@pytest.mark.settings(WTF_CSRF_ENABLED=False)
def test_a_forged_host_header_never_reaches_the_link(app, client, mailbox, user):
    response = client.post(
        "/forgot-password",
        {"email": user.email},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 303
    message = mailbox.only()
    assert message.link().startswith(f"{PUBLIC_URL}/reset-password/")
    assert "evil.example" not in message.text + message.html


@pytest.mark.settings(PASSWORD_RESET_LIMIT_PER_EMAIL=2, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_requests_per_email_are_limited_whether_or_not_it_has_an_account(app, mailbox, user):
    for email in (user.email, "nobody@example.com"):
        assert ask(Browser(app), email).status_code == 303
        assert ask(Browser(app), email.upper()).status_code == 303
        refused = ask(Browser(app), email)
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
    assert len(mailbox.wait(2)) == 2


@pytest.mark.settings(PASSWORD_RESET_LIMIT_PER_EMAIL=100, PASSWORD_RESET_LIMIT_PER_IP=3)
def test_requests_per_ip_are_limited(app, client, user):
    for n in range(3):
        assert ask(client, f"n{n}@example.com").status_code == 303
    assert ask(client, user.email).status_code == 429
    elsewhere = Browser(app)
    elsewhere.client.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert ask(elsewhere, user.email).status_code == 303


@pytest.mark.settings(PASSWORD_RESET_LIMIT_PER_EMAIL=3, PASSWORD_RESET_LIMIT_PER_IP=100)
def test_parallel_requests_never_get_past_the_limit(app, mailbox, user, monkeypatch):
    """Requests sent at once are each counted before any reads the count: at most 3 pass.

    Every request is held after reading the count until all have read it (or been refused),
    which is how parallel requests slipped past a limit that was read before it was counted.
    """
    requests = Rendezvous(8)
    real_window_state = throttle._window_state

    def held_window_state(*args):
        state = real_window_state(*args)
        requests.hold()
        return state

    monkeypatch.setattr(throttle, "_window_state", held_window_state)

    statuses = requests.run(lambda: ask(Browser(app), user.email))

    assert len(statuses) == requests.count
    assert set(statuses) <= {303, 429}
    assert statuses.count(303) <= 3
    join_background_work()
    assert len(mailbox.messages) == statuses.count(303)


def test_opening_the_link_shows_the_form_and_changes_nothing(app, client, mailbox, user):
    path = reset_link(client, mailbox, user)
    for _ in range(2):
        page = Browser(app).get(path)
        assert page.status_code == 200
        assert 'name="new_password"' in page.text
    assert password_is(app, user, factories.DEFAULT_PASSWORD)


@pytest.mark.parametrize("htmx", [False, True])
def test_the_new_password_ends_every_session_and_verifies_the_email(
    app, client, mailbox, user, htmx
):
    laptop, phone = Browser(app), Browser(app)
    laptop.sign_in_as(user)
    phone.sign_in_as(user)
    path = reset_link(client, mailbox, user)

    response = client.post(path, {"new_password": NEW_PASSWORD}, htmx=htmx)
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == "/sign-in"
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == "/sign-in"
    assert "Your password has been reset" in client.get("/sign-in").text

    assert session_count(app, user) == 0
    for device in (laptop, phone):
        assert device.get("/api/auth/session").json is None
    stored = user_row(app, user.id)
    assert check_password(stored.password_hash, NEW_PASSWORD)
    assert stored.email_verified_at is not None
    assert event_kinds(app, user.id)[-1] == "password_reset"
    notice = mailbox.wait(2, to=user.email)[-1]
    assert notice.subject == "Your password was changed"
    assert notice.link() == f"{PUBLIC_URL}/forgot-password"
    assert client.sign_in(user.email, NEW_PASSWORD).status_code == 303


def test_resetting_from_a_signed_in_device_signs_it_out(app, signed_in, mailbox, user):
    path = reset_link(signed_in, mailbox, user)
    assert signed_in.post(path, {"new_password": NEW_PASSWORD}).status_code == 303
    assert signed_in.get("/api/auth/session").json is None


def test_the_link_works_once(app, client, mailbox, user):
    path = reset_link(client, mailbox, user)
    assert client.post(path, {"new_password": NEW_PASSWORD}).status_code == 303
    again = client.post(path, {"new_password": "yet another passphrase"})
    assert again.status_code == 404
    assert 'href="/forgot-password"' in again.text
    assert client.get(path).status_code == 404
    assert password_is(app, user, NEW_PASSWORD)


def test_an_expired_link_gets_404_offering_a_new_one_and_changes_nothing(
    app, client, mailbox, user
):
    path = reset_link(client, mailbox, user)
    expire_links(app, "reset_password")
    page = client.get(path)
    assert page.status_code == 404
    assert "Send me a new password reset link" in page.text
    assert client.post(path, {"new_password": NEW_PASSWORD}).status_code == 404
    assert password_is(app, user, factories.DEFAULT_PASSWORD)


@pytest.mark.parametrize("token", ["A" * 43, "short", "x" * 500])
def test_unknown_and_malformed_links_are_404(client, token):
    assert client.get(f"/reset-password/{token}").status_code == 404
    assert (
        client.post(f"/reset-password/{token}", {"new_password": NEW_PASSWORD}).status_code == 404
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_a_weak_new_password_is_422_and_the_link_still_works(app, client, mailbox, user, htmx):
    path = reset_link(client, mailbox, user)
    response = client.post(path, {"new_password": "short"}, htmx=htmx)
    assert response.status_code == 422
    assert "Use 8 to 256 characters." in response.text
    assert password_is(app, user, factories.DEFAULT_PASSWORD)
    assert client.post(path, {"new_password": NEW_PASSWORD}).status_code == 303


def test_a_changed_password_voids_an_outstanding_link(app, signed_in, mailbox, user):
    path = reset_link(Browser(app), mailbox, user)
    changed = signed_in.post(
        "/settings/security/password",
        {"current_password": factories.DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 303
    assert Browser(app).get(path).status_code == 404
    assert Browser(app).post(path, {"new_password": "attacker passphrase"}).status_code == 404
    assert password_is(app, user, NEW_PASSWORD)


def test_a_settings_password_change_sends_the_notice(app, signed_in, mailbox, user):
    signed_in.post(
        "/settings/security/password",
        {"current_password": factories.DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert mailbox.only(to=user.email).subject == "Your password was changed"


def test_a_reset_voids_the_other_reset_links(app, client, mailbox, user):
    first = reset_link(client, mailbox, user)
    ask(client, user.email)
    second = mailbox.wait(2, to=user.email)[1].link_path()
    assert client.post(second, {"new_password": NEW_PASSWORD}).status_code == 303
    assert client.get(first).status_code == 404


def test_a_verification_link_cannot_reset_a_password(app, client, mailbox):
    client.post(
        "/sign-up", {"name": "A", "email": "a@example.com", "password": factories.DEFAULT_PASSWORD}
    )
    token = mailbox.only().link_path().rsplit("/", 1)[1]
    other = Browser(app)
    assert other.get(f"/reset-password/{token}").status_code == 404
    assert other.post(f"/reset-password/{token}", {"new_password": NEW_PASSWORD}).status_code == 404


def test_with_the_mail_server_down_the_answer_is_the_same_and_logged(
    app, client, mailbox, user, smtp_down, caplog
):
    with caplog.at_level(logging.ERROR):
        response = ask(client, user.email)
        assert response.status_code == 303
        assert SENT in client.get("/forgot-password").text
        assert wait_until(lambda: "Could not send the 'reset_password' email" in caplog.text)
    # Nothing is lost: asking again once the server is back delivers a working link.
    smtp_down()
    path = reset_link(client, mailbox, user)
    assert client.post(path, {"new_password": NEW_PASSWORD}).status_code == 303


def test_a_reset_with_a_refusing_mail_server_still_resets(app, client, mailbox, user, caplog):
    path = reset_link(client, mailbox, user)
    mailbox.refuse = True
    with caplog.at_level(logging.ERROR):
        assert client.post(path, {"new_password": NEW_PASSWORD}).status_code == 303
    assert "Could not send the 'password_changed' email" in caplog.text
    assert password_is(app, user, NEW_PASSWORD)
