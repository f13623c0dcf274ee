"""The code fields of two-factor setup, sign-in and sudo; passkey names."""

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from myapp.forms import Form, strip

#: Long enough for a recovery code with its dashes and some spaces; no longer.
CODE_MAX_LENGTH = 40


def code_field(label: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[
            DataRequired("Enter a code."),
            Length(max=CODE_MAX_LENGTH, message="That is not a valid code."),
        ],
    )


class TotpCodeForm(Form):
    """A six-digit code from the authenticator app."""

    code = code_field("Code from your authenticator app")


class SecondFactorForm(Form):
    """The second sign-in step: a code from the app, or a recovery code."""

    code = code_field("Authentication code or recovery code")


class OrganizationPolicyForm(Form):
    """The organization's two-factor policy: one checkbox."""

    require_two_factor = BooleanField("Require two-factor authentication")
