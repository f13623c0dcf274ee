"""The notices a change of connected accounts sends: linking and unlinking are security events.

Each goes to the account's address after the change is committed, and says how to get back in
if it was not the owner. See ``myapp.mail.send_email``.
"""

from myapp.mail import public_url, send_email


def send_provider_linked(email: str, name: str, label: str) -> bool:
    """Tell the user that ``label`` can now sign in to their account."""
    return send_email(
        email,
        f"{label} was linked to your account",
        "provider_linked",
        name=name,
        label=label,
        security_link=public_url("security.index"),
        reset_link=public_url("accounts.forgot_password"),
    )


def send_provider_unlinked(email: str, name: str, label: str) -> bool:
    """Tell the user that ``label`` no longer signs in to their account."""
    return send_email(
        email,
        f"{label} was unlinked from your account",
        "provider_unlinked",
        name=name,
        label=label,
        security_link=public_url("security.index"),
        reset_link=public_url("accounts.forgot_password"),
    )
