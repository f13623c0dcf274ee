"""Helpers the account tests share: read a user back, expire links, sign up."""

from datetime import timedelta

from sqlalchemy import func, select, update

from myapp.auth.models import User
from myapp.database import utcnow
from myapp.extensions import db
from myapp.security.models import SecurityEvent
from myapp.tokens import Token
from tests import factories


def user_row(app, user_id: int) -> User:
    """Return the user as stored now (detached)."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def expire_links(app, purpose: str) -> None:
    """Move every token of ``purpose`` one second past its expiry."""
    with app.app_context():
        db.session.execute(
            update(Token)
            .where(Token.purpose == purpose)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def event_kinds(app, user_id: int) -> list[str]:
    """Return the user's security events, oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                select(SecurityEvent.kind)
                .where(SecurityEvent.user_id == user_id)
                .order_by(SecurityEvent.id)
            )
        )


def token_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Token))


def sign_up(client, email="ada@example.com", name="Ada Lovelace"):
    """Sign up through the real form."""
    return client.post(
        "/sign-up", {"name": name, "email": email, "password": factories.DEFAULT_PASSWORD}
    )
