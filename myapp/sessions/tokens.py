"""Make session tokens and the hashes the database keeps of them."""

import hashlib
import re
import secrets

#: 32 random bytes: 256 bits, as urlsafe base64 without padding (43 characters).
TOKEN_BYTES = 32
_TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    """Return a fresh opaque session token for the browser."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def new_public_id() -> str:
    """Return a random id for addressing a session in pages and URLs."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    """Return the hex SHA-256 of ``token``: what the sessions table stores and looks up.

    A fast hash is right here: the token has 256 bits of entropy, so there is nothing to
    brute-force, and the lookup sits on every request.
    """
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: str | None) -> bool:
    """Return whether ``token`` could be one of ours; anything else is signed out unseen."""
    return token is not None and _TOKEN_PATTERN.fullmatch(token) is not None
