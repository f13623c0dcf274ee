"""Flask's own signed cookie, verified only when a request uses it.

Flask's ``SecureCookieSessionInterface`` verifies and decodes the cookie (HMACs, base64, JSON)
at the start of every request, even ``/healthz`` and ``/api/auth/session``, which never read
it. It only holds the CSRF secret and flash messages, so only requests that check CSRF,
render a form or show a flash need it. ``LazyCookieSession`` defers the work to its first use;
a request that never touches it neither verifies it nor writes it back.
"""

from collections.abc import Callable

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature


class LazyCookieSession(SecureCookieSession):
    """A ``SecureCookieSession`` whose contents are loaded from the cookie on first use."""

    def __init__(self, load: Callable[[], dict | None] | None = None) -> None:
        super().__init__()
        self._load = load

    @property
    def opened(self) -> bool:
        """Return whether anything has looked inside (so the cookie has been verified)."""
        return self._load is None

    def open(self) -> None:
        """Verify the cookie and fill the dict from it, once."""
        if self._load is not None:
            load, self._load = self._load, None
            dict.update(self, load() or {})


def _opening(name: str):
    method = getattr(SecureCookieSession, name)

    def opening(self, *args, **kwargs):
        self.open()
        return method(self, *args, **kwargs)

    opening.__name__ = opening.__qualname__ = name
    opening.__doc__ = method.__doc__
    return opening


# Every way of reading or changing a dict opens the cookie first (``permanent`` goes via get).
for _name in (
    "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__", "__len__",
    "__eq__", "__repr__", "get", "setdefault", "pop", "popitem", "update", "clear",
    "keys", "values", "items", "copy",
):  # fmt: skip
    setattr(LazyCookieSession, _name, _opening(_name))


class LazyCookieSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the verification deferred to first use."""

    session_class = LazyCookieSession

    def open_session(self, app: Flask, request: Request) -> LazyCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return LazyCookieSession()

        def load() -> dict | None:
            serializer = self.get_signing_serializer(app)
            max_age = int(app.permanent_session_lifetime.total_seconds())
            try:
                return serializer.loads(value, max_age=max_age)
            except BadSignature:
                return None  # as Flask does: a forged or expired cookie is an empty one

        return LazyCookieSession(load)

    def save_session(self, app: Flask, session: LazyCookieSession, response: Response) -> None:
        # Never opened: nothing was read, nothing changed, nothing to write back.
        if session.opened:
            super().save_session(app, session, response)
