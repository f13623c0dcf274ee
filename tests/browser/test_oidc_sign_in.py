"""Sign in with an OpenID provider in real Chromium: the button, the provider's login page, and
back to the app signed in.

The app and a provider of its own run on ``localhost``; every request to any other host is
refused, so the provider's login page (which asks for a web font) cannot reach the internet.
"""

import socket
import threading

import pytest
from werkzeug.serving import make_server

from tests.browser.pages import ONCE_ON_SQLITE
from tests.oidc_support import LABEL, NAME, start_provider

pytestmark = [
    pytest.mark.browser,
    pytest.mark.oidc,
    ONCE_ON_SQLITE,
]

expect = pytest.importorskip(
    "playwright.sync_api", reason="Playwright not installed: `pip install -r requirements-dev.txt`"
).expect


@pytest.fixture(scope="module")
def live_port() -> int:
    """A free port for the app, known before the provider starts (it registers the callback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oidc_provider(live_port):
    """A provider of this module's own, whose client's callback is the live app's."""
    provider = start_provider([f"http://localhost:{live_port}/sign-in/{NAME}/callback"])
    yield provider
    provider.stop()


@pytest.fixture
def live_server(app, live_port):
    """Serve ``app`` at http://localhost:<live_port> from a thread."""
    app.config["COOKIE_SECURE"] = False
    app.config["SERVER_NAME"] = None
    app.config["PUBLIC_URL"] = f"http://localhost:{live_port}"
    server = make_server("127.0.0.1", live_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://localhost:{live_port}"
    server.shutdown()
    thread.join()
    server.server_close()


def only_localhost(route) -> None:
    host = route.request.url.split("/")[2].split(":")[0]
    if host in ("localhost", "127.0.0.1"):
        route.continue_()
    else:
        route.abort()


def test_the_provider_button_signs_a_new_user_in(
    browser, live_server, oidc_provider, screenshots_dir
):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.route("**/*", only_localhost)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/sign-in?next=/settings/security")
        page.screenshot(path=screenshots_dir / "oidc-sign-in-buttons.png", full_page=True)
        page.get_by_role("button", name=f"Continue with {LABEL}").click()

        # The provider's own development login page: any name signs in.
        page.wait_for_url(f"{oidc_provider.issuer}/interaction/**")
        page.locator('input[name="login"]').fill("grace@example.org")
        page.locator('input[name="password"]').fill("anything")
        page.screenshot(path=screenshots_dir / "oidc-provider-login.png", full_page=True)
        page.locator('button[type="submit"]').click()

        page.wait_for_url(f"{live_server}/settings/security")
        expect(page.locator(".flash")).to_contain_text(
            f"Welcome! Your account is ready. You signed up with {LABEL}."
        )
        expect(page.locator(".user-name")).to_have_text("grace")
        expect(page.locator("#connections")).to_contain_text("Linked as grace@example.org")
        expect(page.locator("#sessions tbody tr.current")).to_contain_text("This device")
        page.screenshot(path=screenshots_dir / "oidc-signed-in.png", full_page=True)
    finally:
        context.close()
