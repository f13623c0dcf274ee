"""Redirects and 404s (werkzeug HTTPException) pass through untouched."""

import pytest
from flask import abort, redirect
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RequestRedirect

from myapp.actions import ActionClient

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def test_abort_404_in_the_function_passes_through(request_context, caplog):
    @action_client.metadata(action_name="missing").action
    def missing(parsed_input, ctx):
        abort(404)

    with pytest.raises(NotFound):
        missing()
    assert caplog.records == []


def test_a_redirect_from_middleware_passes_through_and_the_function_never_runs(request_context):
    calls = []

    def bounce(*, ctx, metadata, client_input, next):
        abort(redirect("/elsewhere", 303))

    @action_client.use(bounce).metadata(action_name="bounced").action
    def bounced(parsed_input, ctx):
        calls.append("function")

    with pytest.raises(HTTPException) as excinfo:
        bounced()

    response = excinfo.value.get_response()
    assert (response.status_code, response.location) == (303, "/elsewhere")
    assert calls == []


def test_request_redirect_passes_through_outer_middleware(request_context):
    seen = []

    def observer(*, ctx, metadata, client_input, next):
        seen.append("before")
        result = next()
        seen.append("after")
        return result

    @action_client.use(observer).metadata(action_name="moved").action
    def moved(parsed_input, ctx):
        raise RequestRedirect("/new-place")

    with pytest.raises(RequestRedirect):
        moved()
    assert seen == ["before"]
