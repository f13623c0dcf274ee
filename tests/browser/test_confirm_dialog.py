"""Deleting a contact asks first in real Chromium: a <dialog> with JavaScript (Escape cancels
and gives the focus back to the button), a confirmation page without it."""

import re

import pytest

from tests import factories, org_factories
from tests.browser.pages import ONCE_ON_SQLITE, sign_in
from tests.support import watch_console

pytestmark = [pytest.mark.browser, ONCE_ON_SQLITE]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

CONTACTS = "/organizations/acme/contacts"


@pytest.fixture
def acme(app):
    """Acme, owned by Ada, with one contact: Charles Babbage."""
    ada = factories.make_user(app, name="Ada Lovelace", email="ada@example.com")
    organization = org_factories.make_organization(app, ada, name="Acme", slug="acme")
    org_factories.make_contact(app, organization, name="Charles Babbage")
    return organization


def test_the_dialog_cancels_with_escape_and_confirms_with_its_danger_button(
    app, browser, live_server, acme, screenshots_dir
):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        console = watch_console(page)
        sign_in(page, live_server, "ada@example.com", next_path=CONTACTS)
        rows = page.locator("#contacts-list tbody tr")
        delete = rows.first.get_by_role("button", name="Delete")
        dialog = page.get_by_role("dialog")

        delete.click()
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Delete Charles Babbage?")
        expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
        page.screenshot(path=screenshots_dir / "confirm-dialog.png")

        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()
        expect(delete).to_be_focused()
        expect(rows).to_have_count(1)
        assert [c.name for c in org_factories.contacts_of(app, acme)] == ["Charles Babbage"]

        delete.click()
        dialog.get_by_role("button", name="Delete contact").click()
        expect(page.locator("#contacts-list")).to_contain_text("No contacts yet")
        expect(page).to_have_url(f"{live_server}{CONTACTS}")
        assert org_factories.contacts_of(app, acme) == []
        assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        context.close()


def test_without_javascript_the_button_opens_the_confirmation_page(
    app, browser, live_server, acme, screenshots_dir
):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, live_server, "ada@example.com", next_path=CONTACTS)

        page.locator("#contacts-list tbody tr").first.get_by_role("button", name="Delete").click()
        expect(page).to_have_url(re.compile(rf"{live_server}{CONTACTS}/\d+/delete\??$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Delete Charles Babbage?")
        expect(page.get_by_role("link", name="Cancel")).to_have_attribute("href", CONTACTS)
        page.screenshot(path=screenshots_dir / "confirm-page.png", full_page=True)
        assert len(org_factories.contacts_of(app, acme)) == 1

        page.get_by_role("button", name="Delete contact").click()
        expect(page).to_have_url(f"{live_server}{CONTACTS}")
        expect(page.locator(".flashes")).to_contain_text("Contact deleted.")
        assert org_factories.contacts_of(app, acme) == []
    finally:
        context.close()


def test_log_out_all_devices_and_deleting_an_organization_ask_in_the_dialog(
    app, browser, live_server, acme
):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        console = watch_console(page)
        sign_in(page, live_server, "ada@example.com", next_path=CONTACTS)
        dialog = page.get_by_role("dialog")

        # One click no longer signs every device out: the dialog asks, Cancel keeps them.
        page.goto(f"{live_server}/settings/security")
        log_out_all = page.get_by_role("button", name="Log out all devices")
        log_out_all.click()
        expect(dialog).to_contain_text("Log out all devices?")
        dialog.get_by_role("button", name="Cancel").click()
        expect(dialog).to_be_hidden()
        expect(log_out_all).to_be_focused()
        expect(page).to_have_url(f"{live_server}/settings/security")

        # The typed confirmation of a deletion is followed by the dialog too.
        page.goto(f"{live_server}/organizations/acme/")
        page.locator("#delete").get_by_role("textbox").fill("acme")
        page.get_by_role("button", name="Delete Acme").click()
        expect(dialog).to_contain_text("Delete Acme?")
        dialog.get_by_role("button", name="Delete organization").click()
        expect(page).to_have_url(f"{live_server}/organizations")
        expect(page.locator(".flashes")).to_contain_text("Acme was deleted.")
        assert org_factories.organization_count(app) == 0
        assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        context.close()
