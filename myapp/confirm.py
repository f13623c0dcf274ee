"""Confirm a destructive action before it runs: a dialog with JavaScript, a page without.

One pattern serves every destructive action (ending sessions, deleting a contact, removing a
member, leaving an organization, deleting a passkey, turning off two-factor...):

* Its URL answers POST by doing it, as before, and GET by asking first: ``confirm_page()``
  renders ``templates/confirm.html``, which says what will happen and holds the real POST
  form (with its CSRF token) and a Cancel link back. A GET changes nothing, so reloading that
  URL, or following a link to it, is always safe.
* The button that starts the action sits in a GET form aimed at that same URL, written by
  the ``asks_first`` macro of ``templates/_confirm.html``. Without JavaScript the button
  therefore opens the confirmation page. The form also carries ``hx-post``: with JavaScript
  htmx posts it, and ``static/js/confirm.js`` answers htmx's ``htmx:confirm`` event with a
  ``<dialog>`` in the same words before the request goes out.
* The words come from one function per action, registered under the endpoint of its POST
  view with ``@describes("contacts.delete")``; templates reach them as
  ``confirmation("contacts.delete", contact=contact)``, so dialog and page cannot disagree.

A sudo-guarded action sent by a stale session goes to ``/sudo`` with ``next`` set to its own
URL (see ``myapp.auth.sudo``): after the password the browser GETs that URL and lands on the
confirmation page, one click from done. A confirmation page whose action needs sudo asks for
the password before it shows (``sudo=True``), so a user never confirms twice for nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, Response, request

from myapp import htmx
from myapp.organizations.context import get_auth_organization_context
from myapp.sessions import get_auth_context


@dataclass(frozen=True)
class Checkbox:
    """A choice the confirmation page offers beside the danger button (stay an owner too)."""

    name: str
    label: str
    checked: bool


@dataclass(frozen=True)
class Confirmation:
    """What a destructive action says before it runs, in the dialog and on the page."""

    #: The question, naming the thing: "Delete Ada Lovelace?"
    title: str
    #: One or two sentences saying what will happen.
    detail: str
    #: The danger button's words: "Delete contact".
    button: str
    #: Choices that travel with the POST, shown on the confirmation page.
    checkboxes: tuple[Checkbox, ...] = field(default_factory=tuple)


_describers: dict[str, Callable[..., Confirmation]] = {}
_typed: dict[str, bool] = {}


def describes(endpoint: str, *, typed: bool = False):
    """Register the decorated function as the words of the action at ``endpoint``.

    ``typed``: the action's own form already asks to type a name (deleting an organization
    or an account), which is its confirmation without JavaScript; it has no page of its own.
    """

    def register(describer: Callable[..., Confirmation]) -> Callable[..., Confirmation]:
        _describers[endpoint] = describer
        _typed[endpoint] = typed
        return describer

    return register


def describe(endpoint: str, **objects) -> Confirmation:
    """Return the confirmation of the action at ``endpoint`` about ``objects``.

    :raise KeyError: no words were registered for that endpoint.
    """
    return _describers[endpoint](**objects)


def confirmed_endpoints() -> frozenset[str]:
    """Return the endpoints of every action with a confirmation page at its own URL.

    Actions confirmed by typing a name (``typed=True``) have words for the dialog only.
    """
    return frozenset(name for name, typed in _typed.items() if not typed)


def confirm_page(endpoint: str, *, cancel_url: str, sudo: bool = False, **objects) -> Response:
    """Render the page that asks before the action at ``endpoint`` runs at this URL.

    The page's form posts to the URL it was loaded from: a confirmation page lives at its
    action's URL. With ``sudo``, a session that has not confirmed the password lately is sent
    to ``/sudo`` first and comes back here.
    """
    # Imported here: myapp.auth.sudo reads this module's registry to resume after the password.
    from myapp.auth.sudo import in_sudo_mode, sudo_url

    if sudo and not in_sudo_mode(get_auth_context().session):
        return htmx.redirect(sudo_url(request.full_path.rstrip("?")))
    shell = {}
    if "slug" in (request.view_args or {}):
        # Inside an organization the app shell shows it. The view has already loaded the
        # context and decided who may see this page (a member locked out by the two-factor
        # rule may still leave), so this reads the cached context without the rule.
        shell["ctx"] = get_auth_organization_context(second_factor_optional=True)
    return htmx.render(
        "confirm.html",
        confirmation=describe(endpoint, **objects),
        action_url=request.path,
        cancel_url=cancel_url,
        **shell,
    )


def init_app(app: Flask) -> None:
    """Let templates read an action's words: ``confirmation(endpoint, **objects)``."""
    app.add_template_global(describe, "confirmation")
