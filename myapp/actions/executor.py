"""Run one safe action: the middleware chain, then schema validation, then the function.

Each step of the chain (every middleware, and the final validate-and-call step) turns what it
raises into an ``ActionResult``, so a middleware that calls ``next()`` always gets a result
back, even when the function failed. Two kinds of exception escape instead:

* werkzeug ``HTTPException`` (``abort(404)``, ``abort(redirect(...))``, ``RequestRedirect``):
  navigation, which the view or Flask must see untouched;
* exceptions that are not ``Exception`` (``KeyboardInterrupt``, ``SystemExit``).

Whenever an action does not succeed, the SQLAlchemy session (if the app has Flask-SQLAlchemy)
is rolled back, so a half-written change cannot be committed later in the same request.
"""

import functools
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from wtforms import SubmitField

from .errors import ActionError, ActionValidationError
from .results import DEFAULT_SERVER_ERROR_MESSAGE, ActionResult

#: A middleware: ``mw(*, ctx, metadata, client_input, next) -> ActionResult``.
Middleware = Callable[..., ActionResult]


class ActionContext(Mapping):
    """Hold what middleware learnt about the request, readable as ``ctx.key`` or ``ctx["key"]``.

    It is read-only: middleware adds keys by passing them to ``next(ctx=...)``, which builds a
    new context, so no step can change what an outer step sees.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        object.__setattr__(self, "_values", dict(values or {}))

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        # Private names are never keys; refusing them also keeps copy/pickle, which probe
        # attributes before _values exists, from recursing.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"the action context has no {name!r}; keys: {sorted(self._values)}"
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("ActionContext is read-only; add keys with next(ctx={...})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("ActionContext is read-only")

    def __repr__(self) -> str:
        return f"ActionContext({self._values!r})"

    def merge(self, values: Mapping[str, Any]) -> "ActionContext":
        """Return a new context with ``values`` added: a shallow merge, later keys win."""
        return ActionContext({**self._values, **values})


class SafeAction:
    """Call an action function through its client's middleware, schema and error handling.

    Built by ``ActionClient.action``; call it as ``result = action(request.form)``. Keyword
    arguments (``action(request.form, contact_id=7)``) go to the function unvalidated: use
    them for values the view already trusts, such as URL converter results.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        middleware: tuple[Middleware, ...],
        metadata: Mapping[str, Any],
        schema: type | None,
    ) -> None:
        # Copy fn's name and docstring first, so nothing in fn.__dict__ can shadow ours.
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.middleware = middleware
        self.metadata = MappingProxyType(dict(metadata))
        self.schema = schema

    @property
    def action_name(self) -> str:
        return self.metadata["action_name"]

    def __repr__(self) -> str:
        return f"<SafeAction {self.action_name}>"

    def __call__(
        self, client_input: Mapping[str, Any] | None = None, /, **bound_args: Any
    ) -> ActionResult:
        """Run the action on ``client_input`` (``request.form``, a dict, or None).

        Must run inside a Flask app context (a request context when the form needs one).

        :raise HTTPException: when middleware or the function navigates (redirect, 404).
        """
        try:
            return _Invocation(self, client_input, bound_args).step(0, ActionContext())
        except HTTPException:
            rollback_database()
            raise


class _Invocation:
    """Hold the state of one call while it moves through the chain."""

    def __init__(self, action: SafeAction, client_input: Any, bound_args: dict[str, Any]) -> None:
        self.action = action
        self.client_input = client_input
        self.bound_args = bound_args
        self.form = None

    def step(self, index: int, ctx: ActionContext) -> ActionResult:
        """Run middleware ``index`` (or the function, past the last one) and return its result."""
        try:
            if index < len(self.action.middleware):
                result = self.call_middleware(index, ctx)
            else:
                result = self.call_function(ctx)
        except HTTPException:
            raise
        except ActionValidationError as exc:
            attach_to_form(self.form, exc)
            result = ActionResult.invalid(exc.as_dict(), form=self.form)
        except ActionError as exc:
            result = ActionResult.failure(exc.message, exc.status, form=self.form)
        except Exception:
            current_app.logger.exception("Action %r raised an exception", self.action.action_name)
            result = ActionResult.failure(DEFAULT_SERVER_ERROR_MESSAGE, 500, form=self.form)
        else:
            return result
        rollback_database()
        return result

    def call_middleware(self, index: int, ctx: ActionContext) -> ActionResult:
        middleware = self.action.middleware[index]
        outer_ctx = ctx
        called = False

        def next_step(*, ctx: Mapping[str, Any] | None = None) -> ActionResult:
            nonlocal called
            # A second call would run the function (and its writes) twice.
            if called:
                raise RuntimeError(f"middleware {_name(middleware)} called next() twice")
            called = True
            return self.step(index + 1, outer_ctx.merge(ctx) if ctx else outer_ctx)

        result = middleware(
            ctx=outer_ctx,
            metadata=self.action.metadata,
            client_input=self.client_input,
            next=next_step,
        )
        if not isinstance(result, ActionResult):
            raise TypeError(
                f"middleware {_name(middleware)} returned {type(result).__name__}, "
                "not the ActionResult from next()"
            )
        return result

    def call_function(self, ctx: ActionContext) -> ActionResult:
        parsed_input = self.client_input
        if self.action.schema is not None:
            # CSRF was already checked by CSRFProtect before the view ran; the form only
            # checks shape, and reads only its declared fields from the input.
            self.form = self.action.schema(
                formdata=as_multidict(self.client_input), meta={"csrf": False}
            )
            if not self.form.validate():
                rollback_database()
                return ActionResult.invalid(form_errors(self.form), form=self.form)
            parsed_input = form_data(self.form)
        data = self.action.fn(parsed_input, ctx, **self.bound_args)
        return ActionResult.success(data, form=self.form)


def _name(middleware: Middleware) -> str:
    return getattr(middleware, "__qualname__", repr(middleware))


def as_multidict(client_input: Any) -> MultiDict:
    """Return the input as something a form can bind to (it needs ``getlist``)."""
    if client_input is None:
        return MultiDict()
    if hasattr(client_input, "getlist"):
        return client_input
    if isinstance(client_input, Mapping):
        # MultiDict spreads list values into several values for one key, as a form post would.
        return MultiDict(client_input)
    raise TypeError(f"action input must be a mapping or None, not {type(client_input).__name__}")


def form_data(form: Any) -> dict[str, Any]:
    """Return the validated value of each declared field, leaving out buttons and the token."""
    return {
        field.short_name: field.data
        for field in form
        if not isinstance(field, SubmitField) and field.short_name != "csrf_token"
    }


def form_errors(form: Any) -> dict[str, Any]:
    """Return a validated form's messages, form-level ones under ``"_errors"``."""
    errors: dict[str, Any] = {field.short_name: field.errors for field in form if field.errors}
    if form.form_errors:
        errors["_errors"] = list(form.form_errors)
    return errors


def attach_to_form(form: Any, exc: ActionValidationError) -> None:
    """Add the messages of ``exc`` to ``form`` so that re-rendering it shows them."""
    if form is None:
        return
    for name, messages in exc.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            # A message for a field the form does not render would never be seen.
            form.form_errors.extend(messages)
    form.form_errors.extend(exc.form_errors)


def rollback_database() -> None:
    """Roll back Flask-SQLAlchemy's session, if the app uses it, so nothing half-done commits."""
    extension = current_app.extensions.get("sqlalchemy")
    if extension is None:
        return
    try:
        extension.session.rollback()
    except Exception:
        # Already on an error path: log this one and let the original outcome stand.
        current_app.logger.exception("Rolling back the database session failed")
