"""Passkeys in real Chromium, with a WebAuthn virtual authenticator driven through the DevTools
protocol: register one, sign in with it without a password, use it as a second factor, and
fail cleanly when the authenticator cannot verify the user.

WebAuthn refuses IP-address origins, so the app is served on ``localhost`` here, with
``PUBLIC_URL`` (and so the relying-party id and expected origin) to match.
"""

import threading

import pytest
from werkzeug.serving import make_server

from tests import factories
from tests.browser.pages import ONCE_ON_SQLITE
from tests.support import sign_out_from_the_user_menu, watch_console

pytestmark = [
    pytest.mark.browser,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

#: A platform authenticator with a user-verification method (like a phone's screen lock) that
#: stores discoverable credentials and answers without a person touching it.
AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


@pytest.fixture
def localhost_server(app):
    """Serve ``app`` on http://localhost:<free port>, with PUBLIC_URL set to that origin."""
    app.config["COOKIE_SECURE"] = False
    app.config["SERVER_NAME"] = None
    server = make_server("localhost", 0, app, threaded=True)
    base = f"http://localhost:{server.server_port}"
    app.config["PUBLIC_URL"] = base
    thread = threading.Thread(target=server.serve_forever, name="localhost-server", daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join()
    server.server_close()


def add_authenticator(context, page):
    """Attach a virtual authenticator to ``page``; return the CDP session and its id."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator_id = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
        "authenticatorId"
    ]
    return cdp, authenticator_id


def sign_in_with_password(page, base, email, lands_on="/organizations"):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}{lands_on}")


def sign_out(page, base):
    sign_out_from_the_user_menu(page)
    expect(page).to_have_url(f"{base}/sign-in")


def test_register_sign_in_passwordless_and_as_a_second_factor(
    browser, localhost_server, user, screenshots_dir
):
    base = localhost_server
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        console = watch_console(page)
        cdp, authenticator_id = add_authenticator(context, page)

        # Register: signing in counts as sudo mode, so the form is there at once.
        sign_in_with_password(page, base, user.email)
        page.goto(f"{base}/settings/security/passkeys")
        page.get_by_label("Passkey name").fill("Work laptop")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.locator(".flash")).to_have_text("Passkey “Work laptop” added.")
        expect(page.locator(".passkey-row")).to_have_count(1)
        expect(page.locator(".passkey-row .last-used")).to_have_text("Never")
        credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
        assert [c["isResidentCredential"] for c in credentials["credentials"]] == [True]
        page.screenshot(path=screenshots_dir / "passkeys-added.png", full_page=True)

        # Passwordless: no email, no password.
        sign_out(page, base)
        page.get_by_role("button", name="Sign in with a passkey").click()
        expect(page).to_have_url(f"{base}/organizations")
        page.goto(f"{base}/settings/security")
        expect(page.locator("tr.current .auth-method")).to_have_text("Passkey")
        page.goto(f"{base}/settings/security/passkeys")
        expect(page.locator(".passkey-row .last-used")).not_to_have_text("Never")

        # As a second factor: the password alone now leads to the second step.
        sign_out(page, base)
        sign_in_with_password(page, base, user.email, lands_on="/sign-in/two-factor")
        page.screenshot(path=screenshots_dir / "passkeys-second-factor.png", full_page=True)
        page.get_by_role("button", name="Use a passkey").click()
        expect(page).to_have_url(f"{base}/organizations")
        assert (
            page.evaluate("fetch('/api/auth/session').then(r => r.json())")["user"]["email"]
            == user.email
        )

        assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        context.close()


def test_a_passkey_that_cannot_verify_the_user_fails_cleanly(
    browser, localhost_server, user, screenshots_dir
):
    base = localhost_server
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        console = watch_console(page)
        cdp, authenticator_id = add_authenticator(context, page)
        sign_in_with_password(page, base, user.email)
        page.goto(f"{base}/settings/security/passkeys")
        page.get_by_label("Passkey name").fill("Phone")
        page.get_by_role("button", name="Add a passkey").click()
        expect(page.locator(".passkey-row")).to_have_count(1)
        sign_out(page, base)

        # The person fails the screen lock: the authenticator cannot verify them.
        cdp.send(
            "WebAuthn.setUserVerified",
            {"authenticatorId": authenticator_id, "isUserVerified": False},
        )
        page.get_by_role("button", name="Sign in with a passkey").click()
        alert = page.locator(".passkey-form [role=alert]:visible")
        expect(alert.first).to_contain_text("could not be")
        expect(page).to_have_url(f"{base}/sign-in")
        page.screenshot(path=screenshots_dir / "passkeys-not-verified.png", full_page=True)
        assert page.evaluate("fetch('/api/auth/session').then(r => r.json())") is None
        # The password still works, and the button can be tried again.
        expect(page.get_by_role("button", name="Sign in with a passkey")).to_be_enabled()
        assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        context.close()
