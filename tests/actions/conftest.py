"""A bare Flask app for the action library's tests, independent of ``myapp.create_app``.

The library imports nothing from the app's features, so these tests need none of them; the
app's own clients are tested against the real app in ``tests/test_clients.py``.
"""

import types

import pytest
from flask import Flask
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=20)])
    email = StringField("Email", validators=[DataRequired()])
    submit = SubmitField("Save")


@pytest.fixture
def actions_app():
    app = Flask(__name__)
    # CSRF stays on, as in production, to show that action forms never check it themselves.
    app.config.update(TESTING=True, SECRET_KEY="test-secret", WTF_CSRF_ENABLED=True)
    return app


@pytest.fixture
def request_context(actions_app):
    with actions_app.test_request_context("/", method="POST") as ctx:
        yield ctx


@pytest.fixture
def contact_form():
    return ContactForm


class FakeSession:
    """Stand in for Flask-SQLAlchemy's scoped session; count rollbacks."""

    def __init__(self):
        self.rollbacks = 0

    def rollback(self):
        self.rollbacks += 1


@pytest.fixture
def fake_db(actions_app):
    extension = types.SimpleNamespace(session=FakeSession())
    actions_app.extensions["sqlalchemy"] = extension
    return extension.session
