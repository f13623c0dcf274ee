"""Sign-up, sign-in, sudo, and the fields they share."""

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from myapp.auth.models import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, normalize_email
from myapp.forms import Form, no_bidi_controls, strip

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


def current_password_field(
    label: str = "Password", required: str = "Enter your password."
) -> PasswordField:
    """Return a field for a password that already exists: required and bounded, no more.

    It is not held to the rules for new passwords: one set before those rules changed must
    still be accepted. The bound keeps a huge value from reaching the hash.
    """
    return PasswordField(
        label,
        validators=[
            DataRequired(required),
            Length(max=PASSWORD_MAX_LENGTH, message="Passwords are at most 256 characters."),
        ],
    )


def email_field(
    required: str = "Enter your email address.", *, check_format: bool = True
) -> EmailField:
    """Return an email field that normalises, requires and bounds the address (and checks its
    format).

    The field holds the address in its stored form (``normalize_email``), so the length is
    checked on what would be stored and compared: normalising can lengthen an address past
    254 characters (``"ß" * 200`` folds to 400). Sign-in skips the format check: an address
    that could never be valid simply fails to sign in.
    """
    validators = [
        DataRequired(required),
        Length(max=EMAIL_MAX_LENGTH, message="Email addresses are at most 254 characters."),
    ]
    if check_format:
        validators.append(Email("Enter a valid email address."))
    return EmailField("Email", filters=[normalized_email], validators=validators)


def normalized_email(value):
    """Filter: the submitted address in the form it is stored and compared in."""
    return normalize_email(value) if isinstance(value, str) else value


def name_field() -> StringField:
    """Return a trimmed, required name field bounded to the column's length."""
    return StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_MAX_LENGTH, message="Names are at most 100 characters."),
            no_bidi_controls,
        ],
    )


class SignUpForm(Form):
    name = name_field()
    email = email_field()
    password = password_field("Password")


class SignInForm(Form):
    email = email_field(check_format=False)
    password = current_password_field()


class SudoForm(Form):
    """Confirm the password before a sensitive action."""

    password = current_password_field()
