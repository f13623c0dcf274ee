"""Sign-up, sign-in and the POST-only sign-out button."""
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from myapp.auth.models import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from myapp.forms import Form, strip

#: Bounds on passwords: long enough to matter, short enough that hashing cannot be abused.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 256


def password_field(label: str) -> PasswordField:
    """Return a password field bounded to 8..256 characters."""
    return PasswordField(
        label,
        validators=[
            DataRequired("Enter a password."),
            Length(
                PASSWORD_MIN_LENGTH,
                PASSWORD_MAX_LENGTH,
                f"Use {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters.",
            ),
        ],
    )


def email_field() -> EmailField:
    """Return an email field that trims, requires and checks the address's format."""
    return EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=EMAIL_MAX_LENGTH, message="Email addresses are at most 254 characters."),
            Email("Enter a valid email address."),
        ],
    )


class SignUpForm(Form):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_MAX_LENGTH, message="Names are at most 100 characters."),
        ],
    )
    email = email_field()
    password = password_field("Password")


class SignInForm(Form):
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            DataRequired("Enter your email address."),
            Length(max=EMAIL_MAX_LENGTH, message="Email addresses are at most 254 characters."),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=PASSWORD_MAX_LENGTH, message="Passwords are at most 256 characters."),
        ],
    )


class EmptyForm(Form):
    """A form with no fields: gives POST-only buttons (sign out, revoke) a form to validate."""


class SudoForm(Form):
    """Confirm the password before a sensitive action."""

    password = PasswordField(
        "Password",
        validators=[
            DataRequired("Enter your password."),
            Length(max=PASSWORD_MAX_LENGTH, message="Passwords are at most 256 characters."),
        ],
    )
