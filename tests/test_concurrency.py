"""Revocation under load: once "log out all devices" returns, no old token gets in.

Several threads keep presenting one user's tokens (and one keeps signing in) while the user
logs out all devices. Meant for PostgreSQL, where requests really run in parallel; it runs on
SQLite too, where writers take turns.
"""

import threading
import time

from sqlalchemy import select

from myapp.extensions import db
from myapp.sessions.models import UserSession
from myapp.sessions.tokens import hash_token
from tests import factories
from tests.support import Browser

DEVICES = 6
READERS = 4
AFTER_REVOKE_SECONDS = 0.5


def test_no_old_token_succeeds_after_revoke_all_returns(app, user):
    devices = [Browser(app) for _ in range(DEVICES)]
    for device in devices:
        device.sign_in_as(user)
    old_tokens = [device.session_token() for device in devices]
    main = devices[0]

    stop = threading.Event()
    revoked_at: list[float] = []
    late_successes: list[str] = []
    errors: list[BaseException] = []
    statuses: list[int] = []
    sign_ins: list[tuple[str, int]] = []

    def reader(index: int) -> None:
        reader_client = Browser(app)
        n = 0
        try:
            while not stop.is_set():
                token = old_tokens[(index + n) % DEVICES]
                n += 1
                reader_client.set_session_token(token)
                started = time.monotonic()
                response = reader_client.get("/api/auth/session")
                statuses.append(response.status_code)
                if response.json is not None and revoked_at and started > revoked_at[0]:
                    late_successes.append(token)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    def signer() -> None:
        try:
            while not stop.is_set():
                racer = Browser(app)
                response = racer.sign_in(user.email, password=factories.DEFAULT_PASSWORD)
                sign_ins.append((racer.session_token(), response.status_code))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(READERS)]
    threads.append(threading.Thread(target=signer))
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        response = main.post("/settings/security/sessions/revoke-all")
        revoked_at.append(time.monotonic())
        assert response.status_code == 303
        time.sleep(AFTER_REVOKE_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

    assert not any(thread.is_alive() for thread in threads), "a thread hung (deadlock?)"
    assert errors == []
    assert statuses and all(status == 200 for status in statuses)
    assert late_successes == []
    for token in old_tokens:
        probe = Browser(app)
        probe.set_session_token(token)
        assert probe.get("/api/auth/session").json is None

    # Every racing sign-in ended whole: its token works exactly when its row exists.
    assert sign_ins, "the sign-in thread never ran"
    assert all(status == 303 for _, status in sign_ins)
    with app.app_context():
        stored = set(db.session.scalars(select(UserSession.token_hash)))
    # Probed outside that app context: requests inside it would share its g and db.session.
    for token, _ in sign_ins:
        probe = Browser(app)
        probe.set_session_token(token)
        alive = probe.get("/api/auth/session").json is not None
        assert alive == (hash_token(token) in stored)
