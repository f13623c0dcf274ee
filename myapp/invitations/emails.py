"""The message an invitation sends: the mailed link built from ``PUBLIC_URL``."""

from flask import current_app

from myapp.mail import public_url, send_email


def send_invitation(
    email: str, raw_token: str, *, organization: str, inviter: str, role: str
) -> bool:
    """Mail the invitation link to ``email``; return whether the server took it."""
    days = max(1, round(current_app.config["INVITATION_MAX_AGE"] / 86400))
    return send_email(
        email,
        f"{inviter} invited you to {organization}",
        "invitation",
        email=email,
        organization=organization,
        inviter=inviter,
        role=role,
        link=public_url("invitations.show", token=raw_token),
        valid_for=f"{days} day{'s' if days != 1 else ''}",
    )
