"""The provider's answer at the callback: its shape only; ``flow.complete`` checks its truth."""

from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from myapp.forms import Form, strip


class CallbackForm(Form):
    """The callback's query string (RFC 6749 4.1.2, RFC 9207): state, then a code or an error."""

    state = StringField(validators=[DataRequired(), Length(max=512)])
    code = StringField(filters=[strip], validators=[Optional(), Length(max=4096)])
    error = StringField(validators=[Optional(), Length(max=256)])
    iss = StringField(validators=[Optional(), Length(max=1024)])
