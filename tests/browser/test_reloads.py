"""Reloading after a failed form in real Chromium shows the form again, never a 405 page,
and the confirm-password page remembers where to go back; with and without JavaScript."""

import pytest

from tests import factories
from tests.browser.pages import ONCE_ON_SQLITE, sign_in

pytestmark = [pytest.mark.browser, ONCE_ON_SQLITE]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

SECURITY = "/settings/security"


def reload(page, javascript: bool):
    """Load the address bar's URL again: what htmx pushed, or where the plain form posted.

    Without JavaScript a reload would post the form again (after the browser asks); going to
    the address, as Enter in the address bar does, is what GETs it.
    """
    return page.reload() if javascript else page.goto(page.url)


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_reloading_after_failed_forms(browser, live_server, user, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        sign_in(page, live_server, user.email, next_path=SECURITY)

        form = page.locator("form.password-form")
        form.get_by_label("Current password").fill("not my password")
        form.get_by_label("New password").fill("a brand new passphrase")
        form.get_by_role("button", name="Change password").click()
        expect(page.locator(".password-form .errors")).to_be_visible()
        expect(page).to_have_url(f"{live_server}{SECURITY}/password")  # a POST-only URL

        response = reload(page, javascript)
        assert response.status != 405
        expect(page).to_have_url(f"{live_server}{SECURITY}")
        expect(page.get_by_role("button", name="Change password")).to_be_visible()

        page.goto(f"{live_server}/sudo?next=/settings/account")
        page.get_by_label("Password", exact=True).fill("not my password")
        page.get_by_role("button", name="Confirm", exact=True).click()
        expect(page.locator(".errors")).to_contain_text("That password is not correct.")
        expect(page).to_have_url(f"{live_server}/sudo?next=/settings/account")
        reload(page, javascript)
        page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
        page.get_by_role("button", name="Confirm", exact=True).click()
        expect(page).to_have_url(f"{live_server}/settings/account")
    finally:
        context.close()
