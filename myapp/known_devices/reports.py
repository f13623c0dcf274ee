"""The "this wasn't me" link of a new sign-in alert: a token bound to one sign-in session.

The link's token is a ``myapp.tokens`` token of purpose ``sign_in_report``: random, stored
only as a hash, valid 7 days, deleted when used. Its data names the session to end and the
known device to forget, and keeps the device label, IP and time the report page shows, so
the page needs nothing else about the account.
"""

from datetime import datetime

from myapp.known_devices.models import KnownDevice
from myapp.sessions.lifecycle import client_ip
from myapp.sessions.lookup import AuthSession
from myapp.tokens import issue_token

#: The token purpose of report links: no other link's token is accepted as one.
SIGN_IN_REPORT = "sign_in_report"
#: How long a report link works.
REPORT_MAX_AGE = 7 * 24 * 3600


def issue_report(auth_session: AuthSession, device: KnownDevice) -> str:
    """Stage the token of a report link for the sign-in ``auth_session``; return it raw.

    ``device`` must be flushed (it needs its id). The caller commits before mailing the link.
    """
    return issue_token(
        SIGN_IN_REPORT,
        user_id=auth_session.user.id,
        max_age=REPORT_MAX_AGE,
        data={
            "session": auth_session.public_id,
            "device_id": device.id,
            "device": device.label,
            "ip": client_ip(),
            "signed_in_at": auth_session.created_at.isoformat(),
        },
    )


def signed_in_at(data: dict) -> datetime:
    """Return the time of the reported sign-in, from a report token's data."""
    return datetime.fromisoformat(data["signed_in_at"])
