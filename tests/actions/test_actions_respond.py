"""respond() answers plain and boosted posts with a 303, and a real htmx swap with a partial.

One argument per outcome: ``render_invalid`` shows the form with its messages (422),
``render_swap`` re-renders the swap target after a success or a refusal, and leaving
``render_swap`` out makes every success leave the page. What a plain request gets as a flash,
a swap gets announced in the page's live region (``HX-Trigger-After-Settle``); a form with
errors is announced to every htmx request.
"""

import pytest
from flask import get_flashed_messages, make_response
from werkzeug.exceptions import Conflict, InternalServerError, NotFound

from myapp.actions import ActionResult, respond
from tests.support import BOOSTED, PLAIN, SWAP, announced

SUCCESS = ActionResult(data="saved")
INVALID = ActionResult(validation_errors={"name": ["Required."]}, status=422)
INVALID_FORM = ActionResult(
    validation_errors={"_errors": ["Wrong password.", "Try again."], "name": ["Required."]},
    status=422,
)
GONE = ActionResult(server_error="Not found.", status=404)
CONFLICT = ActionResult(server_error="Needs an owner.", status=409)


def render_swap(result):
    return f"list {result.status} {result.server_error or ''}".strip()


def render_invalid(result):
    return f"form {result.status}"


@pytest.fixture
def post(actions_app):
    def post(headers):
        return actions_app.test_request_context("/contacts", method="POST", headers=headers)

    return post


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED], ids=["plain", "boosted"])
def test_success_redirects_with_303_and_flashes(post, headers):
    with post(headers):
        response = respond(
            SUCCESS, success_url="/contacts", render_swap=render_swap, flash_message="Saved."
        )

        assert (response.status_code, response.location) == (303, "/contacts")
        assert "HX-Redirect" not in response.headers
        assert get_flashed_messages() == ["Saved."]
        assert announced(response) is None


def test_success_in_a_swap_renders_the_target_and_announces_the_flash_message(post):
    with post(SWAP):
        response = respond(
            SUCCESS, success_url="/contacts", render_swap=render_swap, flash_message="Saved."
        )

        assert (response.status_code, response.get_data(as_text=True)) == (200, "list 200")
        assert "HX-Redirect" not in response.headers
        assert announced(response) == "Saved."
        assert get_flashed_messages() == []


def test_success_in_a_swap_without_a_flash_message_announces_nothing(post):
    with post(SWAP):
        response = respond(SUCCESS, success_url="/contacts", render_swap=render_swap)

        assert (response.status_code, announced(response)) == (200, None)
        assert "HX-Trigger-After-Settle" not in response.headers


def test_an_announcement_keeps_other_events_and_escapes_non_ascii(post):
    def render_with_event(result):
        response = make_response("list")
        response.headers["HX-Trigger-After-Settle"] = '{"contactsChanged": 3}'
        return response

    with post(SWAP):
        response = respond(
            SUCCESS,
            success_url="/contacts",
            render_swap=render_with_event,
            flash_message="Jörg Müller added.",
        )

        header = response.headers["HX-Trigger-After-Settle"]
        assert header == '{"contactsChanged": 3, "announce": "J\\u00f6rg M\\u00fcller added."}'
        assert announced(response) == "Jörg Müller added."


def test_success_in_a_swap_without_render_swap_leaves_the_page_through_htmx(post):
    with post(SWAP):
        response = respond(
            SUCCESS,
            success_url="/organizations",
            render_invalid=render_invalid,
            flash_message="Saved.",
        )

        assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/organizations")
        assert (response.location, response.get_data(as_text=True)) == (None, "")
        # The next page shows the flash: announcing it here as well would say it twice.
        assert (get_flashed_messages(), announced(response)) == (["Saved."], None)


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED, SWAP], ids=["plain", "boosted", "swap"])
def test_a_response_returned_by_the_action_is_sent_as_is(post, headers):
    with post(headers):
        download = make_response("file", 200)

        response = respond(
            ActionResult(data=download), success_url="/contacts", render_swap=render_swap
        )

        assert response is download


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED, SWAP], ids=["plain", "boosted", "swap"])
def test_validation_errors_render_the_form_with_422(post, headers):
    with post(headers):
        response = respond(
            INVALID,
            success_url="/contacts",
            render_invalid=render_invalid,
            render_swap=render_swap,
            flash_message="Saved.",
        )

        assert (response.status_code, response.get_data(as_text=True)) == (422, "form 422")
        assert get_flashed_messages() == []


@pytest.mark.parametrize("headers", [BOOSTED, SWAP], ids=["boosted", "swap"])
def test_field_errors_are_announced_to_htmx_requests(post, headers):
    with post(headers):
        response = respond(INVALID, success_url="/contacts", render_invalid=render_invalid)

        assert (response.status_code, announced(response)) == (422, "Please fix the errors below.")


def test_field_errors_in_a_plain_request_announce_nothing(post):
    with post(PLAIN):
        response = respond(INVALID, success_url="/contacts", render_invalid=render_invalid)

        assert (response.status_code, announced(response)) == (422, None)


@pytest.mark.parametrize("headers", [BOOSTED, SWAP], ids=["boosted", "swap"])
def test_form_level_errors_are_announced_in_their_own_words(post, headers):
    with post(headers):
        response = respond(INVALID_FORM, success_url="/contacts", render_invalid=render_invalid)

        assert (response.status_code, announced(response)) == (422, "Wrong password. Try again.")


def test_render_invalid_may_return_a_response_and_respond_sets_its_status(post):
    with post(PLAIN):
        response = respond(
            INVALID,
            success_url="/contacts",
            render_invalid=lambda result: make_response("page", 200),
        )

        assert (response.status_code, response.get_data(as_text=True)) == (422, "page")


def test_validation_errors_without_render_invalid_are_a_type_error(post):
    with post(SWAP), pytest.raises(TypeError):
        respond(INVALID, success_url="/contacts", render_swap=render_swap)


@pytest.mark.parametrize("result", [GONE, CONFLICT], ids=["404", "409"])
def test_a_refusal_in_a_swap_re_renders_the_target_with_its_status_and_message(post, result):
    with post(SWAP):
        response = respond(
            result, success_url="/contacts", render_swap=render_swap, flash_message="Saved."
        )

        assert response.status_code == result.status
        assert response.get_data(as_text=True) == f"list {result.status} {result.server_error}"
        # The target shows the refusal as an alert; the success message is not said.
        assert announced(response) is None


@pytest.mark.parametrize("headers", [PLAIN, BOOSTED], ids=["plain", "boosted"])
@pytest.mark.parametrize(
    ("result", "exception"), [(GONE, NotFound), (CONFLICT, Conflict)], ids=["404", "409"]
)
def test_a_refusal_outside_a_swap_aborts_with_status_and_message(post, headers, result, exception):
    with post(headers), pytest.raises(exception) as excinfo:
        respond(result, success_url="/contacts", render_swap=render_swap)

    assert excinfo.value.description == result.server_error


def test_a_refusal_in_a_swap_without_render_swap_aborts(post):
    with post(SWAP), pytest.raises(NotFound):
        respond(GONE, success_url="/contacts", render_invalid=render_invalid)


def test_a_server_failure_aborts_even_in_a_swap(post):
    failure = ActionResult(server_error="Something went wrong.", status=500)

    with post(SWAP), pytest.raises(InternalServerError):
        respond(failure, success_url="/contacts", render_swap=render_swap)
