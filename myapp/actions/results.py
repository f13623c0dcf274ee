"""The value every safe action returns, whatever happened inside it."""

from dataclasses import dataclass, field
from typing import Any

#: Shown for any exception that is not an ``ActionError``; the real one goes to the log only.
DEFAULT_SERVER_ERROR_MESSAGE = "Something went wrong while executing the operation."


@dataclass(frozen=True)
class ActionResult:
    """Hold the outcome of one action call: exactly one of data, validation or server error.

    ``data`` is what the action function returned (on success, status 200).
    ``validation_errors`` maps field names to messages, with form-level messages under
    ``"_errors"`` (status 422). ``server_error`` is a message safe to show the user (status
    404, 403, 409, 500, ...). ``form`` is the bound form, if the action has a schema and got as
    far as binding it, so a view can re-render it with its messages.
    """

    data: Any = None
    validation_errors: dict[str, Any] | None = None
    server_error: str | None = None
    status: int = 200
    form: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.validation_errors is not None and self.server_error is not None:
            raise ValueError("an ActionResult has validation errors or a server error, not both")
        if (self.status == 200) != (self.validation_errors is None and self.server_error is None):
            raise ValueError(f"status {self.status} does not match the result's errors")

    @property
    def ok(self) -> bool:
        """Return whether the action ran to completion."""
        return self.validation_errors is None and self.server_error is None

    @classmethod
    def success(cls, data: Any = None, form: Any = None) -> "ActionResult":
        """Return a 200 result carrying the action function's return value."""
        return cls(data=data, form=form)

    @classmethod
    def invalid(cls, validation_errors: dict[str, Any], form: Any = None) -> "ActionResult":
        """Return a 422 result carrying field and form-level messages."""
        return cls(validation_errors=validation_errors, status=422, form=form)

    @classmethod
    def failure(cls, message: str, status: int = 500, form: Any = None) -> "ActionResult":
        """Return an error result carrying a message safe to show the user."""
        return cls(server_error=message, status=status, form=form)
