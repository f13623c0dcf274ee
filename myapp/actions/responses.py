"""Turn an ``ActionResult`` into the response a view returns, for htmx and plain requests."""

from collections.abc import Callable

from flask import abort, flash, make_response
from werkzeug.wrappers import Response

from myapp.htmx import is_swap, redirect

from .results import ActionResult

#: Renders the page or partial for a result: returns a str or a Response; respond sets its status.
Render = Callable[[ActionResult], "str | Response"]


def respond(
    result: ActionResult,
    *,
    success_url: str,
    render: Render | None = None,
    flash_message: str | None = None,
    render_success: bool = True,
) -> Response:
    """Answer a form post with post/redirect/get, or with a partial for a real htmx swap.

    On success: a ``Response`` the action returned is sent as is; a real swap gets
    ``render(result)`` (200) when ``render`` is given, else an ``HX-Redirect`` to
    ``success_url``; anything else (plain, boosted) gets ``flash_message`` flashed and a 303
    to ``success_url``. On validation errors, ``render(result)`` is sent with 422 so the form
    shows its messages. On a server error, abort with the result's status and message.
    ``render_success=False`` keeps ``render`` for errors only, for forms whose success must
    leave the page (sign-in), even when posted as a real swap.

    :raise TypeError: on validation errors when ``render`` is None.
    :raise HTTPException: on a server error.
    """
    if result.server_error is not None:
        abort(result.status, description=result.server_error)

    if result.validation_errors is not None:
        if render is None:
            raise TypeError("respond() needs render= to show validation errors")
        return _rendered(render, result, 422)

    if isinstance(result.data, Response):
        return result.data
    if is_swap() and render is not None and render_success:
        # The partial shows the change itself; a flash would surface on some later page.
        return _rendered(render, result, 200)
    if flash_message:
        flash(flash_message)
    return redirect(success_url)


def _rendered(render: Render, result: ActionResult, status: int) -> Response:
    response = make_response(render(result))
    response.status_code = status
    return response
