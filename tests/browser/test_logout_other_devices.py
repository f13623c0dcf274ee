"""Log out all other devices in a real browser: the list shrinks in place, the other device
is sent to sign in on its next click, and comes back to where it was."""

import time

import pytest

from tests import factories

pytestmark = pytest.mark.browser

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

PAGE = "/settings/security"


def sign_in_through_the_form(page, email: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_log_out_other_devices(browser, live_server, user, screenshots_dir):
    started = time.monotonic()
    device_a = browser.new_context(viewport={"width": 1100, "height": 800})
    device_b = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        a, b = device_a.new_page(), device_b.new_page()
        for page in (a, b):
            page.goto(f"{live_server}/sign-in")
            sign_in_through_the_form(page, user.email)
            expect(page).to_have_url(f"{live_server}/organizations")

        # B leaves the security page open, with its htmx buttons.
        b.goto(f"{live_server}{PAGE}")
        expect(b.locator("#sessions tbody tr")).to_have_count(2)

        a.goto(f"{live_server}{PAGE}")
        rows = a.locator("#sessions tbody tr")
        expect(rows).to_have_count(2)
        expect(a.locator("#sessions tbody tr.current .badge")).to_have_text("This device")
        a.screenshot(path=screenshots_dir / "security-before.png", full_page=True)

        # A marker on window and a count of page loads prove the list changes in place.
        a.evaluate("window.samePage = true")
        loads = []
        a.on("load", lambda page: loads.append(page.url))
        a.get_by_role("button", name="Log out all other devices").click()
        a.get_by_role("dialog").get_by_role("button", name="Log out other devices").click()
        expect(a.locator("#sessions .notice")).to_have_text("Signed out 1 other device.")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("This device")
        latest_activity = a.locator("#activity tbody tr").first
        expect(latest_activity).to_contain_text("Logged out all other devices")
        assert a.evaluate("window.samePage") is True
        assert loads == []
        a.screenshot(path=screenshots_dir / "security-after.png", full_page=True)

        # B's next click is refused: a full sign-in page, which then brings it back.
        b.get_by_role("button", name="Log out all other devices").click()
        b.get_by_role("dialog").get_by_role("button", name="Log out other devices").click()
        expect(b).to_have_url(f"{live_server}/sign-in?next=%2Fsettings%2Fsecurity")
        expect(b).to_have_title("Sign in · myapp")
        expect(b.locator("header.topbar")).to_have_count(1)
        expect(b.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(b.locator("#sessions")).to_have_count(0)
        sign_in_through_the_form(b, user.email)
        expect(b).to_have_url(f"{live_server}{PAGE}")
        expect(b.locator("#sessions tbody tr")).to_have_count(2)

        # B's refused click never ran: A is still signed in.
        a.reload()
        expect(rows).to_have_count(2)
    finally:
        device_a.close()
        device_b.close()
    print(f"browser scenario took {time.monotonic() - started:.1f}s")
