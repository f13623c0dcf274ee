"""The messages accounts send, and the token purposes behind their links.

Each function sends one message (see ``myapp.mail.send_email``) and returns whether the server
took it. Tokens are issued by the calling action and committed before the message goes out.
"""

from flask import current_app

from myapp.mail import public_url, send_email

#: Token purposes (``myapp.tokens``): a token of one is never accepted as another.
VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
CHANGE_EMAIL = "change_email"


def _hours(seconds: int) -> str:
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


def send_verification(email: str, name: str, raw_token: str) -> bool:
    """Send the link that verifies ``email``."""
    return send_email(
        email,
        "Verify your email address",
        "verify_email",
        name=name,
        link=public_url("accounts.verify_email", token=raw_token),
        valid_for=_hours(current_app.config["EMAIL_VERIFICATION_MAX_AGE"]),
    )


def send_password_reset(email: str, name: str, raw_token: str) -> bool:
    """Send the password reset link."""
    return send_email(
        email,
        "Reset your password",
        "reset_password",
        name=name,
        link=public_url("accounts.reset_password", token=raw_token),
        valid_for=_hours(current_app.config["PASSWORD_RESET_MAX_AGE"]),
    )


def send_password_changed(email: str, name: str) -> bool:
    """Tell the user their password changed, with a way back in if it was not them."""
    return send_email(
        email,
        "Your password was changed",
        "password_changed",
        name=name,
        reset_link=public_url("accounts.forgot_password"),
    )


def send_email_change_link(new_email: str, name: str, raw_token: str) -> bool:
    """Send the link that moves the account to ``new_email``, to that new address."""
    return send_email(
        new_email,
        "Confirm your new email address",
        "change_email",
        name=name,
        link=public_url("accounts.change_email", token=raw_token),
        valid_for=_hours(current_app.config["EMAIL_VERIFICATION_MAX_AGE"]),
    )


def send_email_change_notice(old_email: str, name: str, new_email: str) -> bool:
    """Tell the old address that a change to (masked) ``new_email`` was asked for."""
    return send_email(
        old_email,
        "Your email address is being changed",
        "email_change_notice",
        name=name,
        masked_email=mask_email(new_email),
        security_link=public_url("security.index"),
    )


def mask_email(address: str) -> str:
    """Return ``address`` partly hidden: ``grace@example.com`` becomes ``g***@e***.com``."""
    local, _, domain = address.rpartition("@")
    host, dot, tld = domain.rpartition(".")
    if not host:
        host, dot, tld = domain, "", ""
    return f"{local[:1]}***@{host[:1]}***{dot}{tld}"


def send_account_deleted(email: str, name: str, deleted_organizations: list[str]) -> bool:
    """Confirm to the (former) address that the account and its sessions are gone."""
    return send_email(
        email,
        "Your account was deleted",
        "account_deleted",
        email=email,
        name=name,
        deleted_organizations=deleted_organizations,
        sign_up_link=public_url("auth.sign_up"),
    )
