"""Forgot password, reset password, and the account settings forms (name, email, deletion)."""

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from myapp.auth.forms import email_field, name_field, password_field
from myapp.auth.models import EMAIL_MAX_LENGTH
from myapp.forms import Form, strip


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    """A new password, held to the same rules as sign-up."""

    new_password = password_field("New password")


class NameForm(Form):
    name = name_field()


class ChangeEmailForm(Form):
    email = email_field("Enter the new email address.")


class DeleteAccountForm(Form):
    """Typing the account's email is the confirmation; the action compares it."""

    confirm = StringField(
        "Type your email address to confirm",
        filters=[strip],
        validators=[
            DataRequired("Type your email address to confirm."),
            Length(max=EMAIL_MAX_LENGTH, message="Email addresses are at most 254 characters."),
        ],
    )
