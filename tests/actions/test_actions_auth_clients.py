"""The auth clients put the session (and organization) in ctx, or stop before the action."""

import pytest
from werkzeug.exceptions import HTTPException, NotFound

from myapp.actions import (
    ActionResult,
    action_client,
    auth_action_client,
    auth_organization_action_client,
)
from myapp.actions.client import require_auth, require_organization


def test_auth_clients_extend_the_base_client_without_changing_it():
    assert action_client._middleware == ()
    assert auth_action_client._middleware == (require_auth,)
    assert auth_organization_action_client._middleware == (require_auth, require_organization)


def test_signed_in_action_gets_the_session(request_context, signed_in):
    @auth_action_client.metadata(action_name="whoami").action
    def whoami(parsed_input, ctx):
        return dict(ctx)

    assert whoami() == ActionResult(data={"session": signed_in.session}, status=200)


def test_signed_out_call_redirects_before_validating_and_never_runs_the_function(
    request_context, signed_out, contact_form
):
    calls = []

    @auth_action_client.metadata(action_name="create").schema(contact_form).action
    def create(parsed_input, ctx):
        calls.append("function")

    with pytest.raises(HTTPException) as excinfo:
        create({})  # invalid input: the redirect still comes first

    response = excinfo.value.get_response()
    assert (response.status_code, response.location) == (303, "/sign-in")
    assert calls == []


def test_member_action_gets_session_organization_and_membership(request_context, member):
    @auth_organization_action_client.metadata(action_name="org").action
    def org(parsed_input, ctx):
        return (ctx.session, ctx.organization, ctx.membership)

    assert org() == ActionResult(
        data=(member.session, member.organization, member.membership), status=200
    )


def test_non_member_gets_404_and_the_function_never_runs(request_context, non_member):
    calls = []

    @auth_organization_action_client.metadata(action_name="org").action
    def org(parsed_input, ctx):
        calls.append("function")

    with pytest.raises(NotFound):
        org()
    assert calls == []
