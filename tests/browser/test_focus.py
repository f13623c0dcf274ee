"""Keyboard and screen-reader users after htmx swaps, in real Chromium.

After every swap focus lands somewhere that continues the task (the page's heading after a
boosted page change, the first invalid field, the added or edited row, the next row after a
delete), never on <body>; inline edit's Cancel and Escape return to the row's Edit link; and
the page's one live region (#announcer) says what a plain post would have flashed.
"""

import pytest

from myapp.htmx import FIX_ERRORS
from tests import org_factories
from tests.browser.pages import ONCE_ON_SQLITE, sign_in
from tests.support import watch_console

pytestmark = [pytest.mark.browser, ONCE_ON_SQLITE]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

CONTACTS = "/organizations/acme/contacts"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    console = watch_console(page)
    yield page
    context.close()
    assert [m for m in console if "CSP violation" in m or "page error" in m] == []


def focused_row_id(page) -> str | None:
    return page.evaluate("document.activeElement.closest('tr')?.id ?? null")


def test_a_boosted_page_change_focuses_the_heading_and_says_its_flash(page, live_server, cast):
    sign_in(page, live_server, cast.owner.email)
    expect(page.locator("#announcer")).to_be_empty()
    page.evaluate("window.samePage = true")

    page.get_by_role("link", name="Acme").first.click()

    expect(page).to_have_url(f"{live_server}/organizations/acme/")
    expect(page.locator("main h1")).to_be_focused()

    page.goto(f"{live_server}/organizations")
    page.evaluate("window.samePage = true")
    page.get_by_label("Name").fill("Initech")
    page.get_by_role("button", name="Create organization").click()

    expect(page).to_have_url(f"{live_server}/organizations/initech/")
    expect(page.locator("main h1")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Organization created.")
    assert page.evaluate("window.samePage") is True  # boosted: the page never reloaded


def test_sign_up_errors_focus_the_first_invalid_field(page, live_server):
    page.goto(f"{live_server}/sign-up")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Sign up").click()

    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(page.locator("#announcer")).to_have_text(FIX_ERRORS)
    expect(page.get_by_label("Email")).not_to_have_attribute("aria-invalid", "true")


def test_adding_a_contact_focuses_the_error_then_the_new_row(
    page, live_server, cast, screenshots_dir
):
    sign_in(page, live_server, cast.owner.email)
    page.goto(f"{live_server}{CONTACTS}")
    form = page.locator("form", has=page.get_by_role("button", name="Add contact"))
    announcer = page.locator("#announcer")

    form.get_by_label("Name").fill("Grace Hopper")
    form.get_by_label("Email").fill("not an email")
    form.get_by_role("button", name="Add contact").click()

    expect(page.locator("#new-email")).to_be_focused()
    expect(page.locator("#new-email")).to_have_attribute("aria-describedby", "new-email-errors")
    expect(announcer).to_have_text(FIX_ERRORS)

    page.locator("#new-email").fill("grace@example.com")
    page.keyboard.press("Enter")

    row = page.locator("#contacts-list tbody tr", has_text="Grace Hopper")
    expect(row.get_by_role("link", name="Grace Hopper", exact=True)).to_be_focused()
    expect(announcer).to_have_text("Contact added.")
    assert focused_row_id(page) == row.get_attribute("id")
    page.screenshot(path=screenshots_dir / "contacts-added-announced.png", full_page=True)


def test_inline_edit_returns_focus_to_the_edit_link(app, page, live_server, cast):
    alan = org_factories.make_contact(app, cast.acme, name="Alan Turing")
    sign_in(page, live_server, cast.owner.email)
    page.goto(f"{live_server}{CONTACTS}")
    row = page.locator(f"#contact-{alan.id}")
    edit = row.get_by_role("link", name="Edit")
    announcer = page.locator("#announcer")

    edit.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#edit-name")).to_be_focused()  # the editor opens on its first field

    row.get_by_role("link", name="Cancel").focus()
    page.keyboard.press("Enter")
    expect(row).not_to_have_class("editing")
    expect(edit).to_be_focused()

    page.keyboard.press("Enter")
    expect(page.locator("#edit-name")).to_be_focused()
    page.keyboard.press("Escape")
    expect(row).not_to_have_class("editing")
    expect(edit).to_be_focused()

    page.keyboard.press("Enter")
    # htmx binds a swapped-in form just before it focuses the [autofocus] field: a Save
    # pressed sooner is the plain form post, a full page load (saved, but focus on <body>).
    expect(page.locator("#edit-name")).to_be_focused()
    page.locator("#edit-name").fill("Alan M. Turing")
    page.keyboard.press("Enter")
    expect(row).to_contain_text("Alan M. Turing")
    expect(edit).to_be_focused()
    expect(announcer).to_have_text("Contact saved.")


def test_deleting_a_contact_focuses_the_next_row_then_the_heading(app, page, live_server, cast):
    ada = org_factories.make_contact(app, cast.acme, name="Ada Lovelace")
    alan = org_factories.make_contact(app, cast.acme, name="Alan Turing")
    sign_in(page, live_server, cast.owner.email)
    page.goto(f"{live_server}{CONTACTS}")
    announcer = page.locator("#announcer")
    dialog = page.get_by_role("dialog")

    page.locator(f"#contact-{ada.id}").get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete contact").click()

    expect(page.locator(f"#contact-{ada.id}")).to_have_count(0)
    expect(
        page.locator(f"#contact-{alan.id}").get_by_role("link", name="Alan Turing", exact=True)
    ).to_be_focused()
    expect(announcer).to_have_text("Contact deleted.")

    page.locator(f"#contact-{alan.id}").get_by_role("button", name="Delete").click()
    dialog.get_by_role("button", name="Delete contact").click()

    expect(page.locator("#contacts-list")).to_contain_text("No contacts yet")
    expect(page.get_by_role("heading", name="Contacts", level=1)).to_be_focused()


def test_changing_a_role_announces_it_and_keeps_focus_on_the_button(page, live_server, cast):
    sign_in(page, live_server, cast.owner.email)
    page.goto(f"{live_server}/organizations/acme/members")
    row = page.locator(f"#member-{cast.member_membership.id}")

    row.get_by_label(f"Role of {cast.member.name}").select_option("admin")
    row.get_by_role("button", name="Change role").click()

    expect(page.locator("#announcer")).to_have_text("Role changed.")
    expect(row.get_by_role("button", name="Change role")).to_be_focused()
    expect(row.get_by_label(f"Role of {cast.member.name}")).to_have_value("admin")


def test_a_sections_save_keeps_focus_and_is_said_once(page, live_server, cast):
    sign_in(page, live_server, cast.owner.email)
    page.goto(f"{live_server}/settings/security")
    section = page.locator("#sign-in-alerts")

    section.get_by_role("checkbox").check()
    section.get_by_role("button", name="Save").click()

    expect(section.locator(".notice")).to_have_text("Sign-in alerts are on.")
    expect(section.get_by_role("button", name="Save")).to_be_focused()
    # The section shows the message already: the live region says it without showing it twice.
    expect(page.locator("#announcer")).to_have_text("Sign-in alerts are on.")
    expect(page.locator("#announcer p")).to_have_class("visually-hidden")
