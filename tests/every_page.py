"""Every page of the app, as the every-page browser scan visits it, and the routes it leaves out.

``PAGES`` names each page once per state worth seeing (signed out, as owner, admin or member,
with two-factor on, invited...) with the path to open, ``{placeholders}`` filled in from the
world ``tests/browser/test_every_page.py`` seeds. ``EXCLUDED`` says why a GET route is not a
page. ``tests/test_every_page_coverage.py`` fails when a GET route is in neither, so a new page
cannot dodge the scan.
"""

from dataclasses import dataclass

#: Who opens the page: the browser's cookies come from this person's sign-in (see the scan).
SIGNED_OUT = "signed out"
OWNER = "owner"  # owns Acme (contacts, a pending invitation), member of Globex
ADMIN = "admin"  # an admin of Acme
MEMBER = "member"  # a plain member of Acme, email not verified yet
TWO_FACTOR = "two-factor user"  # owns Globex; authenticator app and a passkey
INVITEE = "invitee"  # no organization yet, invited to Acme
PENDING_SECOND_FACTOR = "password step done"  # the two-factor user, between password and code
PROVIDER_ACCOUNT_EXISTS = "back from the provider"  # an OpenID sign-in whose email is taken


@dataclass(frozen=True)
class Page:
    """One page to scan: a file-name-safe ``name``, its endpoint, who opens it, and where."""

    name: str
    endpoint: str | None  # None: no GET route matches (the 404 and 405 pages)
    role: str
    path: str
    status: int = 200
    #: Where the browser ends up when the route redirects (the page actually scanned).
    lands_on: str | None = None
    #: A button to press with its form emptied: the page is scanned as the failed submit
    #: leaves it (field errors, ``aria-invalid``), after htmx has swapped the answer in.
    submit: str | None = None


PAGES = (
    # Signed out -------------------------------------------------------------------------
    Page("sign-in", "auth.sign_in", SIGNED_OUT, "/sign-in"),
    Page("sign-up", "auth.sign_up", SIGNED_OUT, "/sign-up"),
    Page(
        "session-ended",
        "auth.session_ended",
        SIGNED_OUT,
        "/session-ended?next=/settings/security",
        lands_on="/sign-in",  # with its flash message
    ),
    Page("forgot-password", "accounts.forgot_password", SIGNED_OUT, "/forgot-password"),
    Page("sign-in-failed", "auth.sign_in", SIGNED_OUT, "/sign-in", submit="Sign in"),
    Page("sign-up-failed", "auth.sign_up", SIGNED_OUT, "/sign-up", submit="Sign up"),
    Page(
        "forgot-password-failed",
        "accounts.forgot_password",
        SIGNED_OUT,
        "/forgot-password",
        submit="Send reset link",
    ),
    Page("reset-password", "accounts.reset_password", SIGNED_OUT, "/reset-password/{reset}"),
    Page(
        "reset-password-link-invalid",
        "accounts.reset_password",
        SIGNED_OUT,
        "/reset-password/no-such-link",
        status=404,
    ),
    Page("verify-email", "accounts.verify_email", SIGNED_OUT, "/verify-email/{verify}"),
    Page("invitation-signed-out", "invitations.show", SIGNED_OUT, "/invitations/{invitation}"),
    Page(
        "invitation-link-invalid",
        "invitations.show",
        SIGNED_OUT,
        "/invitations/no-such-invitation",
        status=404,
    ),
    Page("sign-in-report", "known_devices.report", SIGNED_OUT, "/sessions/report/{report}"),
    Page(
        "sign-in-report-link-invalid",
        "known_devices.report",
        SIGNED_OUT,
        "/sessions/report/no-such-report",
        status=404,
    ),
    Page("sign-in-reported", "known_devices.reported", SIGNED_OUT, "/sessions/reported"),
    Page("two-factor-sign-in", "two_factor.sign_in", PENDING_SECOND_FACTOR, "/sign-in/two-factor"),
    Page(
        "provider-callback-invalid",
        "oidc.callback",
        SIGNED_OUT,
        "/sign-in/test/callback",
        status=400,
    ),
    Page(
        "provider-account-exists",
        "oidc.callback",
        PROVIDER_ACCOUNT_EXISTS,
        "/sign-in/test/callback?{provider_answer}",
        status=409,
    ),
    Page("not-found", None, SIGNED_OUT, "/no-such-page", status=404),
    # No GET answers 405 any more (a POST-only URL sends a GET to its form's page): the 405
    # page is what a PUT gets, which a browser cannot navigate to.
    # The owner ---------------------------------------------------------------------------
    Page("organizations", "organizations.index", OWNER, "/organizations"),
    Page("organization-home", "organizations.home", OWNER, "/organizations/acme/"),
    Page("contacts", "contacts.index", OWNER, "/organizations/acme/contacts"),
    Page("contact", "contacts.show", OWNER, "/organizations/acme/contacts/{contact}"),
    Page(
        "contacts-add-failed",
        "contacts.index",
        OWNER,
        "/organizations/acme/contacts",
        submit="Add contact",
    ),
    Page("members-as-owner", "organizations.members", OWNER, "/organizations/acme/members"),
    Page(
        "members-invite-failed",
        "organizations.members",
        OWNER,
        "/organizations/acme/members",
        submit="Send invitation",
    ),
    Page(
        "organization-settings",
        "two_factor.organization_settings",
        OWNER,
        "/organizations/acme/settings",
    ),
    Page("account", "accounts.account", OWNER, "/settings/account"),
    Page("account-name-failed", "accounts.account", OWNER, "/settings/account", submit="Save name"),
    Page("change-email", "accounts.change_email", OWNER, "/change-email/{change_email}"),
    Page("security", "security.index", OWNER, "/settings/security"),
    Page("two-factor-setup", "two_factor.settings", OWNER, "/settings/security/two-factor"),
    Page("passkeys-none", "passkeys.index", OWNER, "/settings/security/passkeys"),
    Page("sudo", "auth.sudo", OWNER, "/sudo?next=/settings/security"),
    Page("sudo-failed", "auth.sudo", OWNER, "/sudo?next=/settings/security", submit="Confirm"),
    Page(
        "organization-not-found",
        "organizations.home",
        OWNER,
        "/organizations/no-such-organization/",
        status=404,
    ),
    # An admin and a member of Acme -------------------------------------------------------
    # Destructive actions ask first: without JavaScript, on these pages (myapp/confirm.py).
    Page(
        "confirm-delete-contact",
        "contacts.confirm_delete",
        OWNER,
        "/organizations/acme/contacts/{contact}/delete",
    ),
    Page(
        "confirm-revoke-invitation",
        "invitations.confirm_revoke",
        OWNER,
        "/organizations/acme/invitations/{invitation_id}/revoke",
    ),
    Page(
        "invite-form-reloaded",
        "invitations.invitations_page",
        OWNER,
        "/organizations/acme/invitations",
        lands_on="/organizations/acme/members",
    ),
    Page(
        "confirm-unlink-provider",
        "oidc.confirm_unlink",
        OWNER,
        "/settings/security/connections/test/unlink",
    ),
    Page(
        "confirm-remove-member",
        "organizations.confirm_remove_member",
        OWNER,
        "/organizations/acme/members/{membership}/remove",
    ),
    Page(
        "confirm-make-owner",
        "organizations.confirm_transfer_ownership",
        OWNER,
        "/organizations/acme/members/{membership}/transfer",
    ),
    Page(
        "confirm-log-out-device",
        "security.confirm_revoke",
        OWNER,
        "/settings/security/sessions/{other_session}/revoke",
    ),
    Page(
        "confirm-log-out-others",
        "security.confirm_revoke_others",
        OWNER,
        "/settings/security/sessions/revoke-others",
    ),
    Page(
        "confirm-log-out-all",
        "security.confirm_revoke_all",
        OWNER,
        "/settings/security/sessions/revoke-all",
    ),
    Page("members-as-admin", "organizations.members", ADMIN, "/organizations/acme/members"),
    Page("invitation-for-someone-else", "invitations.show", ADMIN, "/invitations/{invitation}"),
    Page("organization-home-as-member", "organizations.home", MEMBER, "/organizations/acme/"),
    Page("contacts-as-member", "contacts.index", MEMBER, "/organizations/acme/contacts"),
    Page("confirm-leave", "organizations.confirm_leave", MEMBER, "/organizations/acme/leave"),
    Page("organizations-as-member", "organizations.index", MEMBER, "/organizations"),
    Page("account-unverified", "accounts.account", MEMBER, "/settings/account"),
    Page(
        "resend-verification-reloaded",
        "accounts.resend_verification_page",
        MEMBER,
        "/verify-email/resend",
        lands_on="/settings/account",
    ),
    Page("two-factor-off", "two_factor.settings", MEMBER, "/settings/security/two-factor"),
    Page(
        "organization-settings-forbidden",
        "two_factor.organization_settings",
        MEMBER,
        "/organizations/acme/settings",
        status=403,
    ),
    # Two-factor on, and an invitee -------------------------------------------------------
    Page("two-factor-on", "two_factor.settings", TWO_FACTOR, "/settings/security/two-factor"),
    Page("passkeys", "passkeys.index", TWO_FACTOR, "/settings/security/passkeys"),
    Page("security-two-factor-on", "security.index", TWO_FACTOR, "/settings/security"),
    Page("sudo-second-factors", "auth.sudo", TWO_FACTOR, "/sudo?next=/settings/security"),
    Page(
        "confirm-delete-passkey",
        "passkeys.confirm_delete",
        TWO_FACTOR,
        "/settings/security/passkeys/{passkey}/delete",
    ),
    Page(
        "confirm-two-factor-off",
        "two_factor.confirm_disable",
        TWO_FACTOR,
        "/settings/security/two-factor/disable",
    ),
    Page(
        "confirm-new-recovery-codes",
        "two_factor.confirm_regenerate_recovery_codes",
        TWO_FACTOR,
        "/settings/security/two-factor/recovery-codes",
    ),
    Page("organizations-none", "organizations.index", INVITEE, "/organizations"),
    Page("invitation-for-you", "invitations.show", INVITEE, "/invitations/{invitation}"),
)

#: GET routes that are not pages to scan, and why.
EXCLUDED = {
    "static": "files (CSS, JavaScript, images), not pages",
    "health.healthz": "plain-text liveness probe for the load balancer",
    "health.readyz": "plain-text readiness probe for the load balancer",
    "sessions_api.session_json": "JSON API",
    "sessions_api.alive": "JSON API polled by static/js/session-check.js",
    "auth.home": "only redirects to /organizations (scanned) or /sign-in (scanned)",
}
