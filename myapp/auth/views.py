"""Sign-up, sign-in and sign-out pages."""

from flask import Blueprint, flash, redirect, request, url_for

from myapp import htmx
from myapp.actions import respond
from myapp.auth import actions
from myapp.auth.forms import SignInForm, SignUpForm, SudoForm
from myapp.auth.models import EMAIL_MAX_LENGTH
from myapp.auth.redirects import safe_next, sign_in_url
from myapp.sessions import deduped_auth, get_auth_context

bp = Blueprint("auth", __name__)

#: What a tab that was moved to sign in because its session ended shows there.
SESSION_ENDED = "You were signed out. Sign in again to continue."


def _landing(next_value: str | None) -> str:
    return safe_next(next_value) or url_for("organizations.index")


def _prefilled() -> dict:
    """Return the ``?email=`` an invitation link passes, to fill the form's email field."""
    email = request.args.get("email", "")
    return {"email": email} if 0 < len(email) <= EMAIL_MAX_LENGTH else {}


@bp.get("/")
def home():
    """Send visitors to their organizations (which sends the signed-out to sign in)."""
    return redirect(url_for("organizations.index"), 303)


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up():
    """Show the sign-up form; on POST create the account and sign it in.

    :raise 422: the form is invalid or the email is taken.
    """
    next_value = safe_next(request.values.get("next"))
    if request.method == "POST":
        result = actions.sign_up(request.form)
        return respond(
            result,
            success_url=_landing(next_value),
            flash_message="Welcome! Your account is ready.",
            render_invalid=lambda r: htmx.render("auth/sign_up.html", form=r.form, next=next_value),
        )
    if deduped_auth() is not None:
        return redirect(_landing(next_value), 303)
    form = SignUpForm(formdata=None, data=_prefilled())
    return htmx.render("auth/sign_up.html", form=form, next=next_value)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Show the sign-in form; on POST start a session and go back to ``next``.

    :raise 422: the form is invalid or the credentials are wrong.
    """
    next_value = safe_next(request.values.get("next"))
    if request.method == "POST":
        result = actions.sign_in(request.form, next_path=next_value)
        return respond(
            result,
            success_url=_landing(next_value),
            render_invalid=lambda r: htmx.render("auth/sign_in.html", form=r.form, next=next_value),
        )
    if deduped_auth() is not None:
        return redirect(_landing(next_value), 303)
    # ``next`` travels beside the form, checked by safe_next(), never as a form field.
    form = SignInForm(formdata=None, data=_prefilled())
    return htmx.render("auth/sign_in.html", form=form, next=next_value)


@bp.post("/sign-out")
def sign_out():
    """End this device's session and go to the sign-in page."""
    result = actions.sign_out(request.form)
    return respond(
        result, success_url=url_for("auth.sign_in"), flash_message="You have been signed out."
    )


@bp.route("/sudo", methods=["GET", "POST"])
def sudo():
    """Ask for the password again before a sensitive action, then go back to ``next``.

    :raise 422: the password is wrong.
    """
    get_auth_context()
    next_value = safe_next(request.values.get("next"))
    if request.method == "POST":
        result = actions.confirm_password(request.form)
        return respond(
            result,
            success_url=_landing(next_value),
            flash_message="Password confirmed. You can continue.",
            render_invalid=lambda r: htmx.render("auth/sudo.html", form=r.form, next=next_value),
        )
    return htmx.render("auth/sudo.html", form=SudoForm(formdata=None), next=next_value)


@bp.get("/session-ended")
def session_ended():
    """Send a tab whose session has ended to sign in, saying why, and back to ``next`` after.

    ``static/js/session-check.js`` comes here when the session check answers that the session
    has ended. A browser that is signed in again by now (in another tab) goes straight back.
    """
    next_value = safe_next(request.args.get("next"))
    if deduped_auth() is not None:
        return redirect(_landing(next_value), 303)
    flash(SESSION_ENDED)
    return redirect(sign_in_url(next_value), 303)
