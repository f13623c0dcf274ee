"""Middleware adds to the context through next(ctx=...): a shallow merge into a new context."""

import pytest

from myapp.actions import ActionClient, ActionContext, ActionResult

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def adds(**values):
    def middleware(*, ctx, metadata, client_input, next):
        return next(ctx=values)

    return middleware


def test_context_starts_empty(request_context):
    @action_client.metadata(action_name="empty").action
    def empty(parsed_input, ctx):
        return ctx

    result = empty()

    assert result == ActionResult(data=ActionContext(), status=200)
    assert dict(result.data) == {}


def test_later_keys_win_and_the_merge_is_shallow(request_context):
    client = action_client.use(adds(a=1, nested={"x": 1}, keep="kept")).use(
        adds(a=2, nested={"y": 2})
    )

    @client.metadata(action_name="merged").action
    def merged(parsed_input, ctx):
        return dict(ctx)

    assert merged() == ActionResult(data={"a": 2, "nested": {"y": 2}, "keep": "kept"}, status=200)


def test_next_gives_inner_steps_a_new_context_and_leaves_the_outer_one_unchanged(
    request_context,
):
    seen = {}

    def outer(*, ctx, metadata, client_input, next):
        result = next(ctx={"outer": True})
        seen["outer ctx after next"] = dict(ctx)
        return result

    def inner(*, ctx, metadata, client_input, next):
        result = next(ctx={"inner": True})
        seen["inner ctx after next"] = dict(ctx)
        return result

    @action_client.use(outer).use(inner).metadata(action_name="layered").action
    def layered(parsed_input, ctx):
        return dict(ctx)

    result = layered()

    assert result == ActionResult(data={"outer": True, "inner": True}, status=200)
    assert seen == {"outer ctx after next": {}, "inner ctx after next": {"outer": True}}


def test_context_reads_by_attribute_and_key_and_refuses_writes():
    ctx = ActionContext({"session": "s"})

    assert (ctx.session, ctx["session"], ctx.get("missing")) == ("s", "s", None)
    with pytest.raises(AttributeError, match="no 'organization'"):
        ctx.organization  # noqa: B018 (the attribute access is what raises)
    with pytest.raises(AttributeError, match="read-only"):
        ctx.session = "other"
    assert ctx.merge({"organization": "o"}) == {"session": "s", "organization": "o"}
    assert dict(ctx) == {"session": "s"}
