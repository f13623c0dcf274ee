"""An invitation end to end in real Chromium: an admin invites by email, the invitee opens the
mailed link (read from the in-process SMTP server), signs up from it with the address filled
in, verifies the address from the second mail, accepts, and appears on the members page. No
page breaks the Content-Security-Policy.

The database does not change what a browser sees, so this runs once, on SQLite.
"""

import pytest

from tests import factories, org_factories
from tests.browser.pages import ONCE_ON_SQLITE
from tests.support import watch_console

pytestmark = [
    pytest.mark.browser,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect


def test_invite_sign_up_from_the_mail_accept_and_appear_on_the_members_page(
    app, browser, live_server, mailbox, screenshots_dir
):
    # Links in mail come from PUBLIC_URL: here, the live server.
    app.config["PUBLIC_URL"] = live_server
    owner = factories.make_user(app, name="Olive Owner", email="olive@example.com", verified=True)
    org_factories.make_organization(app, owner, name="Acme", slug="acme")
    admin_context = browser.new_context(viewport={"width": 1100, "height": 800})
    invitee_context = browser.new_context(viewport={"width": 1100, "height": 800})
    try:
        admin = admin_context.new_page()
        admin_console = watch_console(admin)
        admin.goto(f"{live_server}/sign-in")
        admin.get_by_label("Email").fill(owner.email)
        admin.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
        admin.get_by_role("button", name="Sign in", exact=True).click()
        expect(admin).to_have_url(f"{live_server}/organizations")
        admin.goto(f"{live_server}/organizations/acme/members")

        invite = admin.locator("form", has=admin.get_by_role("button", name="Send invitation"))
        invite.get_by_label("Email").fill("nia@example.com")
        invite.get_by_label("Role").select_option("member")
        invite.get_by_role("button", name="Send invitation").click()
        expect(admin.locator("table.invitations")).to_contain_text("nia@example.com")

        invitation = mailbox.only(to="nia@example.com")
        assert invitation.subject == "Olive Owner invited you to Acme"
        assert invitation.link().startswith(f"{live_server}/invitations/")

        nia = invitee_context.new_page()
        nia_console = watch_console(nia)
        nia.goto(invitation.link())
        expect(nia.locator("#invitation")).to_contain_text("Olive Owner invited nia@example.com")
        nia.get_by_role("link", name="Create an account").click()
        expect(nia.get_by_label("Email")).to_have_value("nia@example.com")
        nia.get_by_label("Name").fill("Nia Newcomer")
        nia.get_by_label("Password").fill("correct horse battery")
        nia.get_by_role("button", name="Sign up").click()

        # Back on the invitation, which asks to verify the address first.
        expect(nia).to_have_url(invitation.link())
        expect(nia.locator("#invitation")).to_contain_text("Verify your email address")
        verification = mailbox.wait(2, to="nia@example.com")[-1]
        nia.goto(verification.link())
        nia.get_by_role("button", name="Confirm email").click()
        expect(nia.locator(".flash")).to_contain_text("nia@example.com is verified")

        nia.goto(invitation.link())
        nia.get_by_role("button", name="Accept and join").click()
        expect(nia).to_have_url(f"{live_server}/organizations/acme/")
        expect(nia.locator(".org-nav")).to_contain_text("Acme")
        nia.screenshot(path=screenshots_dir / "invitation-accepted.png", full_page=True)

        admin.reload()
        expect(admin.locator("table.members")).to_contain_text("Nia Newcomer")
        expect(admin.locator("#members")).to_contain_text("No pending invitations.")
        admin.screenshot(path=screenshots_dir / "invitation-members.png", full_page=True)

        for console in (admin_console, nia_console):
            assert [m for m in console if "CSP violation" in m or "page error" in m] == []
    finally:
        admin_context.close()
        invitee_context.close()
