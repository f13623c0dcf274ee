"""Safe actions: every write goes through an action client, after the idea of next-safe-action.

A client is an immutable builder: ``.use(middleware)``, ``.metadata(action_name=...)`` and
``.schema(FormClass)`` each return a new client, and ``.action(fn)`` wraps ``fn`` as a safe
action. Calling the action runs the middleware outermost-first (each adds to the context only
through ``next(ctx={...})``, a shallow dict merge, and sees the result on the way back), then
binds and validates the form, then calls ``fn(parsed_input, ctx)``. It always returns an
``ActionResult`` with data, validation errors or a server error; unexpected exceptions are
logged and shown as one generic message, while redirects and 404s (werkzeug
``HTTPException``) pass through. CSRF is checked by CSRFProtect before the view, never here.

Write an action (forms check shape; actions check truth)::

    @auth_organization_action_client.metadata(action_name="create_contact").schema(
        ContactForm
    ).action
    def create_contact(parsed_input: dict, ctx) -> Contact:
        if email_taken(ctx.organization, parsed_input["email"]):
            return_validation_errors({"email": ["A contact with this email exists."]})
        contact = Contact(organization=ctx.organization, **parsed_input)
        db.session.add(contact)
        db.session.commit()
        return contact

and answer the post from its view::

    result = create_contact(request.form)
    return respond(
        result,
        success_url=url_for("contacts.index"),
        render=lambda result: render_contact_form(result.form),
        flash_message="Contact created.",
    )
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
