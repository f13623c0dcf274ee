"""Encrypt TOTP secrets at rest with Fernet (AES-128-CBC and HMAC-SHA256, from ``cryptography``).

The keys come from ``TOTP_ENCRYPTION_KEYS`` (newest first), or else one key derived from
``SECRET_KEY`` with HKDF, so a leaked database alone does not give away any secret. With
several keys, ``MultiFernet`` decrypts with any of them and encrypts with the first; ``flask
two-factor rotate-key`` re-encrypts every secret with the first.

``cryptography`` is imported inside the functions that use it: it costs each worker about
7 MiB, and only requests that read or write a secret need it.
"""

import base64

from flask import current_app

_HKDF_INFO = b"myapp totp secret encryption"


def derive_key(secret_key: str) -> bytes:
    """Return a Fernet key derived from ``secret_key``, used only for TOTP secrets."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def _fernet():
    from cryptography.fernet import Fernet, MultiFernet

    configured = current_app.config.get("TOTP_ENCRYPTION_KEYS")
    if configured:
        keys = [key.strip().encode() for key in configured.split(",") if key.strip()]
    else:
        keys = [derive_key(current_app.config["SECRET_KEY"])]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(secret: str) -> str:
    """Return ``secret`` encrypted with the newest key."""
    return _fernet().encrypt(secret.encode()).decode()


def decrypt(token: str) -> str:
    """Return the secret in ``token``, trying every configured key."""
    return _fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """Return ``token`` re-encrypted with the newest key."""
    return _fernet().rotate(token.encode()).decode()
