"""The password change form; the session buttons post ``EmptyForm`` from ``myapp.auth.forms``."""
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from myapp.auth.forms import PASSWORD_MAX_LENGTH, password_field
from myapp.forms import Form


class ChangePasswordForm(Form):
    # Only bounded, not held to the new-password rules: a password set before those rules
    # changed must still be accepted as the current one.
    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password."),
            Length(max=PASSWORD_MAX_LENGTH, message="Passwords are at most 256 characters."),
        ],
    )
    new_password = password_field("New password")
