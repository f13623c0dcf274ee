"""Safe actions: every write goes through an action client, after the idea of next-safe-action.

A client is an immutable builder: ``.use(middleware)``, ``.metadata(action_name=...)`` and
``.schema(FormClass)`` each return a new client, and ``.action(fn)`` wraps ``fn`` as a safe
action. Calling the action runs the middleware outermost-first (each adds to the context only
through ``next(ctx={...})``, a shallow dict merge, and sees the result on the way back), then
binds and validates the form, then calls ``fn(parsed_input, ctx)``. It always returns an
``ActionResult`` with data, validation errors or a server error; unexpected exceptions are
logged and shown as one generic message, while redirects and 404s (werkzeug
``HTTPException``) pass through. CSRF is checked by CSRFProtect before the view, never here.

Write an action (forms check shape; actions check truth), as ``myapp/contacts/actions.py``
does, with a client from ``myapp/clients.py``::

    @auth_organization_action_client.metadata(action_name="create_contact").schema(
        ContactForm
    ).action
    def create_contact(parsed_input, ctx) -> int:
        contact = Contact(organization_id=ctx.organization.id, **parsed_input)
        db.session.add(contact)
        db.session.flush()  # assigns the id; read it before commit() expires the object
        contact_id = contact.id
        db.session.commit()
        return contact_id

and answer the post from its view (``myapp/contacts/views.py``) with one argument per
outcome: the form again on invalid input, the swap target on success or refusal::

    result = create_contact(request.form)
    return respond(
        result,
        success_url=url_for("contacts.index", slug=slug),
        flash_message="Contact added.",
        render_invalid=lambda r: _render_list(create_form=r.form),
        render_swap=lambda r: _render_list(error=r.server_error),
    )

where ``_render_list`` renders ``contacts/index.html``, or ``contacts/_list.html`` alone for a
real swap, through ``htmx.render()``. Checks a form cannot make end the action with
``return_validation_errors({"email": ["Taken."]})`` (422) or ``raise NotFoundError()`` (404).
"""

from .client import ActionClient
from .errors import (
    ActionError,
    ForbiddenError,
    MissingMetadataError,
    NotFoundError,
    PreconditionFailedError,
    return_validation_errors,
)
from .executor import ActionContext
from .responses import respond
from .results import ActionResult

__all__ = [
    "ActionClient",
    "ActionResult",
    "ActionContext",
    "return_validation_errors",
    "ActionError",
    "NotFoundError",
    "ForbiddenError",
    "PreconditionFailedError",
    "MissingMetadataError",
    "respond",
]
