"""Sign up, sign in and sign out: the writes of the auth feature, each through the action client."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from myapp.actions import action_client, auth_action_client, return_validation_errors
from myapp.auth.forms import EmptyForm, SignInForm, SignUpForm
from myapp.auth.models import User, normalize_email
from myapp.auth.passwords import check_password, hash_password
from myapp.extensions import db
from myapp.sessions.lifecycle import end_session, start_session

#: One answer for a wrong password and an unknown email, so neither tells which accounts exist.
BAD_CREDENTIALS = "Incorrect email or password."


@action_client.metadata(action_name="sign_up").schema(SignUpForm).action
def sign_up(parsed_input, ctx):
    """Create an account and sign it in on this device."""
    email = normalize_email(parsed_input["email"])
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        return_validation_errors({"email": ["An account with this email already exists."]})
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
        db.session.rollback()
        return_validation_errors({"email": ["An account with this email already exists."]})
    auth_session = start_session(user)
    db.session.commit()
    return auth_session


@action_client.metadata(action_name="sign_in").schema(SignInForm).action
def sign_in(parsed_input, ctx):
    """Check the credentials and start a new session on this device."""
    email = normalize_email(parsed_input["email"])
    user = db.session.scalar(select(User).where(User.email == email))
    if not check_password(user.password_hash if user else None, parsed_input["password"]):
        return_validation_errors(form_errors=[BAD_CREDENTIALS])
    auth_session = start_session(user)
    db.session.commit()
    return auth_session


@auth_action_client.metadata(action_name="sign_out").schema(EmptyForm).action
def sign_out(parsed_input, ctx):
    """End this device's session."""
    end_session(ctx.session)
    db.session.commit()
