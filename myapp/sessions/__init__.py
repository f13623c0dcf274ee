"""Sessions stored in SQL: the browser holds an opaque token, the server one row per device.

Which function to call:

- ``deduped_auth()`` — the default. The session and user, or None; one query per request
  however many callers ask.
- ``auth()`` — the same lookup without the per-request cache; every call queries.
- ``get_auth_context()`` — for data functions and actions: the context with ``.session``, or a
  redirect to sign in (``HX-Redirect`` for htmx).
"""

from myapp.sessions.context import AuthContext, get_auth_context
from myapp.sessions.lookup import AuthSession, AuthUser, auth, deduped_auth

__all__ = [
    "AuthContext",
    "AuthSession",
    "AuthUser",
    "auth",
    "deduped_auth",
    "get_auth_context",
]
