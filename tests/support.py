"""A test client that behaves like a browser with htmx: CSRF tokens, htmx headers, sign-in."""

import json
import threading
from datetime import timedelta

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.lifecycle import start_session
from myapp.sessions.models import UserSession

#: Fast scrypt parameters for tests only; production keeps werkzeug's default cost.
TEST_HASH_METHOD = "scrypt:1024:8:1"
#: Where links in mail point during tests: not the test client's host, so a link built
#: from the request's Host header would show.
PUBLIC_URL = "https://app.example.com"


def base_settings(database_url: str) -> dict:
    """The settings every test app starts from, on the database at ``database_url``."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test secret key, never used outside tests",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "COOKIE_SECURE": False,
        "SERVER_NAME": "localhost",
        # Not the test client's host: links in mail must come from here, never from Host.
        "PUBLIC_URL": PUBLIC_URL,
    }


#: Request headers of the three kinds of request every htmx route answers.
PLAIN: dict = {}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
SWAP = {"HX-Request": "true"}

#: Real user-agent strings, for devices the tests sign in.
CHROME_MACOS = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def live_public_ids(app) -> set[str]:
    """Return the public ids of every session row that exists now."""
    with app.app_context():
        return set(db.session.scalars(select(UserSession.public_id)))


def announced(response) -> str | None:
    """Return what ``response`` has htmx say in the page's live region, or None."""
    events = json.loads(response.headers.get("HX-Trigger-After-Settle", "{}"))
    return events.get("announce")


#: Headers htmx sends for a real swap (not boosted navigation) from the page ``current``.
def htmx_headers(current: str = "/organizations", boosted: bool = False) -> dict:
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://localhost{current}"}
    if boosted:
        headers["HX-Boosted"] = "true"
    return headers


class Browser:
    """One device: its own cookie jar, a CSRF token like the page would give, and helpers."""

    def __init__(self, app):
        self.app = app
        self.client: FlaskClient = app.test_client()

    # Plain requests --------------------------------------------------------------------
    def get(self, path, **kwargs):
        return self.client.get(path, **kwargs)

    def request(self, method, path, **kwargs):
        return self.client.open(path, method=method, **kwargs)

    def post(self, path, data=None, *, csrf=True, htmx=False, current=None, headers=None, **kwargs):
        """POST a form, with the CSRF token a page would carry unless ``csrf`` is False."""
        data = dict(data or {})
        headers = dict(headers or {})
        if htmx:
            headers.update(htmx_headers(current or path))
        if csrf is True:
            data.setdefault("csrf_token", self.csrf_token())
        return self.client.post(path, data=data, headers=headers, **kwargs)

    def htmx_get(self, path, current=None, boosted=False, **kwargs):
        return self.client.get(path, headers=htmx_headers(current or path, boosted), **kwargs)

    # Tokens and cookies -----------------------------------------------------------------
    def csrf_token(self) -> str:
        """Return a valid CSRF token for this browser's Flask cookie, as a rendered page would."""
        with self.client.session_transaction() as flask_cookie:
            raw = flask_cookie.get("csrf_token")
            if raw is None:
                import secrets

                raw = flask_cookie["csrf_token"] = secrets.token_hex(20)
        serializer = URLSafeTimedSerializer(self.app.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)

    @property
    def token_cookie_name(self) -> str:
        return self.app.config["SESSION_TOKEN_COOKIE_NAME"]

    def session_token(self) -> str | None:
        cookie = self.client.get_cookie(self.token_cookie_name)
        return cookie.value if cookie else None

    def set_session_token(self, token: str) -> None:
        self.client.set_cookie(self.token_cookie_name, token)

    def clear_cookies(self) -> None:
        self.client._cookies.clear()

    # Signing in ------------------------------------------------------------------------
    def sign_in(self, email, password="correct horse battery", next=None):
        """Sign in through the real form."""
        data = {"email": email, "password": password}
        if next:
            data["next"] = next
        return self.post("/sign-in", data)

    def sign_in_as(
        self,
        user,
        user_agent=FIREFOX_LINUX,
    ):
        """Start a session for ``user`` directly, as sign-in would, and store its cookie."""
        with self.app.test_request_context(
            headers={"User-Agent": user_agent}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
        ):
            from flask import g

            auth_session = start_session(user)
            db.session.commit()
            token = g._session_cookie[0]
        self.set_session_token(token)
        return auth_session


def assert_signed_out_to_sign_in(response, htmx: bool) -> None:
    """Assert ``response`` signed this device out and sends it to /sign-in, as htmx expects."""
    if htmx:
        assert response.status_code == 200
        assert response.headers["HX-Redirect"] == "/sign-in"
    else:
        assert response.status_code == 303
        assert response.headers["Location"] == "/sign-in"
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert "session_token=;" in response.headers["Set-Cookie"]


def post_at_once(posts) -> list[int]:
    """Run each ``post()`` in its own thread, released together; return the status codes."""
    barrier = threading.Barrier(len(posts))
    statuses: list[int] = [0] * len(posts)

    def run(index, post):
        barrier.wait()
        statuses[index] = post().status_code

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


class Rendezvous:
    """Send ``count`` requests in parallel and hold each at one point until all are there.

    Call ``hold()`` from code the requests run (a patched function): each waits there until
    every request has reached it or finished without reaching it, so all have passed what
    comes before before any goes on. That is how parallel requests slip past a check that
    reads before it writes.
    """

    def __init__(self, count: int):
        self.count = count
        self._changed = threading.Condition()
        self._arrived = 0
        self._finished = 0

    def hold(self) -> None:
        with self._changed:
            self._arrived += 1
            self._changed.notify_all()
            self._changed.wait_for(lambda: self._arrived + self._finished >= self.count, 30)

    def run(self, send) -> list[int]:
        """Call ``send()`` in ``count`` threads at once; return the status codes."""
        statuses: list[int] = []

        def one() -> None:
            try:
                statuses.append(send().status_code)
            finally:
                with self._changed:
                    self._finished += 1
                    self._changed.notify_all()

        threads = [threading.Thread(target=one) for _ in range(self.count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        return statuses


def is_members_partial(response) -> bool:
    """Return whether ``response`` is the members section alone, as a real swap gets it."""
    body = response.get_data(as_text=True).lstrip()
    return body.startswith('<section id="members"') and "<html" not in body


def age_sudo(app, hours=3) -> None:
    """Move every session's password confirmation ``hours`` into the past (out of sudo mode)."""
    with app.app_context():
        db.session.execute(update(UserSession).values(sudo_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def sudo_at(app):
    """Return the sudo time of the (only) session."""
    with app.app_context():
        return db.session.scalar(select(UserSession.sudo_at))


#: Logs every CSP violation to the console, where a browser test collects it.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.log("CSP violation: " + e.violatedDirective + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch_console(page) -> list[str]:
    """Collect a Playwright page's console messages, CSP violations and page errors."""
    messages: list[str] = []
    page.add_init_script(REPORT_CSP_VIOLATIONS)
    page.on("console", lambda message: messages.append(message.text))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    return messages


def sign_out_from_the_user_menu(page) -> None:
    """Open the user menu in the top bar (a <details>) and press its Sign out button."""
    menu = page.get_by_role("navigation", name="Account")
    menu.locator("summary").click()
    menu.get_by_role("button", name="Sign out").click()
