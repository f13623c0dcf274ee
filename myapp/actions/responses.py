"""Turn an ``ActionResult`` into the response a view returns, for htmx and plain requests."""

from collections.abc import Callable

from flask import abort, flash, make_response
from werkzeug.wrappers import Response

from myapp.htmx import FIX_ERRORS, announce, is_htmx, is_swap, redirect

from .results import ActionResult

#: Renders the page or partial for a result: returns a str or a Response; respond sets its status.
Render = Callable[[ActionResult], "str | Response"]


def respond(
    result: ActionResult,
    *,
    success_url: str,
    flash_message: str | None = None,
    render_invalid: Render | None = None,
    render_swap: Render | None = None,
) -> Response:
    """Answer a form post: post/redirect/get, or the swap target re-rendered for htmx.

    Three outcomes, one argument each:

    * Success: a ``Response`` the action returned is sent as is. A real swap gets
      ``render_swap(result)`` (200) when given, announcing ``flash_message`` in the page's live
      region (the same words a plain request gets as a flash); otherwise every request leaves
      the page for ``success_url`` (a 303, or ``HX-Redirect`` for a real swap), flashing
      ``flash_message``. Leave ``render_swap`` out for forms whose success must load a new
      page (sign-in).
    * Validation errors: ``render_invalid(result)`` with 422, for every kind of request, so the
      form shows its messages (``result.form``); an htmx request also announces the form-level
      messages, or "Please fix the errors below." when only fields have messages.
    * A refusal (``server_error`` with a 4xx: gone, forbidden, conflict): a real swap gets
      ``render_swap(result)`` with that status, so the element later swaps aim at survives and
      shows ``result.server_error``; anything else aborts with the status and message, as does
      every 5xx.

    :raise TypeError: on validation errors when ``render_invalid`` is None.
    :raise HTTPException: on a server error that is not re-rendered.
    """
    if result.server_error is not None:
        if render_swap is not None and result.status < 500 and is_swap():
            return _rendered(render_swap, result, result.status)
        abort(result.status, description=result.server_error)

    if result.validation_errors is not None:
        if render_invalid is None:
            raise TypeError("respond() needs render_invalid= to show validation errors")
        response = _rendered(render_invalid, result, 422)
        if is_htmx():
            announce(response, _invalid_message(result))
        return response

    if isinstance(result.data, Response):
        return result.data
    if render_swap is not None and is_swap():
        # A flash would surface on some later page: the live region says it now instead.
        response = _rendered(render_swap, result, 200)
        if flash_message:
            announce(response, flash_message)
        return response
    if flash_message:
        flash(flash_message)
    return redirect(success_url)


def _invalid_message(result: ActionResult) -> str:
    """Return what a screen reader hears when a form comes back with errors."""
    form_errors = result.validation_errors.get("_errors") or []
    return " ".join(form_errors) or FIX_ERRORS


def _rendered(render: Render, result: ActionResult, status: int) -> Response:
    response = make_response(render(result))
    response.status_code = status
    return response
