"""Passkey pages and the endpoints the passkey module (static/js/passkeys.js) talks to.

Each ceremony is a real form (``data-passkey``) whose hidden ``credential`` field the module
fills with the browser's signed answer before it submits the form: the answer is an ordinary
POST with a CSRF token, answered with a 303 or a page with the error. Only the options come
back as JSON, from a POST (it stages a challenge) that carries the token in ``X-CSRFToken``.
"""

from flask import Blueprint, abort, current_app, flash, request, url_for

from myapp import htmx
from myapp.actions import ActionResult, respond
from myapp.auth.forms import SignInForm, SudoForm
from myapp.auth.redirects import safe_next
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.passkeys import actions, data
from myapp.passkeys.forms import AddPasskeyForm, PasskeyNameForm
from myapp.two_factor.views import finish_second_step, second_step_page

bp = Blueprint("passkeys", __name__)

PAGE = "/settings/security/passkeys"


def _options(result: ActionResult):
    """Answer an options request with the JSON the browser passes to ``navigator.credentials``."""
    if result.ok:
        return current_app.response_class(result.data, mimetype="application/json")
    return respond(result, success_url=request.path)


def _page(status: int = 200, *, add_form=None, rename_errors=None):
    return htmx.render(
        "passkeys/index.html",
        status=status,
        passkeys=data.list_passkeys(),
        can_add=data.can_add_passkey(),
        add_form=add_form or AddPasskeyForm(formdata=None),
        rename_form=PasskeyNameForm(formdata=None),
        rename_errors=rename_errors or {},
    )


@bp.get(PAGE)
def index():
    """List the user's passkeys (name, added, last used) with forms to add, rename, delete."""
    return _page()


@bp.post(f"{PAGE}/options")
def registration_options():
    """Return the options to create a passkey; needs sudo mode."""
    return _options(actions.registration_options(request.form))


@bp.post(PAGE)
def add():
    """Store the passkey the browser created; needs sudo mode.

    :raise 422: no credential, or one that fails verification.
    """
    result = actions.add_passkey(request.form)
    return respond(
        result,
        success_url=url_for(".index"),
        flash_message=f"Passkey “{result.data}” added." if result.ok else None,
        render_invalid=lambda r: _page(add_form=r.form),
    )


@bp.post(f"{PAGE}/<public_id>/rename")
def rename(public_id: str):
    """Rename a passkey.

    :raise 404: not the user's passkey.
    :raise 422: the name is empty or too long.
    """
    result = actions.rename_passkey(request.form, public_id=public_id)
    return respond(
        result,
        success_url=url_for(".index"),
        flash_message="Passkey renamed.",
        render_invalid=lambda r: _page(rename_errors={public_id: r.form.name.errors}),
    )


@describes("passkeys.delete")
def _delete_words(passkey) -> Confirmation:
    return Confirmation(
        title=f"Delete passkey {passkey.name}?",
        detail="You can no longer sign in or confirm it's you with it. Remove it from the "
        "device or password manager too.",
        button="Delete passkey",
    )


@bp.get(f"{PAGE}/<public_id>/delete")
def confirm_delete(public_id: str):
    """Ask before deleting a passkey (after sudo mode).

    :raise 404: not the user's passkey.
    """
    passkey = next((p for p in data.list_passkeys() if p.public_id == public_id), None)
    return confirm_page(
        "passkeys.delete", cancel_url=url_for(".index"), sudo=True, passkey=passkey or abort(404)
    )


@bp.post(f"{PAGE}/<public_id>/delete")
def delete(public_id: str):
    """Delete a passkey; needs sudo mode.

    :raise 404: not the user's passkey.
    """
    result = actions.delete_passkey(request.form, public_id=public_id)
    return respond(result, success_url=url_for(".index"), flash_message="Passkey deleted.")


@bp.post("/sign-in/passkey/options")
def sign_in_options():
    """Return the options for a passwordless sign-in with any passkey."""
    return _options(actions.sign_in_options(request.form))


@bp.post("/sign-in/passkey")
def sign_in():
    """Sign in with a passkey, no password, and go back to ``next``.

    :raise 422: the passkey's answer does not verify (wrong challenge, user not verified...).
    """
    next_value = safe_next(request.values.get("next"))
    result = actions.sign_in_with_passkey(request.form)
    return respond(
        result,
        success_url=next_value or url_for("organizations.index"),
        render_invalid=lambda r: htmx.render(
            "auth/sign_in.html",
            form=SignInForm(formdata=None),
            passkey_form=r.form,
            next=next_value,
        ),
    )


@bp.post("/sign-in/two-factor/passkey/options")
def second_factor_options():
    """Return the options to use one of the pending sign-in's passkeys.

    :raise 404: this browser has no pending sign-in.
    """
    return _options(actions.second_factor_options(request.form))


@bp.post("/sign-in/two-factor/passkey")
def second_factor():
    """Finish a pending sign-in with a passkey.

    :raise 422: the passkey's answer does not verify.
    """
    result = actions.second_factor_with_passkey(request.form)
    if not result.ok:
        return respond(
            result,
            success_url=url_for("two_factor.sign_in"),
            render_invalid=lambda r: second_step_page(passkey_form=r.form),
        )
    return finish_second_step(result.data)


@bp.post("/sudo/passkey/options")
def sudo_options():
    """Return the options to confirm sudo mode with one of the user's passkeys."""
    return _options(actions.sudo_options(request.form))


@bp.post("/sudo/passkey")
def sudo():
    """Enter sudo mode with a passkey, then go back to ``next``.

    :raise 422: the passkey's answer does not verify.
    """
    next_value = safe_next(request.values.get("next"))
    result = actions.confirm_sudo_with_passkey(request.form)
    if result.ok:
        flash("Confirmed. You can continue.")
    return respond(
        result,
        success_url=next_value or url_for("organizations.index"),
        render_invalid=lambda r: htmx.render(
            "auth/sudo.html", form=SudoForm(formdata=None), passkey_form=r.form, next=next_value
        ),
    )
