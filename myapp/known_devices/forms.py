"""The new sign-in alerts setting; the report button posts ``myapp.forms.EmptyForm``."""

from wtforms import BooleanField

from myapp.forms import Form


class SignInAlertsForm(Form):
    enabled = BooleanField("Email me when my account is signed in from a new device")
