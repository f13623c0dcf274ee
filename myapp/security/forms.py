"""The password change form; the session buttons post ``EmptyForm`` from ``myapp.forms``."""

from myapp.auth.forms import current_password_field, password_field
from myapp.forms import Form


class ChangePasswordForm(Form):
    current_password = current_password_field(
        "Current password", required="Enter your current password."
    )
    new_password = password_field("New password")
