"""The notice members get when an organization is deleted."""

from myapp.mail import public_url, send_email


def send_organization_deleted(
    recipients: list[tuple[str, str]], organization: str, deleted_by: str
) -> int:
    """Tell each ``(email, name)`` that ``organization`` was deleted; return how many went out."""
    sent = 0
    for email, name in recipients:
        sent += send_email(
            email,
            f"{organization} was deleted",
            "organization_deleted",
            name=name,
            organization=organization,
            deleted_by=deleted_by,
            organizations_link=public_url("organizations.index"),
        )
    return sent
