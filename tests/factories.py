"""Build rows for tests with the real models and the real password hashing."""

from myapp.auth.models import User, normalize_email
from myapp.auth.passwords import hash_password
from myapp.database import utcnow
from myapp.extensions import db

DEFAULT_PASSWORD = "correct horse battery"


def make_user(
    app, name="Grace Hopper", email=None, password=DEFAULT_PASSWORD, verified=False
) -> User:
    """Create and return a user (detached, with its id loaded); ``verified``: email verified."""
    with app.app_context():
        if email is None:
            email = f"user{db.session.query(User).count() + 1}@example.com"
        user = User(
            name=name,
            email=normalize_email(email),
            password_hash=hash_password(password),
            email_verified_at=utcnow() if verified else None,
        )
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user
