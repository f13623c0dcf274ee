"""The contact form: the shape of a contact, shared by create and update."""

from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from myapp.auth.models import EMAIL_MAX_LENGTH
from myapp.contacts.models import (
    CONTACT_NAME_MAX_LENGTH,
    CONTACT_NOTES_MAX_LENGTH,
    CONTACT_PHONE_MAX_LENGTH,
)
from myapp.forms import Form, strip


def none_if_empty(value):
    """Store an empty optional field as NULL, not as an empty string."""
    return value or None


class ContactForm(Form):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[
            DataRequired("Enter a name."),
            Length(max=CONTACT_NAME_MAX_LENGTH, message="Names are at most 100 characters."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX_LENGTH, message="Email addresses are at most 254 characters."),
            Email("Enter a valid email address, or leave it empty."),
        ],
    )
    phone = StringField(
        "Phone",
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(
                max=CONTACT_PHONE_MAX_LENGTH, message="Phone numbers are at most 40 characters."
            ),
        ],
    )
    notes = TextAreaField(
        "Notes",
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(max=CONTACT_NOTES_MAX_LENGTH, message="Notes are at most 2000 characters."),
        ],
    )
