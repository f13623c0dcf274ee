"""Organizations that require two-factor: refuse their members who have no second factor.

``get_auth_organization_context()`` reads the policy and the member's factors in the query it
already makes, and calls ``refuse_without_second_factor`` when they do not match, so every
page and action of that organization is refused and no other organization is affected.
"""

from flask import abort, url_for

from myapp.errors import render_error

SECOND_FACTOR_REQUIRED = (
    "{name} requires two-factor authentication. Set up an authenticator app or a passkey "
    "to continue."
)


def refuse_without_second_factor(organization) -> None:
    """Abort with a 403 page (or the htmx error partial) that links to the two-factor setup,
    and offers to leave the organization instead."""
    abort(
        render_error(
            403,
            SECOND_FACTOR_REQUIRED.format(name=organization.name),
            link=(url_for("two_factor.settings"), "Set up two-factor authentication"),
            # The confirmation page of leaving, which this rule lets through.
            other_link=(
                url_for("organizations.confirm_leave", slug=organization.slug),
                f"Leave {organization.name}",
            ),
        )
    )
