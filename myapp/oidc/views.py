"""Sign in with a provider, its callback, and linking or unlinking one from the security page.

Registered only when ``OIDC_PROVIDERS`` names at least one provider: without one there are
no buttons and no routes. Every button that leaves for the provider is a real POST with CSRF
and ``hx-boost="false"``: the browser itself must navigate to the provider (an htmx request
cannot follow a redirect to another site), and its cookie must carry the flow's secrets back.
"""

from flask import Blueprint, Response, abort, render_template, request, url_for

from myapp import htmx
from myapp.actions import ActionResult, respond
from myapp.auth.redirects import safe_next
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.oidc import actions, data, flow, providers
from myapp.oidc.providers import Provider

bp = Blueprint("oidc", __name__)


@bp.app_context_processor
def inject_providers():
    # Templates ask only when they render the buttons or the connected accounts.
    return {
        "oidc_providers": providers.configured,
        "oidc_connections": data.list_connections,
        "oidc_linked_providers": data.list_linked_providers,
    }


def _provider_or_404(name: str) -> Provider:
    provider = providers.get(name)
    if provider is None:
        abort(404)
    return provider


def _leave_for_provider(result: ActionResult):
    """Send the browser to the provider's authorization URL the action returned.

    :raise HTTPException: the action refused (404 unknown provider, 503 unreachable).
    """
    if not result.ok:
        abort(result.status, description=result.server_error)
    return htmx.redirect(result.data)


@bp.post("/sign-in/<name>")
def start(name: str):
    """Start signing in (or up) with provider ``name``: a 303 to the provider.

    :raise 400: no valid CSRF token.
    :raise 404: no such provider.
    :raise 503: the provider cannot be reached.
    """
    _provider_or_404(name)
    next_value = safe_next(request.values.get("next"))
    result = actions.start_sign_in(request.form, provider_name=name, next_path=next_value)
    return _leave_for_provider(result)


@bp.get("/sign-in/<name>/callback")
def callback(name: str):
    """Finish the flow this browser started with provider ``name``: sign in, link, or sudo.

    :raise 400: the answer is forged, replayed, from another browser, or fails a check.
    :raise 409: no account is linked and one already has the email, or (linking) the
        provider account belongs to someone else.
    """
    provider = _provider_or_404(name)
    purpose = flow.pending_purpose(provider)
    if purpose == flow.LINK:
        return _finish_link(provider)
    if purpose == flow.SUDO:
        return _finish_sudo(provider)
    result = actions.finish_sign_in(request.args, provider_name=name)
    if result.validation_errors is not None:
        abort(400, flow.INVALID_CALLBACK)
    if result.status == actions.AccountExistsError.default_status:
        return htmx.render(
            "oidc/account_exists.html", status=409, provider=provider, message=result.server_error
        )
    if not result.ok:
        return respond(result, success_url=url_for("auth.sign_in"))
    if isinstance(result.data, Response):
        return result.data  # on to the second factor
    signed_in = result.data
    message = (
        f"Welcome! Your account is ready. You signed up with {provider.label}."
        if signed_in.created_account
        else f"Signed in with {provider.label}."
    )
    return respond(
        result,
        success_url=safe_next(signed_in.next_path) or url_for("organizations.index"),
        flash_message=message,
    )


def _finish_link(provider: Provider):
    result = actions.finish_link(request.args, provider_name=provider.name)
    if result.validation_errors is not None:
        abort(400, flow.INVALID_CALLBACK)
    return respond(
        result,
        success_url=url_for("security.index"),
        flash_message=f"{provider.label} is linked. You can sign in with it from now on.",
    )


def _finish_sudo(provider: Provider):
    result = actions.finish_sudo(request.args, provider_name=provider.name)
    if result.validation_errors is not None:
        abort(400, flow.INVALID_CALLBACK)
    return respond(
        result,
        success_url=(result.ok and safe_next(result.data)) or url_for("organizations.index"),
        flash_message="Confirmed. You can continue.",
    )


@bp.post("/sudo/<name>")
def sudo(name: str):
    """Confirm it is the owner by signing in again at linked provider ``name`` (sudo mode).

    :raise 404: no such provider, or not linked to this account.
    """
    _provider_or_404(name)
    next_value = safe_next(request.values.get("next"))
    return _leave_for_provider(
        actions.start_sudo(request.form, provider_name=name, next_path=next_value)
    )


@bp.post("/settings/security/connections/<name>/link")
def link(name: str):
    """Link provider ``name`` to the signed-in account: sudo mode, then a 303 to the provider.

    :raise 404: no such provider.
    """
    _provider_or_404(name)
    return _leave_for_provider(actions.start_link(request.form, provider_name=name))


@describes("oidc.unlink")
def _unlink_words(provider: Provider) -> Confirmation:
    return Confirmation(
        title=f"Unlink {provider.label}?",
        detail=f"You can no longer sign in with {provider.label}. You can link it again later.",
        button="Unlink",
    )


@bp.get("/settings/security/connections/<name>/unlink")
def confirm_unlink(name: str):
    """Ask before unlinking provider ``name`` (after sudo mode).

    :raise 404: no such provider.
    """
    provider = _provider_or_404(name)
    return confirm_page(
        "oidc.unlink", cancel_url=url_for("security.index"), sudo=True, provider=provider
    )


@bp.post("/settings/security/connections/<name>/unlink")
def unlink(name: str):
    """Unlink provider ``name`` (sudo mode); a real swap gets the connected accounts back.

    :raise 404: no such provider, or not linked to this account.
    :raise 409: it is the last way to sign in.
    """
    provider = _provider_or_404(name)
    result = actions.unlink(request.form, provider_name=name)
    message = f"{provider.label} is unlinked." if result.ok else None
    return respond(
        result,
        success_url=url_for("security.index"),
        flash_message=message,
        # A real swap gets the list back, with the message or, on a refusal, the reason.
        render_swap=lambda r: render_template(
            "oidc/_connections.html", message=message, error=r.server_error
        ),
    )
