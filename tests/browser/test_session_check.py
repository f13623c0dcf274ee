"""Open tabs learn that their session has ended without a click, in real Chromium.

A device whose session is ended from another device leaves its open page for sign-in within
the check interval; signing out in one tab moves the browser's other tabs at once; a hidden
tab asks nothing until it is shown again.

The database does not change what the browser does, and these tests wait on real timers, so
they run once, on SQLite (CI runs the suite on both).
"""

import pytest

from myapp.auth.views import SESSION_ENDED
from myapp.extensions import db
from myapp.sessions.models import UserSession
from tests import factories
from tests.browser.pages import ONCE_ON_SQLITE, sign_in
from tests.support import sign_out_from_the_user_menu

pytestmark = [
    pytest.mark.browser,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

SECURITY = "/settings/security"
SIGN_IN_FROM_SECURITY = "/sign-in?next=%2Fsettings%2Fsecurity"
#: Long enough that only the behaviour under test (not a stray timer) can move a page.
QUIET_SECONDS = 2.5

#: Lets a test hide and show the page: headless pages are always "visible" otherwise.
CONTROLLABLE_VISIBILITY = """
Object.defineProperty(document, "visibilityState", {
  configurable: true,
  get: () => (window.testHidden ? "hidden" : "visible"),
});
window.setTestHidden = (hidden) => {
  window.testHidden = hidden;
  document.dispatchEvent(new Event("visibilitychange"));
};
"""


def watch_csp(page) -> list[str]:
    """Return a list that fills with the Content-Security-Policy refusals ``page`` logs."""
    refusals: list[str] = []
    page.on(
        "console",
        lambda m: refusals.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return refusals


def watch_checks(page) -> list[str]:
    """Return a list that fills with the session checks ``page`` makes."""
    checks: list[str] = []
    page.on("request", lambda r: checks.append(r.url) if "/session/alive" in r.url else None)
    return checks


def expect_moved_to_sign_in(page, base: str, timeout: float) -> None:
    expect(page).to_have_url(f"{base}{SIGN_IN_FROM_SECURITY}", timeout=timeout * 1000)
    expect(page.locator(".flashes")).to_contain_text(SESSION_ENDED)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator("#sessions")).to_have_count(0)


@pytest.mark.settings(SESSION_CHECK_INTERVAL=1)
def test_a_device_logged_out_elsewhere_leaves_its_open_page(browser, live_server, user):
    device_a = browser.new_context()
    device_b = browser.new_context()
    try:
        a, b = device_a.new_page(), device_b.new_page()
        csp_refusals = watch_csp(b)
        sign_in(a, live_server, user.email)
        sign_in(b, live_server, user.email)
        b.goto(f"{live_server}{SECURITY}")
        expect(b.locator("#sessions tbody tr")).to_have_count(2)
        checks = watch_checks(b)

        a.goto(f"{live_server}{SECURITY}")
        a.get_by_role("button", name="Log out all other devices").click()
        a.get_by_role("dialog").get_by_role("button", name="Log out other devices").click()
        expect(a.locator("#sessions .notice")).to_have_text("Signed out 1 other device.")

        # Nothing is done on B: its own check finds the session gone, within the interval.
        expect_moved_to_sign_in(b, live_server, timeout=4)
        assert checks, "B never asked whether its session lives"
        assert csp_refusals == []

        # Signing in again brings B back to the page it was on.
        b.get_by_label("Email").fill(user.email)
        b.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
        b.get_by_role("button", name="Sign in", exact=True).click()
        expect(b).to_have_url(f"{live_server}{SECURITY}")
        expect(a).to_have_url(f"{live_server}{SECURITY}")  # A stayed where it was
    finally:
        device_a.close()
        device_b.close()


@pytest.mark.settings(SESSION_CHECK_INTERVAL=600)
def test_signing_out_in_one_tab_moves_the_others_at_once(browser, live_server, user):
    context = browser.new_context()
    try:
        first, second = context.new_page(), context.new_page()
        sign_in(first, live_server, user.email)
        second.goto(f"{live_server}{SECURITY}")
        expect(second.locator("#sessions tbody tr")).to_have_count(1)

        sign_out_from_the_user_menu(first)
        expect(first).to_have_url(f"{live_server}/sign-in")

        # The interval is ten minutes: only the signed-out tab's message can move this one.
        expect_moved_to_sign_in(second, live_server, timeout=QUIET_SECONDS)
    finally:
        context.close()


@pytest.mark.settings(SESSION_CHECK_INTERVAL=1)
def test_a_hidden_tab_asks_nothing_and_checks_when_shown(app, browser, live_server, user):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(CONTROLLABLE_VISIBILITY)
        sign_in(page, live_server, user.email)
        page.goto(f"{live_server}{SECURITY}")
        checks = watch_checks(page)

        page.evaluate("window.setTestHidden(true)")
        checks.clear()
        with app.app_context():
            db.session.query(UserSession).delete()
            db.session.commit()
        page.wait_for_timeout(QUIET_SECONDS * 1000)
        # Hidden: no request at all, so it has not noticed that its session is gone.
        assert checks == []
        expect(page).to_have_url(f"{live_server}{SECURITY}")

        page.evaluate("window.setTestHidden(false)")
        expect_moved_to_sign_in(page, live_server, timeout=QUIET_SECONDS)
        assert len(checks) == 1
    finally:
        context.close()
