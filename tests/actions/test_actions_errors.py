"""Known errors show their message and status; anything else is logged and masked."""

import logging

import pytest

from myapp.actions import (
    ActionClient,
    ActionError,
    ActionResult,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
)

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def raising(exc):
    @action_client.metadata(action_name="raising").action
    def action(parsed_input, ctx):
        raise exc

    return action


@pytest.mark.parametrize(
    ("exc", "message", "status"),
    [
        (NotFoundError(), "Not found.", 404),
        (ForbiddenError(), "You do not have permission to do that.", 403),
        (PreconditionFailedError("Needs an owner."), "Needs an owner.", 409),
        (PreconditionFailedError("Cannot process that.", status=422), "Cannot process that.", 422),
        (NotFoundError("No such contact."), "No such contact.", 404),
        (ActionError("Too many requests.", 429), "Too many requests.", 429),
    ],
)
def test_known_errors_become_server_errors_with_their_status(
    request_context, caplog, exc, message, status
):
    result = raising(exc)()

    assert result == ActionResult(server_error=message, status=status)
    assert caplog.records == []


def test_a_known_error_raised_by_middleware_stops_the_chain(request_context):
    calls = []

    def forbid(*, ctx, metadata, client_input, next):
        raise ForbiddenError()

    @action_client.use(forbid).metadata(action_name="forbidden").action
    def forbidden(parsed_input, ctx):
        calls.append("function")

    assert forbidden() == ActionResult(
        server_error="You do not have permission to do that.", status=403
    )
    assert calls == []


def test_an_unexpected_exception_is_logged_and_masked(request_context, caplog):
    result = raising(KeyError("secret_column"))()

    assert result == ActionResult(
        server_error="Something went wrong while executing the operation.", status=500
    )
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert "'raising'" in record.getMessage()
    assert record.exc_info[1].args == ("secret_column",)


def test_error_status_must_be_an_http_error():
    with pytest.raises(ValueError):
        ActionError("fine", 200)
