"""Sudo mode: sensitive actions need a password entered within ``SUDO_MAX_AGE``.

As on GitHub, a stolen but still valid session cannot log the owner out of their other
devices or change who belongs to an organization without the password. Signing in counts as
entering it.
"""

from datetime import timedelta
from urllib.parse import urlencode

from flask import Response, abort, current_app, request, url_for

from myapp import confirm, htmx
from myapp.auth.redirects import requested_path, safe_next
from myapp.database import utcnow
from myapp.sessions.lookup import AuthSession


def in_sudo_mode(auth_session: AuthSession) -> bool:
    """Return whether the password was confirmed on this session recently enough."""
    if auth_session.sudo_at is None:
        return False
    max_age = timedelta(seconds=current_app.config["SUDO_MAX_AGE"])
    return utcnow() - auth_session.sudo_at < max_age


def sudo_url(next_path: str | None = None) -> str:
    """Return the password confirmation page that comes back to ``next_path``."""
    next_path = safe_next(next_path)
    base = url_for("auth.sudo")
    return f"{base}?{urlencode({'next': next_path})}" if next_path else base


def sudo_redirect() -> Response:
    """Send the user to confirm their password, then on to what they were doing.

    A destructive action whose URL answers GET with its confirmation page (``myapp.confirm``)
    comes back to that page: one click from done. Anything else comes back to the page the
    user was on. (Actions confirmed by typing a name have no such page: they come back to it.)
    """
    if request.method == "POST" and request.endpoint in confirm.confirmed_endpoints():
        return htmx.redirect(sudo_url(request.path))
    return htmx.redirect(sudo_url(requested_path()))


def require_sudo(*, ctx, metadata, client_input, next):
    """Action middleware: stop unless ``ctx.session`` is in sudo mode.

    Use after the auth middleware: ``auth_action_client.use(require_sudo)``.
    """
    if not in_sudo_mode(ctx.session):
        abort(sudo_redirect())
    return next()
