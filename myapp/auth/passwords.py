"""Hash and check passwords with werkzeug's scrypt, at a cost set by configuration."""

from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from myapp.auth.models import UNUSABLE_PASSWORD


def hash_password(password: str) -> str:
    """Return a salted hash of ``password`` using ``PASSWORD_HASH_METHOD``."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)


def check_password(password_hash: str | None, password: str) -> bool:
    """Return whether ``password`` matches ``password_hash``.

    With no hash (an unknown email, or an account without a password) a dummy hash is checked
    instead, so the answer costs the same hashing work and its timing does not tell which
    emails have accounts.
    """
    if password_hash is None or not has_password(password_hash):
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return False
    return check_password_hash(password_hash, password)


def has_password(password_hash: str) -> bool:
    """Return whether ``password_hash`` belongs to an account that has a password at all."""
    return not password_hash.startswith(UNUSABLE_PASSWORD)
