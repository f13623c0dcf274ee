"""``flask two-factor rotate-key`` re-encrypts TOTP secrets; ``flask sessions clear-expired``
also deletes ended two-factor steps and passkey challenges."""

from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.passkeys.models import PasskeyChallenge
from myapp.two_factor.crypto import derive_key
from myapp.two_factor.models import PendingSignIn, TotpCredential
from tests.two_factor_factories import code, enable_totp

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def stored_secret(app) -> str:
    with app.app_context():
        return db.session.scalar(select(TotpCredential.secret_encrypted))


@pytest.mark.settings(TOTP_ENCRYPTION_KEYS=OLD_KEY)
def test_rotating_moves_secrets_to_the_new_key_and_codes_keep_working(app, client, user):
    secret, _ = enable_totp(app, user)
    before = stored_secret(app)

    app.config["TOTP_ENCRYPTION_KEYS"] = f"{NEW_KEY},{OLD_KEY}"
    result = app.test_cli_runner().invoke(args=["two-factor", "rotate-key"])
    assert result.output == "Re-encrypted 1 TOTP secret.\n"
    after = stored_secret(app)
    assert after != before
    assert Fernet(NEW_KEY.encode()).decrypt(after.encode()).decode() == secret

    # With the old key gone, sign-in still accepts the app's codes.
    app.config["TOTP_ENCRYPTION_KEYS"] = NEW_KEY
    client.sign_in(user.email)
    assert client.post("/sign-in/two-factor", {"code": code(secret)}).status_code == 303


def test_without_a_key_setting_the_key_is_derived_from_secret_key(app, user):
    secret, _ = enable_totp(app, user)
    derived = Fernet(derive_key(app.config["SECRET_KEY"]))
    assert derived.decrypt(stored_secret(app).encode()).decode() == secret


def test_clear_expired_deletes_ended_steps_and_challenges(app, client, signed_in, user):
    enable_totp(app, user)
    client.sign_in(user.email)
    signed_in.post("/sign-in/passkey/options")
    with app.app_context():
        past = utcnow() - timedelta(seconds=1)
        db.session.execute(update(PendingSignIn).values(expires_at=past))
        db.session.execute(update(PasskeyChallenge).values(expires_at=past))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sessions", "clear-expired"])
    assert "Deleted 2 expired two-factor steps and passkey challenges." in result.output
    with app.app_context():
        assert db.session.scalar(select(PendingSignIn.id)) is None
        assert db.session.scalar(select(PasskeyChallenge.id)) is None
