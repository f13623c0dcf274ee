"""Email verification, password reset, and the account settings page.

Every link in mail opens a page that changes nothing (mail scanners prefetch links); its one
button posts the change. A used, expired or unknown link gets a 404 page that offers a new
one, whatever the reason, so the page tells an attacker nothing about the token.
"""

from flask import Blueprint, redirect, request, url_for

from myapp import htmx
from myapp.accounts import actions, data, emails
from myapp.accounts.forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    ForgotPasswordForm,
    NameForm,
    ResetPasswordForm,
)
from myapp.actions import ActionResult, respond
from myapp.auth.redirects import requested_path
from myapp.confirm import Confirmation, describes

bp = Blueprint("accounts", __name__)


def _link_invalid(purpose: str):
    """Answer a link that cannot be used with 404 and a way to get a new one."""
    return htmx.render("accounts/link_invalid.html", status=404, purpose=purpose)


def _answer_link(result: ActionResult, purpose: str, **kwargs):
    """Answer a link's button: the invalid-link page for a 404, else ``respond``."""
    if result.status == 404:
        return _link_invalid(purpose)
    return respond(result, **kwargs)


@bp.route("/verify-email/<token>", methods=["GET", "POST"])
def verify_email(token: str):
    """Show the "Confirm email" button for a verification link; on POST verify the address.

    :raise 404: the link is used, expired or unknown; nothing changes.
    """
    if request.method == "POST":
        result = actions.verify_email(request.form, token=token)
        return _answer_link(
            result,
            emails.VERIFY_EMAIL,
            success_url=url_for("auth.home"),
            flash_message=f"Thank you: {result.data} is verified." if result.ok else None,
        )
    email = data.link_target(emails.VERIFY_EMAIL, token)
    if email is None:
        return _link_invalid(emails.VERIFY_EMAIL)
    return htmx.render("accounts/verify_email.html", email=email, token=token)


@bp.get("/verify-email/resend")
def resend_verification_page():
    """Send a GET of the resend button's URL (a reload after resending) to the account page.

    Without this route the URL would match the mailed link's ``/verify-email/<token>`` and
    answer "link not valid".
    """
    return redirect(url_for(".account"), 303)


@bp.post("/verify-email/resend")
def resend_verification():
    """Mail a new verification link and go back to the page the user was on.

    :raise 429: a link went out within the minute, or five within the day.
    """
    result = actions.resend_verification(request.form)
    if result.data is None:
        message = "Your email address is already verified."
    elif result.data:
        message = "We sent a new verification link. Check your inbox."
    else:
        message = "We could not send the email just now. Try again in a minute."
    return respond(result, success_url=requested_path(), flash_message=message)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the account exists.

    :raise 422: the email is missing or malformed.
    :raise 429: this email or IP asked too often within the hour.
    """
    if request.method == "POST":
        result = actions.request_password_reset(request.form)
        return respond(
            result,
            success_url=url_for("accounts.forgot_password"),
            flash_message=(
                "If an account uses that address, we have sent it a link to reset the "
                "password. Check your inbox."
            ),
            render_invalid=lambda r: htmx.render("accounts/forgot_password.html", form=r.form),
        )
    return htmx.render("accounts/forgot_password.html", form=ForgotPasswordForm(formdata=None))


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Show the new-password form for a reset link; on POST set it and sign out everywhere.

    :raise 404: the link is used, expired or unknown; nothing changes.
    :raise 422: the new password breaks the rules; the link still works.
    """
    if request.method == "POST":
        result = actions.reset_password(request.form, token=token)
        return _answer_link(
            result,
            emails.RESET_PASSWORD,
            success_url=url_for("auth.sign_in"),
            flash_message="Your password has been reset. Sign in with your new password.",
            render_invalid=lambda r: htmx.render(
                "accounts/reset_password.html", form=r.form, token=token
            ),
        )
    if data.link_target(emails.RESET_PASSWORD, token) is None:
        return _link_invalid(emails.RESET_PASSWORD)
    return htmx.render(
        "accounts/reset_password.html", form=ResetPasswordForm(formdata=None), token=token
    )


def _account_page(name_form=None, email_form=None, delete_form=None):
    account = data.get_account()
    return htmx.render(
        "accounts/account.html",
        account=account,
        name_form=name_form or NameForm(formdata=None, data={"name": account.name}),
        email_form=email_form or ChangeEmailForm(formdata=None),
        delete_form=delete_form or DeleteAccountForm(formdata=None),
    )


@bp.get("/settings/account")
def account():
    """Show the name and email, with a form to change each."""
    return _account_page()


@bp.post("/settings/account/name")
def update_name():
    """Change the name shown to the user and their organizations.

    :raise 422: the name is empty or too long.
    """
    result = actions.update_name(request.form)
    return respond(
        result,
        success_url=url_for("accounts.account"),
        flash_message="Your name has been updated.",
        render_invalid=lambda r: _account_page(name_form=r.form),
    )


@bp.post("/settings/account/email")
def request_email_change():
    """Mail a link to the new address (needs sudo mode); the email changes when it is opened.

    :raise 422: the address is malformed, unchanged or taken.
    """
    result = actions.request_email_change(request.form)
    message = None
    if result.ok:
        requested = result.data
        message = (
            f"We sent a link to {requested.new_email}. Your email changes when you open it."
            if requested.sent
            else "We could not send the email just now. Try again in a minute."
        )
    return respond(
        result,
        success_url=url_for("accounts.account"),
        flash_message=message,
        render_invalid=lambda r: _account_page(email_form=r.form),
    )


@bp.route("/change-email/<token>", methods=["GET", "POST"])
def change_email(token: str):
    """Show the button that confirms a new address; on POST move the account to it.

    :raise 404: the link is used, expired or unknown; nothing changes.
    :raise 409: another account took the address meanwhile; nothing changes.
    """
    if request.method == "POST":
        result = actions.change_email(request.form, token=token)
        return _answer_link(
            result,
            emails.CHANGE_EMAIL,
            success_url=url_for("accounts.account"),
            flash_message=f"Your email address is now {result.data}." if result.ok else None,
        )
    email = data.link_target(emails.CHANGE_EMAIL, token)
    if email is None:
        return _link_invalid(emails.CHANGE_EMAIL)
    return htmx.render("accounts/change_email.html", email=email, token=token)


@describes("accounts.delete", typed=True)
def _delete_words() -> Confirmation:
    return Confirmation(
        title="Delete your account?",
        detail="You are signed out everywhere, you leave every organization, and "
        "organizations where you are the only member are deleted. This cannot be undone.",
        button="Delete my account",
    )


@bp.post("/settings/account/delete")
def delete():
    """Delete the account (sudo mode, typing the email to confirm) and sign out everywhere.

    :raise 422: the typed email does not match, or the user is the last owner of an
        organization with other members (the message names them).
    """
    result = actions.delete_account(request.form)
    # No render_swap: every kind of request leaves for the sign-in page.
    return respond(
        result,
        success_url=url_for("auth.sign_in"),
        flash_message="Your account has been deleted.",
        render_invalid=lambda r: _account_page(delete_form=r.form),
    )
