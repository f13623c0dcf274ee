"""Middleware runs outermost-first and sees the result on its way back."""

from myapp.actions import ActionClient, ActionResult

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def recorder(name, calls):
    def middleware(*, ctx, metadata, client_input, next):
        calls.append(f"{name} before")
        result = next()
        calls.append(f"{name} after: {result.data}")
        return result

    return middleware


def test_middleware_runs_in_use_order_around_the_function(request_context):
    calls = []
    client = action_client.use(recorder("outer", calls)).use(recorder("inner", calls))

    @client.metadata(action_name="chain").action
    def chain(parsed_input, ctx):
        calls.append("function")
        return "done"

    result = chain()

    assert result == ActionResult(data="done", status=200)
    assert calls == [
        "outer before",
        "inner before",
        "function",
        "inner after: done",
        "outer after: done",
    ]


def test_middleware_gets_metadata_and_raw_input(request_context):
    seen = {}

    def spy(*, ctx, metadata, client_input, next):
        seen.update(metadata=dict(metadata), client_input=client_input)
        return next()

    @action_client.use(spy).metadata(action_name="spied", audit=True).action
    def spied(parsed_input, ctx):
        return parsed_input

    result = spied({"a": "1"})

    assert result == ActionResult(data={"a": "1"}, status=200)
    assert seen == {
        "metadata": {"action_name": "spied", "audit": True},
        "client_input": {"a": "1"},
    }


def test_middleware_may_replace_the_result(request_context):
    def override(*, ctx, metadata, client_input, next):
        result = next()
        return ActionResult(data=f"wrapped {result.data}")

    @action_client.use(override).metadata(action_name="wrapped").action
    def wrapped(parsed_input, ctx):
        return "value"

    assert wrapped() == ActionResult(data="wrapped value", status=200)


def test_outer_middleware_sees_an_inner_failure_as_a_result(request_context):
    seen = []

    def observer(*, ctx, metadata, client_input, next):
        result = next()
        seen.append(result)
        return result

    @action_client.use(observer).metadata(action_name="broken").action
    def broken(parsed_input, ctx):
        raise RuntimeError("boom")

    result = broken()

    expected = ActionResult(
        server_error="Something went wrong while executing the operation.", status=500
    )
    assert result == expected
    assert seen == [expected]


def test_calling_next_twice_is_a_server_error_and_runs_the_function_once(request_context):
    calls = []

    def twice(*, ctx, metadata, client_input, next):
        next()
        return next()

    @action_client.use(twice).metadata(action_name="twice").action
    def run_twice(parsed_input, ctx):
        calls.append("function")

    result = run_twice()

    assert result == ActionResult(
        server_error="Something went wrong while executing the operation.", status=500
    )
    assert calls == ["function"]


def test_middleware_that_forgets_to_return_the_result_is_a_server_error(request_context):
    def forgetful(*, ctx, metadata, client_input, next):
        next()

    @action_client.use(forgetful).metadata(action_name="forgotten").action
    def forgotten(parsed_input, ctx):
        return "lost"

    assert forgotten() == ActionResult(
        server_error="Something went wrong while executing the operation.", status=500
    )
