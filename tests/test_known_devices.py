"""Known devices: each browser carries a random device id; each user keeps only its hash."""

from datetime import timedelta

from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.known_devices.cookie import MAX_AGE
from myapp.known_devices.models import KnownDevice
from myapp.sessions.tokens import hash_token
from tests import factories
from tests.support import CHROME_MACOS


def known_devices(app, user=None):
    with app.app_context():
        statement = select(KnownDevice).order_by(KnownDevice.id)
        if user is not None:
            statement = statement.where(KnownDevice.user_id == user.id)
        return db.session.scalars(statement).all()


def device_cookie(browser):
    cookie = browser.client.get_cookie(browser.app.config["DEVICE_COOKIE_NAME"])
    return cookie.value if cookie else None


def sign_in(browser, user, user_agent=CHROME_MACOS):
    return browser.post(
        "/sign-in",
        {"email": user.email, "password": factories.DEFAULT_PASSWORD},
        headers={"User-Agent": user_agent},
    )


def test_sign_in_gives_the_browser_a_device_id_and_stores_only_its_hash(app, client, user):
    response = sign_in(client, user)
    assert response.status_code == 303

    set_cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("device="))
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie and "Path=/" in set_cookie
    assert f"Max-Age={MAX_AGE}" in set_cookie
    device_id = device_cookie(client)
    assert len(device_id) == 43

    (device,) = known_devices(app, user)
    assert device.device_hash == hash_token(device_id)
    assert device.label == "Chrome 131 on macOS"
    assert device.first_seen_at == device.last_seen_at
    assert device.first_seen_at.tzinfo is not None


def test_signing_in_again_from_the_same_browser_only_moves_last_seen(app, client, user):
    sign_in(client, user)
    device_id = device_cookie(client)
    client.post("/sign-out")
    earlier = utcnow() - timedelta(days=3)
    with app.app_context():
        db.session.execute(update(KnownDevice).values(first_seen_at=earlier, last_seen_at=earlier))
        db.session.commit()

    sign_in(client, user)

    assert device_cookie(client) == device_id  # sign-out does not forget the browser
    (device,) = known_devices(app, user)
    assert device.first_seen_at == earlier
    assert device.last_seen_at > earlier + timedelta(days=2)


def test_sign_up_makes_the_browser_a_known_device(app, client):
    client.post(
        "/sign-up",
        {"name": "Ada", "email": "ada@example.com", "password": factories.DEFAULT_PASSWORD},
        headers={"User-Agent": CHROME_MACOS},
    )
    (device,) = known_devices(app)
    assert device.device_hash == hash_token(device_cookie(client))


def test_each_browser_and_each_user_of_a_browser_is_its_own_known_device(
    app, client, other_client, user
):
    grace = factories.make_user(app, email="grace@example.com")
    sign_in(client, user)
    sign_in(other_client, user)
    client.post("/sign-out")
    sign_in(client, grace)

    assert device_cookie(client) != device_cookie(other_client)
    assert [d.device_hash for d in known_devices(app, user)] == [
        hash_token(device_cookie(client)),
        hash_token(device_cookie(other_client)),
    ]
    assert [d.device_hash for d in known_devices(app, grace)] == [hash_token(device_cookie(client))]


def test_a_malformed_device_cookie_is_replaced(app, client, user):
    client.client.set_cookie(app.config["DEVICE_COOKIE_NAME"], "not-a-device-id")
    sign_in(client, user)
    assert device_cookie(client) != "not-a-device-id"
    (device,) = known_devices(app, user)
    assert device.device_hash == hash_token(device_cookie(client))


def test_a_failed_sign_in_remembers_nothing(app, client, user):
    response = client.post("/sign-in", {"email": user.email, "password": "wrong password!"})
    assert response.status_code == 422
    assert device_cookie(client) is None
    assert known_devices(app) == []
