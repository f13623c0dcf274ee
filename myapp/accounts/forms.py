"""Forgot password, reset password, and the account settings forms (name, email)."""

from myapp.auth.forms import email_field, name_field, password_field
from myapp.forms import Form


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    """A new password, held to the same rules as sign-up."""

    new_password = password_field("New password")


class NameForm(Form):
    name = name_field()


class ChangeEmailForm(Form):
    email = email_field("Enter the new email address.")
