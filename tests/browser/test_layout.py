"""The app shell on a phone and in dark mode: the pages with the widest content (tables of
sessions, contacts, members and invitations, with long addresses) fit a 390 px screen
without sideways scrolling, and the dark colour scheme changes the page.

The database does not change what a browser sees, so this runs once, on SQLite.
"""

import re

import pytest

from tests import factories, org_factories
from tests.browser.pages import ONCE_ON_SQLITE, sign_in
from tests.support import Browser

pytestmark = [
    pytest.mark.browser,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "bartholomew.featherstonehaugh-cholmondeley@extraordinarily-long-domain.example.com"


@pytest.fixture
def furnished(app):
    """An owner of an organization with a member, contacts, a pending invitation, and a
    second signed-in device; returns the owner."""
    owner = factories.make_user(app, name="Olive Owner", email="olive@example.com", verified=True)
    member = factories.make_user(app, name="Maximilian Membership-Holder", email=LONG_EMAIL)
    acme = org_factories.make_organization(app, owner, name="Acme Corporation", slug="acme")
    org_factories.add_member(app, acme, member)
    org_factories.make_contact(
        app, acme, name="Alan Turing", email=LONG_EMAIL, phone="+44 20 7946 0958"
    )
    org_factories.make_contact(app, acme, name="Grace Hopper", email="grace@example.com")
    org_factories.make_invitation(app, acme, owner, email=LONG_EMAIL.replace("bart", "nia"))
    Browser(app).sign_in_as(owner)
    return owner


PAGES = {
    "security": "/settings/security",
    "contacts": "/organizations/acme/contacts",
    "members": "/organizations/acme/members",
    "organization-home": "/organizations/acme/",
}


def test_pages_fit_a_phone_screen(browser, live_server, furnished, screenshots_dir):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server, furnished.email)
        for name, path in PAGES.items():
            page.goto(f"{live_server}{path}")
            expect(page.locator("main h1")).to_have_count(1)
            page.screenshot(path=screenshots_dir / f"layout-390-{name}.png", full_page=True)
            widths = page.evaluate(
                "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
            )
            assert widths["scroll"] <= widths["inner"], f"{path} scrolls sideways: {widths}"
    finally:
        context.close()


def test_the_dark_colour_scheme_changes_the_page(browser, live_server, furnished, screenshots_dir):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, live_server, furnished.email)
        page.goto(f"{live_server}{PAGES['contacts']}")
        background = "getComputedStyle(document.body).backgroundColor"

        page.emulate_media(color_scheme="light")
        light = page.evaluate(background)
        page.emulate_media(color_scheme="dark")
        dark = page.evaluate(background)

        assert light != dark
        page.screenshot(path=screenshots_dir / "layout-390-contacts-dark.png", full_page=True)
    finally:
        context.close()


def test_sign_up_shows_the_password_rule_and_a_show_password_toggle(browser, live_server):
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        page.goto(f"{live_server}/sign-up")
        password = page.get_by_label("Password", exact=True)
        toggle = page.get_by_role("button", name="Show password")

        expect(password).to_have_accessible_description("At least 8 characters.")
        expect(toggle).to_have_attribute("aria-pressed", "false")
        password.fill("correct horse battery")
        toggle.click()
        expect(password).to_have_attribute("type", "text")
        expect(toggle).to_have_attribute("aria-pressed", "true")
        toggle.click()
        expect(password).to_have_attribute("type", "password")
        expect(toggle).to_have_attribute("aria-pressed", "false")
    finally:
        context.close()


def test_the_toggle_stays_hidden_without_javascript(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/sign-in")
        expect(page.get_by_label("Password", exact=True)).to_have_attribute("type", "password")
        expect(page.locator("button[data-password-toggle]")).to_be_hidden()
    finally:
        context.close()


def test_security_page_times_are_in_the_viewers_time_zone(browser, live_server, furnished):
    context = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        sign_in(page, live_server, furnished.email)
        page.goto(f"{live_server}{PAGES['security']}")
        signed_in = page.locator("#sessions tr.current time[datetime]").first

        expect(page.locator("#sessions")).to_contain_text("your time zone (Asia/Tokyo)")
        expect(signed_in).not_to_contain_text("UTC")
        # The UTC time the server wrote stays on hover.
        expect(signed_in).to_have_attribute("title", re.compile(r" UTC$"))
        iso, text = signed_in.get_attribute("datetime"), signed_in.inner_text()
        expected = page.evaluate(
            """(iso) => new Intl.DateTimeFormat(undefined, {dateStyle: "medium", timeStyle: "short",
                timeZone: "Asia/Tokyo"}).format(new Date(iso.replace(/(\\.\\d{3})\\d+/, "$1")))""",
            iso,
        )
        assert text == expected

        # A list htmx swaps in is rewritten too.
        page.get_by_role("button", name="Log out all other devices").click()
        page.get_by_role("dialog").get_by_role("button", name="Log out other devices").click()
        expect(page.locator("#sessions .notice")).to_have_text("Signed out 1 other device.")
        expect(page.locator("#sessions tbody tr")).to_have_count(1)
        expect(signed_in).to_have_text(expected)
        expect(page.locator("#sessions")).to_contain_text("your time zone (Asia/Tokyo)")
        expect(page.get_by_role("button", name="Log out all other devices")).to_be_disabled()
    finally:
        context.close()
