"""A bare Flask app for the action library's tests, independent of ``myapp.create_app``.

The auth middleware imports ``myapp.sessions`` and ``myapp.organizations.context`` when it
runs; the ``signed_in`` / ``signed_out`` / ``member`` / ``non_member`` fixtures put stand-ins
for those modules in ``sys.modules`` so these tests never depend on the real ones.
"""

import sys
import types

import pytest
from flask import Flask, abort, redirect
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


def _install(monkeypatch, name, **functions):
    module = types.ModuleType(name)
    for attr, fn in functions.items():
        setattr(module, attr, fn)
    monkeypatch.setitem(sys.modules, name, module)


SIGN_IN_SESSION = object()


def _signed_out():
    abort(redirect("/sign-in", 303))


@pytest.fixture
def signed_in(monkeypatch):
    auth = types.SimpleNamespace(session=SIGN_IN_SESSION)
    _install(monkeypatch, "myapp.sessions", get_auth_context=lambda: auth)
    return auth


@pytest.fixture
def signed_out(monkeypatch):
    _install(monkeypatch, "myapp.sessions", get_auth_context=_signed_out)


@pytest.fixture
def member(monkeypatch, signed_in):
    org = types.SimpleNamespace(
        session=signed_in.session, organization=object(), membership=object()
    )
    _install(monkeypatch, "myapp.organizations.context", get_auth_organization_context=lambda: org)
    return org


@pytest.fixture
def non_member(monkeypatch, signed_in):
    def get_auth_organization_context():
        abort(404)

    _install(
        monkeypatch,
        "myapp.organizations.context",
        get_auth_organization_context=get_auth_organization_context,
    )
