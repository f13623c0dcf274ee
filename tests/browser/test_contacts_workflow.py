"""A person's first session in a real browser: sign up, create an organization, and add,
edit and delete contacts; with htmx the list changes in place, without JavaScript every form
still works, and the strict Content-Security-Policy is never violated."""

import pytest

from tests.support import sign_out_from_the_user_menu, watch_console

pytestmark = pytest.mark.browser

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect


def sign_up(page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-up")
    page.get_by_label("Name").fill("Ada Lovelace")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(f"{base}/organizations")


def create_organization(page, base: str, name: str, slug: str) -> None:
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create organization").click()
    expect(page).to_have_url(f"{base}/organizations/{slug}/")


def add_contact(page, name: str, email: str) -> None:
    form = page.locator("form", has=page.get_by_role("button", name="Add contact"))
    form.get_by_label("Name").fill(name)
    form.get_by_label("Email").fill(email)
    form.get_by_role("button", name="Add contact").click()


def test_contacts_with_htmx(browser, live_server, screenshots_dir):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        page = context.new_page()
        console = watch_console(page)
        sign_up(page, live_server, "ada@example.com")
        create_organization(page, live_server, "Analytical Engines", "analytical-engines")
        page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
        expect(page).to_have_url(f"{live_server}/organizations/analytical-engines/contacts")

        page.evaluate("window.samePage = true")
        rows = page.locator("#contacts-list tbody tr")

        add_contact(page, "Charles Babbage", "not an email")
        expect(page.locator("#contacts-list .errors")).to_contain_text("valid email")
        expect(rows).to_have_count(0)

        add_contact(page, "Charles Babbage", "charles@example.com")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text("charles@example.com")

        rows.first.get_by_role("link", name="Edit").click()
        edit = page.locator("tr.editing form")
        edit.get_by_label("Name").fill("Charles Babbage FRS")
        edit.get_by_role("button", name="Save").click()
        expect(rows.first).to_contain_text("Charles Babbage FRS")
        page.screenshot(path=screenshots_dir / "contacts-htmx.png", full_page=True)

        rows.first.get_by_role("button", name="Delete").click()
        page.get_by_role("dialog").get_by_role("button", name="Delete contact").click()
        expect(rows).to_have_count(0)
        expect(page.locator("#contacts-list")).to_contain_text("No contacts yet")

        assert page.evaluate("window.samePage") is True  # every change swapped in place
        assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        context.close()


def test_contacts_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_up(page, live_server, "grace@example.com")
        create_organization(page, live_server, "Compilers", "compilers")
        page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
        rows = page.locator("#contacts-list tbody tr")

        add_contact(page, "Charles Babbage", "not an email")
        expect(page.locator("#contacts-list .errors")).to_contain_text("valid email")

        add_contact(page, "Charles Babbage", "charles@example.com")
        expect(page.locator(".flashes")).to_be_visible()
        expect(rows).to_have_count(1)

        rows.first.get_by_role("button", name="Delete").click()  # a confirmation page
        page.get_by_role("button", name="Delete contact").click()
        expect(rows).to_have_count(0)

        sign_out_from_the_user_menu(page)
        expect(page).to_have_url(f"{live_server}/sign-in")
    finally:
        context.close()
