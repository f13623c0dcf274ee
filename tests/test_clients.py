"""The app's action clients put the session (and organization) in ctx, or stop before the action.

These run against the real app and database: the clients in ``myapp.clients`` are the app's own,
so they are tested with the sessions and memberships they read.
"""

import pytest
from werkzeug.exceptions import HTTPException, NotFound

from myapp.actions import ActionResult
from myapp.auth.sudo import require_sudo
from myapp.clients import (
    action_client,
    admin_action_client,
    auth_action_client,
    auth_organization_action_client,
    require_admin,
    require_auth,
    require_organization,
    sudo_action_client,
)
from myapp.forms import EmptyForm


def request_as(app, browser, path="/organizations/acme/contacts"):
    """A request context carrying ``browser``'s session cookie (none for None)."""
    headers = {}
    if browser is not None:
        headers["Cookie"] = f"{browser.token_cookie_name}={browser.session_token()}"
    return app.test_request_context(path, method="POST", headers=headers)


def test_each_client_extends_the_one_above_it_without_changing_it():
    assert action_client._middleware == ()
    assert auth_action_client._middleware == (require_auth,)
    assert sudo_action_client._middleware == (require_auth, require_sudo)
    assert auth_organization_action_client._middleware == (require_auth, require_organization)
    assert admin_action_client._middleware == (require_auth, require_organization, require_admin)


def test_a_signed_in_action_gets_the_callers_session(app, cast):
    @auth_action_client.metadata(action_name="whoami").action
    def whoami(parsed_input, ctx):
        return (sorted(ctx), ctx.session.user.email)

    with request_as(app, cast.member_browser):
        assert whoami() == ActionResult(data=(["session"], "max@example.com"), status=200)


def test_a_signed_out_call_redirects_before_validating_and_never_runs_the_function(app, cast):
    calls = []

    @auth_action_client.metadata(action_name="create").schema(EmptyForm).action
    def create(parsed_input, ctx):
        calls.append("function")

    with request_as(app, None), pytest.raises(HTTPException) as excinfo:
        create({})  # no CSRF token either: the redirect still comes first

    response = excinfo.value.get_response()
    assert response.status_code == 303
    assert response.location.startswith("/sign-in")
    assert calls == []


def test_a_member_action_gets_session_organization_and_membership(app, cast):
    @auth_organization_action_client.metadata(action_name="org").action
    def org(parsed_input, ctx):
        return (ctx.session.user.email, ctx.organization.slug, ctx.membership.role)

    with request_as(app, cast.member_browser) as rc:
        rc.request.view_args = {"slug": "acme"}
        assert org() == ActionResult(data=("max@example.com", "acme", "member"), status=200)


def test_a_non_member_gets_404_and_the_function_never_runs(app, cast):
    calls = []

    @auth_organization_action_client.metadata(action_name="org").action
    def org(parsed_input, ctx):
        calls.append("function")

    with request_as(app, cast.stranger_browser) as rc:
        rc.request.view_args = {"slug": "acme"}
        with pytest.raises(NotFound):
            org()
    assert calls == []


def test_a_member_who_is_not_an_admin_gets_the_actions_own_403(app, cast):
    @admin_action_client.metadata(action_name="admin", forbidden_message="Admins only.").action
    def admin(parsed_input, ctx):
        return "ran"

    with request_as(app, cast.member_browser) as rc:
        rc.request.view_args = {"slug": "acme"}
        result = admin()
    assert (result.status, result.server_error) == (403, "Admins only.")
    with request_as(app, cast.owner_browser) as rc:
        rc.request.view_args = {"slug": "acme"}
        assert admin().data == "ran"
