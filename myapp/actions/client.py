"""The immutable action-client builder.

``use``, ``metadata`` and ``schema`` each return a new client, so deriving
``auth_action_client`` from ``action_client`` can never change ``action_client``. The clients
the app uses are built in ``myapp.clients``.
"""

from collections.abc import Callable, Mapping
from typing import Any

from .errors import MissingMetadataError
from .executor import Middleware, SafeAction


class ActionClient:
    """Collect middleware, metadata and a form schema, then wrap functions as safe actions."""

    __slots__ = ("_middleware", "_metadata", "_schema")

    def __init__(
        self,
        middleware: tuple[Middleware, ...] = (),
        metadata: Mapping[str, Any] | None = None,
        schema: type | None = None,
    ) -> None:
        self._middleware = middleware
        self._metadata = dict(metadata or {})
        self._schema = schema

    def __repr__(self) -> str:
        names = [getattr(mw, "__name__", repr(mw)) for mw in self._middleware]
        return f"<ActionClient middleware={names} metadata={self._metadata}>"

    def use(self, middleware: Middleware) -> "ActionClient":
        """Return a new client that also runs ``middleware``, inside the ones added before it.

        ``middleware(*, ctx, metadata, client_input, next)`` must return the ``ActionResult``
        of ``next(ctx={...})`` (or one it builds itself). ``next`` merges the given keys into
        a copy of ``ctx`` for the rest of the chain: a shallow merge where later keys win;
        ``next()`` passes ``ctx`` on unchanged. To stop the chain, raise: an
        ``HTTPException`` (a redirect to sign-in) or an ``ActionError``.
        """
        if not callable(middleware):
            raise TypeError(f"middleware must be callable, not {type(middleware).__name__}")
        return ActionClient((*self._middleware, middleware), self._metadata, self._schema)

    def metadata(self, *, action_name: str, **extra: Any) -> "ActionClient":
        """Return a new client whose actions carry this metadata, replacing any set before.

        ``action_name`` names the action in logs and lets middleware tell actions apart.
        """
        if not isinstance(action_name, str) or not action_name:
            raise MissingMetadataError("action_name must be a non-empty string")
        return ActionClient(self._middleware, {**extra, "action_name": action_name}, self._schema)

    def schema(self, form_class: type) -> "ActionClient":
        """Return a new client that validates input with ``form_class`` before the function runs.

        ``form_class`` is a Flask-WTF ``FlaskForm`` (or WTForms ``Form``) subclass.
        """
        if not callable(form_class):
            raise TypeError(f"schema must be a form class, not {type(form_class).__name__}")
        return ActionClient(self._middleware, self._metadata, form_class)

    def action(self, fn: Callable[..., Any]) -> SafeAction:
        """Wrap ``fn(parsed_input, ctx)`` as a safe action; usable as a decorator.

        :raise MissingMetadataError: if no ``action_name`` was set, so that every action is
            named where it is defined rather than when it first fails.
        """
        if not self._metadata.get("action_name"):
            raise MissingMetadataError(
                f"{getattr(fn, '__qualname__', fn)!r} has no action_name: "
                "call .metadata(action_name=...) before .action()"
            )
        return SafeAction(
            fn, middleware=self._middleware, metadata=self._metadata, schema=self._schema
        )
