"""The base form every feature's forms extend.

Forms check shape only (required, length, format); actions check truth (uniqueness,
ownership, credentials). CSRF is checked once per request by ``CSRFProtect`` before any view
runs, so forms do not check it again: that lets an action validate a plain mapping too.
Templates add the token with the ``csrf_field()`` macro.
"""

import unicodedata

from flask_wtf import FlaskForm
from wtforms.validators import ValidationError


def strip(value):
    """Trim surrounding white space from a submitted string."""
    return value.strip() if isinstance(value, str) else value


#: What werkzeug puts where the submitted bytes were not valid UTF-8.
REPLACEMENT_CHARACTER = "\ufffd"


def no_control_characters(form, field) -> None:
    """Reject control characters (null bytes included) and bytes that were not UTF-8.

    Tabs and newlines are allowed in text areas only.
    """
    value = field.data
    if not isinstance(value, str):
        return
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError("This field contains characters that could not be read.")
    allowed = "\t\r\n" if field.type == "TextAreaField" else ""
    for ch in value:
        if ch not in allowed and unicodedata.category(ch) in ("Cc", "Cs"):
            raise ValidationError("Remove the control characters from this field.")


#: Characters that reorder the text around them (Unicode's bidi embeddings, overrides,
#: isolates and marks). In a name they can make "Ada" display as someone else's.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def no_bidi_controls(form, field) -> None:
    """Reject bidi control characters: for names, which others read to tell people apart."""
    if isinstance(field.data, str) and not BIDI_CONTROLS.isdisjoint(field.data):
        raise ValidationError("Remove the text-direction characters from this field.")


class Form(FlaskForm):
    """A form whose CSRF check is left to CSRFProtect, with control characters refused."""

    class Meta:
        csrf = False

    def validate(self, extra_validators=None) -> bool:
        """Validate, refusing control characters in every string field first."""
        extra = dict(extra_validators or {})
        for name in self._fields:
            extra.setdefault(name, [])
            extra[name] = [no_control_characters, *extra[name]]
        return super().validate(extra_validators=extra)


class EmptyForm(Form):
    """A form with no fields: gives POST-only buttons (sign out, revoke) a form to validate."""
