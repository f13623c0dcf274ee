"""Whenever an action does not succeed, the SQLAlchemy session is rolled back."""

import pytest
from flask import abort
from werkzeug.exceptions import NotFound

from myapp.actions import ActionClient, ActionResult, NotFoundError, return_validation_errors

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def raise_error():
    raise RuntimeError("half-written")


def raise_known():
    raise NotFoundError()


def raise_invalid():
    return_validation_errors({"name": ["Taken."]})


def make(body):
    @action_client.metadata(action_name="write").action
    def write(parsed_input, ctx):
        return body()

    return write


@pytest.mark.parametrize("body", [raise_error, raise_known, raise_invalid])
def test_failed_actions_roll_back_once(request_context, fake_db, body):
    result = make(body)()

    assert not result.ok
    assert fake_db.rollbacks == 1


def test_a_schema_failure_rolls_back(request_context, fake_db, contact_form):
    @action_client.metadata(action_name="create").schema(contact_form).action
    def create(parsed_input, ctx):
        pass

    assert create({}).status == 422
    assert fake_db.rollbacks == 1


def test_navigation_rolls_back_and_still_propagates(request_context, fake_db):
    with pytest.raises(NotFound):
        make(lambda: abort(404))()

    assert fake_db.rollbacks == 1


def test_success_does_not_roll_back(request_context, fake_db):
    assert make(lambda: "saved")() == ActionResult(data="saved", status=200)
    assert fake_db.rollbacks == 0


def test_an_app_without_sqlalchemy_needs_no_rollback(request_context):
    assert make(raise_error)().status == 500
