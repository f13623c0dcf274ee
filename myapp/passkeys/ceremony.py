"""WebAuthn ceremonies with py_webauthn: options for the browser, and checking what it returns.

The relying-party id and the expected origin come from ``PUBLIC_URL`` (``WEBAUTHN_RP_ID`` may
override the id), never from the request's Host header. Every challenge is random (32 bytes
from ``secrets``), stored only as its SHA-256 with its purpose and user, expires after five
minutes, and is deleted on first use, on its own connection so a failed check cannot bring it
back by rolling back.

py_webauthn is imported inside the functions that use it: with the part of ``cryptography`` it
loads it costs each worker about 15 MiB, and most requests never run a ceremony.
"""

import hashlib
import hmac
import json
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select

from myapp.database import utcnow
from myapp.extensions import db
from myapp.passkeys.models import Passkey, PasskeyChallenge

CHALLENGE_MAX_AGE = timedelta(minutes=5)
RP_NAME = "myapp"
#: Longest credential JSON accepted from the browser (a passkey assertion is about 1 KB).
CREDENTIAL_MAX_LENGTH = 16_000


class CeremonyError(Exception):
    """What the browser sent is not a valid answer to one of our challenges."""


def rp_id() -> str:
    """Return the relying-party id: ``WEBAUTHN_RP_ID``, or the host name of ``PUBLIC_URL``."""
    config = current_app.config
    return config.get("WEBAUTHN_RP_ID") or urlsplit(config["PUBLIC_URL"]).hostname


def expected_origin() -> str:
    """Return the origin the browser must report: the scheme, host and port of ``PUBLIC_URL``."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    return f"{parts.scheme}://{parts.netloc}"


def user_handle(user_id: int) -> bytes:
    """Return the opaque WebAuthn user handle of a user: stable, and not their database id."""
    key = hashlib.sha256(b"webauthn user handle " + current_app.secret_key.encode()).digest()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).digest()


def _hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _new_challenge(purpose: str, user_id: int | None) -> bytes:
    challenge = secrets.token_bytes(32)
    now = utcnow()
    db.session.add(
        PasskeyChallenge(
            challenge_hash=_hash(challenge),
            purpose=purpose,
            user_id=user_id,
            created_at=now,
            expires_at=now + CHALLENGE_MAX_AGE,
        )
    )
    return challenge


def _descriptors(user_id: int) -> list:
    from webauthn.helpers import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    ids = db.session.scalars(select(Passkey.credential_id).where(Passkey.user_id == user_id))
    return [PublicKeyCredentialDescriptor(id=base64url_to_bytes(i)) for i in ids]


def registration_options(user_id: int, email: str, name: str) -> str:
    """Stage a registration challenge; return the options JSON for ``navigator.credentials``.

    Asks for a discoverable credential (a passkey) with user verification, and excludes the
    user's existing passkeys so one authenticator is not registered twice.
    """
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    options = generate_registration_options(
        rp_id=rp_id(),
        rp_name=RP_NAME,
        user_name=email,
        user_id=user_handle(user_id),
        user_display_name=name,
        challenge=_new_challenge("register", user_id),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user_id),
    )
    return options_to_json(options)


def authentication_options(purpose: str, user_id: int | None) -> str:
    """Stage an authentication challenge; return the options JSON.

    With a user (second factor, sudo) only their passkeys are allowed; without one
    (passwordless sign-in) the browser offers whichever passkey the person picks.
    """
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    options = generate_authentication_options(
        rp_id=rp_id(),
        challenge=_new_challenge(purpose, user_id),
        allow_credentials=_descriptors(user_id) if user_id is not None else [],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json(options)


def _parse(credential_json: str) -> tuple[dict, bytes]:
    """Return the credential as a dict and the challenge its client data signed."""
    from webauthn.helpers import base64url_to_bytes

    if not credential_json or len(credential_json) > CREDENTIAL_MAX_LENGTH:
        raise CeremonyError("no credential")
    try:
        credential = json.loads(credential_json)
        client_data = json.loads(
            base64url_to_bytes(credential["response"]["clientDataJSON"]).decode()
        )
        challenge = base64url_to_bytes(client_data["challenge"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise CeremonyError("malformed credential") from error
    if not isinstance(credential, dict):
        raise CeremonyError("malformed credential")
    return credential, challenge


def _consume_challenge(challenge: bytes, purpose: str, user_id: int | None) -> None:
    """Delete the challenge's row, committed at once; refuse an unknown, used or stale one."""
    statement = delete(PasskeyChallenge).where(
        PasskeyChallenge.challenge_hash == _hash(challenge),
        PasskeyChallenge.purpose == purpose,
        PasskeyChallenge.expires_at > utcnow(),
    )
    if user_id is not None:
        statement = statement.where(PasskeyChallenge.user_id == user_id)
    with db.engine.begin() as connection:
        found = connection.execute(statement.returning(PasskeyChallenge.id)).first()
    if found is None:
        raise CeremonyError("unknown or expired challenge")


def verify_registration(credential_json: str, user_id: int) -> dict:
    """Check a new passkey's attestation for the user; return the columns to store.

    :raise CeremonyError: the answer is malformed, not for our challenge, or unverified.
    """
    from webauthn import verify_registration_response
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.exceptions import WebAuthnException

    credential, challenge = _parse(credential_json)
    _consume_challenge(challenge, "register", user_id)
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
            require_user_verification=True,
        )
    except WebAuthnException as error:
        raise CeremonyError(str(error)) from error
    return {
        "credential_id": bytes_to_base64url(verified.credential_id),
        "public_key": verified.credential_public_key,
        "sign_count": verified.sign_count,
        "backed_up": verified.credential_backed_up,
    }


def verify_assertion(credential_json: str, purpose: str, user_id: int | None = None) -> Passkey:
    """Check a passkey's signature over our challenge; stage its new counter; return it.

    ``user_id`` (second factor, sudo) limits the check to that user's passkeys. A signature
    counter that does not move forward means a cloned authenticator: py_webauthn refuses it.

    :raise CeremonyError: malformed, not for our challenge or purpose, unknown passkey, bad
        signature, user not verified, or a counter that went backwards.
    """
    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    credential, challenge = _parse(credential_json)
    _consume_challenge(challenge, purpose, user_id)
    credential_id = credential.get("id") or credential.get("rawId")
    if not isinstance(credential_id, str):
        raise CeremonyError("malformed credential")
    query = select(Passkey).where(Passkey.credential_id == credential_id)
    if user_id is not None:
        query = query.where(Passkey.user_id == user_id)
    passkey = db.session.scalar(query)
    if passkey is None:
        raise CeremonyError("unknown passkey")
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id(),
            expected_origin=expected_origin(),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except WebAuthnException as error:
        raise CeremonyError(str(error)) from error
    passkey.sign_count = verified.new_sign_count
    passkey.backed_up = verified.credential_backed_up
    passkey.last_used_at = utcnow()
    return passkey


def purge_expired_challenges() -> int:
    """Delete expired challenges; return how many."""
    return db.session.execute(
        delete(PasskeyChallenge).where(PasskeyChallenge.expires_at <= utcnow())
    ).rowcount
