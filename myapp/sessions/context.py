"""Hand the request's session to data functions and actions, or send the user to sign in."""

from dataclasses import dataclass

from flask import abort

from myapp.auth.redirects import sign_in_redirect
from myapp.sessions.lookup import AuthSession, deduped_auth


@dataclass(frozen=True, slots=True)
class AuthContext:
    """What every data function and action needs first: the signed-in session."""

    session: AuthSession


def get_auth_context() -> AuthContext:
    """Return the context of the signed-in user, or redirect to sign in.

    Call it at the top of every data function and action, not only in a before-request
    hook: a check near the data cannot be skipped by a route that forgot the hook.
    """
    auth_session = deduped_auth()
    if auth_session is None:
        abort(sign_in_redirect())
    return AuthContext(session=auth_session)
