"""Build rows for tests with the real models and the real password hashing."""

from myapp.auth.models import UNUSABLE_PASSWORD, User, normalize_email
from myapp.auth.passwords import hash_password
from myapp.database import utcnow
from myapp.extensions import db
from myapp.oidc.models import Identity

DEFAULT_PASSWORD = "correct horse battery"


def make_user(
    app, name="Grace Hopper", email=None, password=DEFAULT_PASSWORD, verified=False
) -> User:
    """Create and return a user (detached, with its id loaded); ``verified``: email verified.

    ``password=None`` makes an account without a password, as a provider sign-up does.
    """
    with app.app_context():
        if email is None:
            email = f"user{db.session.query(User).count() + 1}@example.com"
        user = User(
            name=name,
            email=normalize_email(email),
            password_hash=UNUSABLE_PASSWORD if password is None else hash_password(password),
            email_verified_at=utcnow() if verified else None,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def make_identity(app, user, provider="test", subject=None, email=None) -> Identity:
    """Link an OpenID provider identity to ``user`` and return it (detached)."""
    with app.app_context():
        identity = Identity(
            user_id=user.id,
            provider=provider,
            subject=subject or f"{provider}-subject-of-{user.email}",
            email=email or user.email,
        )
        db.session.add(identity)
        db.session.commit()
        db.session.refresh(identity)
        db.session.expunge(identity)
        return identity


def make_sign_in_report(app, auth_session, label="Chrome 131 on Windows", ip="198.51.100.23"):
    """Return the raw token of a "this wasn't me" link for ``auth_session``, as an alert would.

    The reported browser is a fresh known device of the session's user.
    """
    from myapp.known_devices.models import KnownDevice
    from myapp.known_devices.reports import issue_report
    from myapp.sessions.tokens import hash_token, new_token

    with app.test_request_context(environ_base={"REMOTE_ADDR": ip}):
        device = KnownDevice(
            user_id=auth_session.user.id, device_hash=hash_token(new_token()), label=label
        )
        db.session.add(device)
        db.session.flush()
        raw = issue_report(auth_session, device)
        db.session.commit()
    return raw
