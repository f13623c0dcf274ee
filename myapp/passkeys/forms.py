"""Passkey forms: a name, and the credential JSON the passkey module fills in."""

from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from myapp.forms import Form, strip
from myapp.passkeys.ceremony import CREDENTIAL_MAX_LENGTH
from myapp.passkeys.models import PASSKEY_NAME_MAX_LENGTH

#: Shown when the credential field is empty: the browser has no passkey support or no script.
NO_CREDENTIAL = "Your browser did not send a passkey. Try again, or use another way to sign in."


def name_field() -> StringField:
    return StringField(
        "Passkey name",
        filters=[strip],
        validators=[
            DataRequired("Give the passkey a name."),
            Length(max=PASSKEY_NAME_MAX_LENGTH, message="Names are at most 60 characters."),
        ],
    )


def credential_field() -> HiddenField:
    return HiddenField(
        validators=[
            DataRequired(NO_CREDENTIAL),
            Length(max=CREDENTIAL_MAX_LENGTH, message=NO_CREDENTIAL),
        ]
    )


class PasskeyNameForm(Form):
    name = name_field()


class AddPasskeyForm(Form):
    name = name_field()
    credential = credential_field()


class UsePasskeyForm(Form):
    """The signed answer of a passkey (sign-in, second factor, sudo)."""

    credential = credential_field()
