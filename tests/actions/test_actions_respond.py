"""respond() answers plain and boosted posts with a 303, and a real htmx swap with a partial."""

import pytest
from flask import get_flashed_messages, make_response
from werkzeug.exceptions import Conflict, NotFound

from myapp.actions import ActionResult, respond

PLAIN = {}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
SWAP = {"HX-Request": "true"}

SUCCESS = ActionResult(data="saved")
INVALID = ActionResult(validation_errors={"name": ["Required."]}, status=422)


def render(result):
    return f"rendered {result.status}"


@pytest.fixture
def post(actions_app):
    def post(headers):
        return actions_app.test_request_context("/contacts", method="POST", headers=headers)

    return post


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED], ids=["plain", "boosted"])
def test_success_redirects_with_303_and_flashes(post, headers):
    with post(headers):
        response = respond(SUCCESS, success_url="/contacts", render=render, flash_message="Saved.")

        assert (response.status_code, response.location) == (303, "/contacts")
        assert "HX-Redirect" not in response.headers
        assert get_flashed_messages() == ["Saved."]


def test_success_in_a_swap_renders_the_partial_without_flashing(post):
    with post(SWAP):
        response = respond(SUCCESS, success_url="/contacts", render=render, flash_message="Saved.")

        assert (response.status_code, response.get_data(as_text=True)) == (200, "rendered 200")
        assert "HX-Redirect" not in response.headers
        assert get_flashed_messages() == []


def test_success_in_a_swap_without_render_redirects_through_htmx(post):
    with post(SWAP):
        response = respond(SUCCESS, success_url="/contacts", flash_message="Saved.")

        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/contacts")
        assert response.location is None
        assert get_flashed_messages() == ["Saved."]


def test_success_in_a_swap_can_navigate_instead_of_rendering(post):
    with post(SWAP):
        response = respond(
            SUCCESS, success_url="/organizations", render=render, render_success=False
        )

        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations")
        assert response.get_data(as_text=True) == ""


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED, SWAP], ids=["plain", "boosted", "swap"])
def test_a_response_returned_by_the_action_is_sent_as_is(post, headers):
    with post(headers):
        download = make_response("file", 200)

        response = respond(ActionResult(data=download), success_url="/contacts", render=render)

        assert response is download


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED, SWAP], ids=["plain", "boosted", "swap"])
def test_validation_errors_render_with_422(post, headers):
    with post(headers):
        response = respond(INVALID, success_url="/contacts", render=render, flash_message="Saved.")

        assert (response.status_code, response.get_data(as_text=True)) == (422, "rendered 422")
        assert get_flashed_messages() == []


def test_render_may_return_a_response_and_respond_sets_its_status(post):
    with post(PLAIN):
        response = respond(
            INVALID, success_url="/contacts", render=lambda result: make_response("page", 200)
        )

        assert (response.status_code, response.get_data(as_text=True)) == (422, "page")


def test_validation_errors_without_render_are_a_type_error(post):
    with post(PLAIN), pytest.raises(TypeError):
        respond(INVALID, success_url="/contacts")


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED, SWAP], ids=["plain", "boosted", "swap"])
@pytest.mark.parametrize(
    ("result", "exception"),
    [
        (ActionResult(server_error="Not found.", status=404), NotFound),
        (ActionResult(server_error="Needs an owner.", status=409), Conflict),
    ],
)
def test_server_errors_abort_with_status_and_message(post, headers, result, exception):
    with post(headers), pytest.raises(exception) as excinfo:
        respond(result, success_url="/contacts", render=render)

    assert excinfo.value.description == result.server_error
