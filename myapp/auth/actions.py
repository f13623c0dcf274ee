"""Sign up, sign in, sign out and confirm the password: each through the action client."""

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from myapp.accounts import emails
from myapp.accounts.actions import issue_verification
from myapp.actions import return_validation_errors
from myapp.auth import throttle
from myapp.auth.forms import SignInForm, SignUpForm, SudoForm
from myapp.auth.models import User
from myapp.auth.passwords import check_password, hash_password
from myapp.clients import action_client, auth_action_client
from myapp.database import utcnow
from myapp.extensions import db
from myapp.forms import EmptyForm
from myapp.known_devices.sign_in import alert_if_new_device, remember_device
from myapp.security.events import record_event, record_event_now
from myapp.sessions.lifecycle import client_ip, end_session, start_session
from myapp.sessions.models import UserSession
from myapp.two_factor import pending as pending_sign_in
from myapp.two_factor.factors import has_second_factor

#: One answer for a wrong password and an unknown email, so neither tells which accounts exist.
BAD_CREDENTIALS = "Incorrect email or password."
EMAIL_TAKEN = "An account with this email already exists."


@action_client.metadata(action_name="sign_up").schema(SignUpForm).action
def sign_up(parsed_input, ctx):
    """Create an account and sign it in on this device."""
    ip = client_ip()
    throttle.count_sign_up(ip)
    email = parsed_input["email"]  # in its stored form: see auth/forms.py:email_field
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return_validation_errors({"email": [EMAIL_TAKEN]})
    user = User(
        name=parsed_input["name"],
        email=email,
        password_hash=hash_password(parsed_input["password"]),
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Two sign-ups for one email raced; the unique index decided.
        return_validation_errors({"email": [EMAIL_TAKEN]})
    auth_session = start_session(user)
    record_event(user.id, "sign_up")
    verification = issue_verification(user)
    db.session.commit()
    # After the commit, so the link works; a failed send leaves "send again" on every page.
    emails.send_verification(user.email, user.name, verification)
    remember_device(user)
    return auth_session


@action_client.metadata(action_name="sign_in").schema(SignInForm).action
def sign_in(parsed_input, ctx, *, next_path: str | None = None):
    """Check the credentials and start a new session on this device.

    With a second factor on the account, return instead the response that sends the browser
    to that step (``next_path`` goes with it); failures stay counted until it succeeds.

    :raise TooManyRequests: this email or address failed too often; answered before the
        password is checked, whether or not the account exists.
    """
    email = parsed_input["email"]  # in its stored form: see auth/forms.py:email_field
    ip = client_ip()
    throttle.count_password_check(email, ip)
    user = db.session.scalar(select(User).where(User.email == email))
    if not check_password(user.password_hash if user else None, parsed_input["password"]):
        if user is not None:
            record_event_now(user.id, "sign_in_failed")
        return_validation_errors(form_errors=[BAD_CREDENTIALS])
    if has_second_factor(user.id):
        response = pending_sign_in.begin(user.id, next_path)
        db.session.commit()
        return response
    throttle.forget_failed_sign_ins(email)
    auth_session = start_session(user)
    record_event(user.id, "sign_in")
    db.session.commit()
    alert_if_new_device(user, auth_session)
    return auth_session


@auth_action_client.metadata(action_name="sign_out").schema(EmptyForm).action
def sign_out(parsed_input, ctx):
    """End this device's session."""
    record_event(ctx.session.user.id, "sign_out")
    end_session(ctx.session)
    db.session.commit()


@auth_action_client.metadata(action_name="confirm_password").schema(SudoForm).action
def confirm_password(parsed_input, ctx):
    """Enter sudo mode on this session after checking the password again."""
    user_id, email = ctx.session.user.id, ctx.session.user.email
    ip = client_ip()
    check_id = throttle.count_password_check(email, ip, session_id=ctx.session.id)
    password_hash = db.session.scalar(select(User.password_hash).where(User.id == user_id))
    if not check_password(password_hash, parsed_input["password"]):
        # Counted by the throttle above, but logged as what it was.
        record_event_now(user_id, "sudo_failed")
        return_validation_errors({"password": ["That password is not correct."]})
    throttle.forget_password_check(check_id)
    db.session.execute(
        update(UserSession).where(UserSession.id == ctx.session.id).values(sudo_at=utcnow())
    )
    record_event(user_id, "sudo_confirmed")
    db.session.commit()
