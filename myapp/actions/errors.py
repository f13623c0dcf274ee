"""Exceptions that actions raise to end early with a known outcome.

An ``ActionError`` carries a message meant for the user and an HTTP status; the executor turns
it into ``ActionResult.server_error``. ``return_validation_errors`` raises the one exception
that becomes ``validation_errors`` instead. Anything else an action raises is a bug: the
executor logs it and shows only a generic message.
"""

from collections.abc import Mapping, Sequence
from typing import NoReturn


class MissingMetadataError(ValueError):
    """Raised at definition time when an action has no ``action_name``."""


class ActionError(Exception):
    """End an action with ``message`` shown to the user and HTTP ``status``."""

    default_message = "The operation could not be completed."
    default_status = 400

    def __init__(self, message: str | None = None, status: int | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.status = status if status is not None else self.default_status
        # respond() aborts with this status, so it must be an HTTP error werkzeug knows.
        if not 400 <= self.status <= 599:
            raise ValueError(f"ActionError status must be 4xx or 5xx, got {self.status}")
        super().__init__(self.message)


class NotFoundError(ActionError):
    """End an action because the thing it acts on does not exist (or is not visible)."""

    default_message = "Not found."
    default_status = 404


class ForbiddenError(ActionError):
    """End an action because the signed-in user may not do it."""

    default_message = "You do not have permission to do that."
    default_status = 403


class PreconditionFailedError(ActionError):
    """End an action because the current state forbids it, e.g. removing the last owner.

    Use 409 (the default) for a conflict with stored state, or ``status=422`` when the request
    is well formed but cannot be processed; for a problem with one field prefer
    ``return_validation_errors`` so the message appears next to that field.
    """

    default_message = "The operation conflicts with the current state."
    default_status = 409


class ActionValidationError(Exception):
    """Carry validation messages out of an action; raised by ``return_validation_errors``."""

    def __init__(self, errors: dict[str, list[str]], form_errors: list[str]) -> None:
        self.errors = errors
        self.form_errors = form_errors
        super().__init__(errors, form_errors)

    def as_dict(self) -> dict[str, list[str]]:
        """Return the messages in ``ActionResult.validation_errors`` shape."""
        result = {name: list(messages) for name, messages in self.errors.items()}
        if self.form_errors:
            result["_errors"] = list(self.form_errors)
        return result


def return_validation_errors(
    errors: Mapping[str, Sequence[str] | str] | None = None,
    *,
    form_errors: Sequence[str] | None = None,
) -> NoReturn:
    """Stop the action and answer 422 with these messages, as if the form had failed.

    Use it for checks a form cannot make: uniqueness, ownership, credentials. ``errors`` maps
    field names to messages; ``form_errors`` (or an ``"_errors"`` key) holds messages about
    the whole form. When the action has a bound form, the executor also adds the messages to
    it so that re-rendering the form shows them.

    :raise ActionValidationError: always.
    :raise ValueError: if no message is given, since an empty 422 tells the user nothing.
    """
    fields: dict[str, list[str]] = {}
    general = list(form_errors or ())
    for name, messages in (errors or {}).items():
        # A bare string is one message, not a sequence of one-character messages.
        messages = [messages] if isinstance(messages, str) else list(messages)
        if name == "_errors":
            general.extend(messages)
        elif messages:
            fields[name] = messages
    if not fields and not general:
        raise ValueError("return_validation_errors() needs at least one message")
    raise ActionValidationError(fields, general)
