"""Two-factor pages: the settings page, the second sign-in step, and sudo mode by code.

The forms are plain posts (boosted by htmx): the page loads again after each, as a full page.
Recovery codes are shown in the answer to the post that made them, and never again.
"""

from flask import Blueprint, flash, request, url_for

from myapp import htmx
from myapp.actions import ActionResult, respond
from myapp.auth.forms import SudoForm
from myapp.auth.redirects import safe_next
from myapp.confirm import Confirmation, confirm_page, describes
from myapp.two_factor import actions, data, pending
from myapp.two_factor.forms import OrganizationPolicyForm, SecondFactorForm, TotpCodeForm

bp = Blueprint("two_factor", __name__)

SIGN_IN_EXPIRED = "Your sign-in expired. Enter your email and password again."
TOO_MANY_CODES = "Too many incorrect codes. Enter your email and password again."


@bp.app_context_processor
def inject_sudo_options():
    # The sudo page (auth/sudo.html) offers the second factors when the user has them.
    return {
        "sudo_second_factors": data.get_sudo_options,
        "totp_code_form": lambda: TotpCodeForm(formdata=None),
    }


def _settings_page(status: int = 200, *, confirm_form=None, recovery_codes=None, form=None):
    return htmx.render(
        "two_factor/index.html",
        status=status,
        settings=data.get_two_factor_settings(),
        confirm_form=confirm_form or TotpCodeForm(formdata=None),
        recovery_codes=recovery_codes,
        form=form,
    )


@bp.get("/settings/security/two-factor")
def settings():
    """Show whether two-factor is on; during setup (in sudo mode) the QR code and secret."""
    return _settings_page()


def _answer(result: ActionResult, message: str | None = None):
    """Answer a settings post: post/redirect/get with a flash, or the page with the errors."""
    return respond(
        result,
        success_url=url_for(".settings"),
        flash_message=message,
        render_invalid=lambda r: _settings_page(
            confirm_form=r.form if "code" in (r.validation_errors or {}) else None, form=r.form
        ),
    )


def _show_codes(result: ActionResult):
    """Show new recovery codes in the answer to the post that made them: never again."""
    if result.ok:
        return _settings_page(recovery_codes=result.data)
    return _answer(result)


@bp.post("/settings/security/two-factor/setup")
def start_setup():
    """Make a new secret and show it as a QR code; needs sudo mode."""
    return _answer(
        actions.start_totp_setup(request.form), "Scan the QR code with your authenticator app."
    )


@bp.post("/settings/security/two-factor/confirm")
def confirm():
    """Turn two-factor on with a current code and show the recovery codes once.

    :raise 422: the code is wrong, or no setup is in progress.
    """
    return _show_codes(actions.confirm_totp(request.form))


@describes("two_factor.regenerate_recovery_codes")
def _regenerate_words() -> Confirmation:
    return Confirmation(
        title="Make new recovery codes?",
        detail="Your current recovery codes stop working at once, used or not. The new ones "
        "are shown once.",
        button="Make new codes",
    )


@describes("two_factor.disable")
def _disable_words() -> Confirmation:
    return Confirmation(
        title="Turn off two-factor authentication?",
        detail="Sign-in will ask only for your password, and your recovery codes are deleted.",
        button="Turn off two-factor",
    )


@bp.get("/settings/security/two-factor/recovery-codes")
def confirm_regenerate_recovery_codes():
    """Ask before replacing the recovery codes (after sudo mode)."""
    return confirm_page(
        "two_factor.regenerate_recovery_codes", cancel_url=url_for(".settings"), sudo=True
    )


@bp.get("/settings/security/two-factor/disable")
def confirm_disable():
    """Ask before turning the authenticator app off (after sudo mode)."""
    return confirm_page("two_factor.disable", cancel_url=url_for(".settings"), sudo=True)


@bp.post("/settings/security/two-factor/recovery-codes")
def regenerate_recovery_codes():
    """Replace the recovery codes and show the new ones once; needs sudo mode."""
    return _show_codes(actions.regenerate_recovery_codes(request.form))


@bp.post("/settings/security/two-factor/disable")
def disable():
    """Turn the authenticator app off and delete the recovery codes; needs sudo mode."""
    return _answer(actions.disable_totp(request.form), "Two-factor authentication is off.")


def _start_over(message: str):
    flash(message)
    response = htmx.redirect(url_for("auth.sign_in"))
    pending.forget(response)
    return response


def finish_second_step(step: actions.SecondStep):
    """Answer a second step that ended: signed in (go to ``next``), or start over."""
    if not step.signed_in:
        return _start_over(TOO_MANY_CODES if step.too_many_codes else SIGN_IN_EXPIRED)
    if step.recovery_codes_left is not None:
        left = step.recovery_codes_left
        flash(
            f"You signed in with a recovery code. You have {left} "
            f"recovery code{'s' if left != 1 else ''} left."
        )
    response = htmx.redirect(safe_next(step.next_path) or url_for("organizations.index"))
    pending.forget(response)
    return response


def second_step_page(form=None, passkey_form=None):
    """Render the second sign-in step with the factors the pending user has."""
    options = data.get_pending_options() or data.SecondFactorOptions(totp=False, passkey=False)
    return htmx.render(
        "two_factor/sign_in.html",
        form=form or SecondFactorForm(formdata=None),
        passkey_form=passkey_form,
        options=options,
    )


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
def sign_in():
    """Ask for the second factor of a sign-in whose password was right; then sign in.

    :raise 422: the code is wrong (the step allows five).
    :raise 429: the account or address failed too often.
    """
    if request.method == "POST":
        result = actions.verify_second_factor(request.form)
        if not result.ok:
            return respond(
                result,
                success_url=url_for(".sign_in"),
                render_invalid=lambda r: second_step_page(form=r.form),
            )
        return finish_second_step(result.data)
    if data.get_pending_options() is None:
        return _start_over(SIGN_IN_EXPIRED)
    return second_step_page()


@bp.post("/sudo/code")
def sudo_with_code():
    """Enter sudo mode with a code from the authenticator app, then go back to ``next``.

    :raise 422: the code is wrong.
    """
    next_value = safe_next(request.values.get("next"))
    result = actions.confirm_sudo_with_code(request.form)
    return respond(
        result,
        success_url=next_value or url_for("organizations.index"),
        flash_message="Confirmed. You can continue.",
        render_invalid=lambda r: htmx.render(
            "auth/sudo.html", form=SudoForm(formdata=None), code_form=r.form, next=next_value
        ),
    )


def _policy_page(form=None):
    ctx = data.get_organization_policy()
    return htmx.render(
        "two_factor/organization_settings.html",
        ctx=ctx,
        form=form
        or OrganizationPolicyForm(
            formdata=None, require_two_factor=ctx.organization.require_two_factor
        ),
    )


@bp.get("/organizations/<slug>/settings")
def organization_settings(slug):
    """Show the organization's settings (the two-factor policy); owner only.

    :raise 403: not the owner.
    :raise 404: not a member.
    """
    return _policy_page()


@bp.post("/organizations/<slug>/settings")
def update_organization_settings(slug):
    """Turn "require two-factor authentication" on or off; owner only, in sudo mode.

    :raise 403: not the owner.
    :raise 404: not a member.
    :raise 422: the owner has no second factor and tried to turn it on.
    """
    result = actions.set_two_factor_policy(request.form)
    message = None
    if result.ok:
        message = (
            "Members now need two-factor authentication."
            if result.data
            else "Two-factor authentication is no longer required."
        )
    return respond(
        result,
        success_url=url_for(".organization_settings", slug=slug),
        flash_message=message,
        render_invalid=lambda r: _policy_page(form=r.form),
    )
