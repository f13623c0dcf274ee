"""Forgot password in a real browser: ask for a link, read the mail, set a new password, sign in.

Runs once per CI run, on SQLite: the database does not change what the browser does, and the
flow's database behaviour is covered on both engines by tests/test_accounts_password_reset.py.
"""

import pytest

from tests import factories
from tests.browser.pages import ONCE_ON_SQLITE

pytestmark = [
    pytest.mark.browser,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

NEW_PASSWORD = "a brand new passphrase"


def test_forgot_password_mail_new_password_sign_in(
    app, browser, live_server, user, mailbox, screenshots_dir
):
    # Links in mail come from PUBLIC_URL: here, the live server.
    app.config["PUBLIC_URL"] = live_server
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        csp_violations = []
        page.on(
            "console",
            lambda m: (
                csp_violations.append(m.text) if "Content Security Policy" in m.text else None
            ),
        )
        page.goto(f"{live_server}/sign-in")
        page.get_by_role("link", name="Forgot your password?").click()
        expect(page).to_have_url(f"{live_server}/forgot-password")
        page.get_by_label("Email").fill(user.email)
        page.get_by_role("button", name="Send reset link").click()
        expect(page.locator(".flash")).to_contain_text("we have sent it a link")

        message = mailbox.only(to=user.email)
        assert message.subject == "Reset your password"
        assert message.link().startswith(f"{live_server}/reset-password/")
        page.goto(message.link())
        expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
        page.get_by_label("New password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set new password").click()
        expect(page).to_have_url(f"{live_server}/sign-in")
        expect(page.locator(".flash")).to_contain_text("Your password has been reset")
        page.screenshot(path=screenshots_dir / "password-reset-done.png", full_page=True)

        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.locator(".form-errors")).to_contain_text("Incorrect email or password.")
        page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(f"{live_server}/organizations")

        # The notice about the change arrived too, and the used link is dead.
        assert mailbox.wait(2, to=user.email)[1].subject == "Your password was changed"
        page.goto(message.link())
        expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
        assert csp_violations == []
    finally:
        context.close()
