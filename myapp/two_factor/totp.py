"""TOTP codes (RFC 6238, via pyotp) and recovery codes: making, checking, never reusing.

A code is accepted for the current 30-second step or one step either side (clock drift), and
only for a step later than the last one accepted, so an observed code cannot be replayed.
The check and the record of the step are one conditional UPDATE, so two requests racing with
the same code cannot both win.
"""

import hashlib
import hmac
import re
import secrets
import time

import pyotp
import segno
from markupsafe import Markup
from sqlalchemy import func, or_, select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.two_factor import crypto
from myapp.two_factor.models import RecoveryCode, TotpCredential

ISSUER = "myapp"
RECOVERY_CODE_COUNT = 10
#: Steps either side of now that are still accepted.
VALID_WINDOW = 1
_TOTP_CODE = re.compile(r"\d{6}")
#: A recovery code is 28 random base32 characters (140 bits), shown in seven groups of four.
_RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_RECOVERY_LENGTH = 28


def new_secret() -> str:
    """Return a new random base32 TOTP secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """Return the ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """Return the QR code of ``uri`` as inline SVG: no script, no style attribute, no image URL."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff")
    return Markup(svg)


def current_step(now: float | None = None) -> int:
    """Return the 30-second time step of ``now`` (default: the current time)."""
    return int((time.time() if now is None else now) // 30)


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """Return the step within the window whose code is ``code``, or None."""
    code = code.strip().replace(" ", "")
    if not _TOTP_CODE.fullmatch(code):
        return None
    totp = pyotp.TOTP(secret)
    step = current_step(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.at(candidate * 30), code):
            return candidate
    return None


def verify_totp(user_id: int, code: str, *, confirmed: bool = True) -> bool:
    """Accept ``code`` for the user's authenticator once, recording its step; stage the update.

    ``confirmed=False`` checks the setup in progress instead of the active authenticator.
    """
    credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user_id))
    if credential is None or (credential.confirmed_at is not None) != confirmed:
        return False
    step = matching_step(crypto.decrypt(credential.secret_encrypted), code)
    if step is None:
        return False
    claimed = db.session.execute(
        update(TotpCredential)
        .where(
            TotpCredential.id == credential.id,
            or_(TotpCredential.last_used_step.is_(None), TotpCredential.last_used_step < step),
        )
        .values(last_used_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def has_totp(user_id: int) -> bool:
    """Return whether the user has a confirmed authenticator app."""
    return (
        db.session.scalar(
            select(TotpCredential.id).where(
                TotpCredential.user_id == user_id, TotpCredential.confirmed_at.is_not(None)
            )
        )
        is not None
    )


def _normalize_recovery_code(code: str) -> str | None:
    value = re.sub(r"[\s-]", "", code).upper()
    if len(value) != _RECOVERY_LENGTH or not re.fullmatch(r"[A-Z2-7]+", value):
        return None
    return value


def hash_recovery_code(code: str) -> str:
    """Return the SHA-256 of a normalised recovery code: 140 random bits need no slow hash."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _format_recovery_code(value: str) -> str:
    return "-".join(value[i : i + 4] for i in range(0, len(value), 4)).lower()


def replace_recovery_codes(user_id: int) -> list[str]:
    """Stage a new set of recovery codes for the user, replacing the old; return them in clear."""
    db.session.query(RecoveryCode).filter(RecoveryCode.user_id == user_id).delete(
        synchronize_session=False
    )
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        value = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        db.session.add(RecoveryCode(user_id=user_id, code_hash=hash_recovery_code(value)))
        codes.append(_format_recovery_code(value))
    return codes


def use_recovery_code(user_id: int, code: str) -> bool:
    """Spend one unused recovery code of the user; stage the update and return whether it was."""
    value = _normalize_recovery_code(code)
    if value is None:
        return False
    used = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user_id,
            RecoveryCode.code_hash == hash_recovery_code(value),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return used == 1


def recovery_codes_left(user_id: int) -> int:
    """Return how many unused recovery codes the user has."""
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
        )
    )
