"""The mail known devices send: "New sign-in to your account", with its report link."""

from datetime import datetime

from myapp.mail import public_url, send_email
from myapp.security.filters import utc_time

NEW_SIGN_IN_SUBJECT = "New sign-in to your account"


def send_new_sign_in(
    email: str, name: str, *, device: str, ip: str | None, signed_in_at: datetime, raw_token: str
) -> bool:
    """Tell the user of a sign-in from a new browser, with the link that ends that session.

    Sent from a thread: a slow or unreachable mail server must not slow the sign-in.
    """
    return send_email(
        email,
        NEW_SIGN_IN_SUBJECT,
        "new_sign_in",
        background=True,
        name=name,
        device=device,
        ip=ip,
        signed_in_at=utc_time(signed_in_at),
        report_link=public_url("known_devices.report", token=raw_token),
        security_link=public_url("security.index"),
    )
