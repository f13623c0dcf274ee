"""Create, transfer and delete an organization, change a role: the shape of each submission."""

from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from myapp.forms import Form, no_bidi_controls, strip
from myapp.organizations.context import SLUG_PATTERN
from myapp.organizations.models import (
    ORGANIZATION_NAME_MAX_LENGTH,
    ROLE_ADMIN,
    ROLE_MEMBER,
    SLUG_MAX_LENGTH,
)

ROLE_CHOICES = [SelectChoice(ROLE_MEMBER, "Member"), SelectChoice(ROLE_ADMIN, "Admin")]


def role_field() -> SelectField:
    """Return a select of the known roles.

    It has no default on purpose: a post that leaves ``role`` out is refused, never read as
    "member", which would quietly demote an admin.
    """
    return SelectField(
        "Role", choices=ROLE_CHOICES, invalid_choice_message="Choose member or admin."
    )


class OrganizationForm(Form):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter a name."),
            Length(max=ORGANIZATION_NAME_MAX_LENGTH, message="Names are at most 100 characters."),
            no_bidi_controls,
        ],
    )
    slug = StringField(
        "Slug (optional)",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=SLUG_MAX_LENGTH, message="Slugs are at most 50 characters."),
            Regexp(
                f"^{SLUG_PATTERN.pattern}$",
                message="Use lowercase letters, digits and single hyphens between them.",
            ),
        ],
    )


class RoleForm(Form):
    role = role_field()


class TransferForm(Form):
    """Make a member an owner; unticked, the caller stops being one (a hand-over)."""

    stay_owner = BooleanField("I stay an owner too")


class DeleteOrganizationForm(Form):
    """Typing the slug is the confirmation; the action compares it with the organization's."""

    confirm = StringField(
        "Type the organization's slug to confirm",
        filters=[strip],
        validators=[
            DataRequired("Type the organization's slug to confirm."),
            Length(max=SLUG_MAX_LENGTH, message="Slugs are at most 50 characters."),
        ],
    )
