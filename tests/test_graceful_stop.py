"""gunicorn, as deploy/gunicorn.conf.py runs it, finishes requests in flight on SIGTERM.

A deploy or ``systemctl stop`` sends SIGTERM. The test starts a real gunicorn, begins a sign-in
whose form body is still on its way (so the worker is inside the app, reading it), sends
SIGTERM, then sends the rest: the sign-in must complete and gunicorn must exit cleanly.
"""

import os
import re
import signal
import socket
import urllib.request
from urllib.parse import urlencode

import pytest

from deploy.stack import Instance
from myapp import create_app
from myapp.migrate import upgrade
from tests import factories
from tests.support import TEST_HASH_METHOD, base_settings

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="gunicorn's signal handling does not depend on the database: runs once, on SQLite",
)


@pytest.fixture
def gunicorn(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    app = create_app(base_settings(url))
    upgrade(app)
    factories.make_user(app, email="ada@example.com")
    instance = Instance(
        "graceful",
        {
            "SECRET_KEY": "graceful stop test key",
            "PUBLIC_URL": "http://127.0.0.1",
            "DATABASE_URL": url,
            "COOKIE_SECURE": "false",
            "GUNICORN_WORKERS": "1",
            "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        },
        str(tmp_path / "gunicorn.log"),
    )
    instance.start()
    try:
        instance.wait_ready()
        yield instance
    finally:
        instance.stop()


def test_sigterm_lets_a_request_in_flight_finish(gunicorn):
    with urllib.request.urlopen(gunicorn.url + "/sign-in", timeout=10) as page:
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page.read().decode())[1]
    form = {"email": "ada@example.com", "password": factories.DEFAULT_PASSWORD}
    body = urlencode({"csrf_token": csrf_token, **form}).encode()
    head = (
        f"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()

    with socket.create_connection(("127.0.0.1", gunicorn.port), timeout=30) as connection:
        connection.sendall(head + body[:10])
        # Once the worker is reading the body, the request is in flight.
        connection.settimeout(1)
        with pytest.raises(TimeoutError):
            connection.recv(1)
        gunicorn.process.send_signal(signal.SIGTERM)
        with pytest.raises(TimeoutError):
            connection.recv(1)
        connection.settimeout(30)
        connection.sendall(body[10:])
        response = b""
        while chunk := connection.recv(65536):
            response += chunk

    status_line = response.split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 303 SEE OTHER"
    assert b"Location: /organizations" in response
    assert b"session_token=" in response
    assert gunicorn.process.wait(timeout=30) == 0
