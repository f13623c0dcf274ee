"""The deploy/ stack, started by deploy/stack.py on loopback ports, works as one site.

nginx balances over two gunicorn instances (``a`` and ``b``, each with 2 sync workers), which
reach PostgreSQL (a throwaway cluster of the stack's own) through PgBouncer in transaction
mode. Every request goes through nginx, as a browser's would; ``X-Instance`` says which
instance answered. The stack brings its own PostgreSQL, so this runs once, in the SQLite pass.
"""

import http.client
import os
import re
import shutil
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from deploy.stack import Stack
from myapp import create_app
from myapp.extensions import db
from tests import factories
from tests.support import base_settings

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="brings its own PostgreSQL, PgBouncer, gunicorn, nginx: runs once, in the SQLite pass",
)

SIGN_IN_LIMIT = 4


@pytest.fixture(scope="module")
def stack():
    run_dir = tempfile.mkdtemp(prefix="myapp-stack-test-")
    stack = Stack(
        run_dir,
        secret_key="stack test key, loopback only",
        extra_environment={"SIGN_IN_LIMIT_PER_EMAIL": str(SIGN_IN_LIMIT)},
    ).start()
    try:
        host, port, dbname = stack.database
        app = create_app(base_settings(f"postgresql+psycopg://postgres@{host}:{port}/{dbname}"))
        for name in ("ada", "grace", "edsger"):
            factories.make_user(app, name=name.title(), email=f"{name}@example.com")
        with app.app_context():
            db.engine.dispose()
        yield stack
    except BaseException:
        print(stack.logs())
        raise
    finally:
        stack.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


class Device:
    """A browser: its own cookies, talking to nginx only."""

    def __init__(self, stack: Stack) -> None:
        self.address = urlsplit(stack.url).netloc
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection = http.client.HTTPConnection(self.address, timeout=30)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value:
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response

    def get(self, path: str):
        return self.request("GET", path)

    def form_token(self, page: str) -> str:
        """Load ``page`` as a browser would and return its forms' CSRF token."""
        return re.search(r'name="csrf_token" value="([^"]+)"', self.get(page).text)[1]

    def post(self, path: str, form: dict, page: str):
        """Load ``page``, then submit its form with the page's CSRF token."""
        return self.request("POST", path, {"csrf_token": self.form_token(page), **form})

    def sign_in(self, email: str, password: str = factories.DEFAULT_PASSWORD):
        return self.post("/sign-in", {"email": email, "password": password}, page="/sign-in")

    def session_email(self) -> tuple[str, str | None]:
        """Return which instance answered /api/auth/session, and the signed-in email."""
        response = self.get("/api/auth/session")
        assert response.status == 200, response.text
        user = (response.text != "null\n") and re.search(r'"email":"([^"]+)"', response.text)
        return response.headers["X-Instance"], user[1] if user else None


def test_requests_land_on_both_instances(stack):
    device = Device(stack)
    instances = {device.get("/healthz").headers["X-Instance"] for _ in range(6)}
    assert instances == {"a", "b"}


def test_a_session_made_on_one_instance_is_honoured_on_the_other(stack):
    device = Device(stack)
    response = device.sign_in("ada@example.com")
    assert response.status == 303
    assert "session_token" in device.cookies

    answers = {device.session_email() for _ in range(4)}
    assert answers == {("a", "ada@example.com"), ("b", "ada@example.com")}


def test_logging_out_all_devices_on_one_instance_is_effective_on_the_other(stack):
    laptop, phone = Device(stack), Device(stack)
    assert laptop.sign_in("grace@example.com").status == 303
    assert phone.sign_in("grace@example.com").status == 303
    assert phone.session_email()[1] == "grace@example.com"

    response = laptop.post("/settings/security/sessions/revoke-all", {}, page="/settings/security")
    assert response.status == 303

    # The very next request, and the one after: one of them lands on the other instance.
    answers = [phone.session_email(), phone.session_email()]
    assert {instance for instance, _ in answers} == {"a", "b"}
    assert [email for _, email in answers] == [None, None]


def test_sign_in_throttling_counts_across_both_instances(stack):
    device = Device(stack)
    token = device.form_token("/sign-in")
    wrong = {"csrf_token": token, "email": "edsger@example.com", "password": "not the password"}
    answered_by = set()
    for _ in range(SIGN_IN_LIMIT):
        response = device.request("POST", "/sign-in", wrong)
        assert response.status == 422
        answered_by.add(response.headers["X-Instance"])
    assert answered_by == {"a", "b"}

    right = {**wrong, "password": factories.DEFAULT_PASSWORD}
    refused_by = set()
    for _ in range(2):  # refused on both instances, even with the right password
        response = device.request("POST", "/sign-in", right)
        assert response.status == 429
        assert "Retry-After" in response.headers
        refused_by.add(response.headers["X-Instance"])
    assert refused_by == {"a", "b"}


def test_pgbouncer_restarts_without_a_500(stack):
    device = Device(stack)
    assert device.sign_in("ada@example.com").status == 303
    statuses: list[int] = []
    stop = threading.Event()

    def keep_asking() -> None:
        watcher = Device(stack)
        watcher.cookies = dict(device.cookies)
        while not stop.is_set():
            statuses.append(watcher.get("/api/auth/session").status)
            statuses.append(watcher.get("/organizations").status)

    thread = threading.Thread(target=keep_asking)
    thread.start()
    try:
        time.sleep(0.5)
        stack.pgbouncer.stop()
        time.sleep(1)
        down = Device(stack)
        down.cookies = dict(device.cookies)
        outage = down.get("/api/auth/session")
        stack.pgbouncer.start()
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=30)
    # Alone now, so nginx's round robin sends one to each instance: both have recovered.
    after = [device.session_email(), device.session_email()]

    assert outage.status == 503
    assert outage.headers["Retry-After"] == "5"
    assert {instance for instance, _ in after} == {"a", "b"}
    assert [email for _, email in after] == ["ada@example.com", "ada@example.com"]
    assert 500 not in statuses
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) > 0
