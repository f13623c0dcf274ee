"""The invitation form: an address and the role it is offered."""

from myapp.auth.forms import email_field
from myapp.forms import Form
from myapp.organizations.forms import role_field


class InvitationForm(Form):
    email = email_field("Enter the email address to invite.")
    role = role_field()
