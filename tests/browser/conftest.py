"""Drive real headless Chromium (Debian's ``chromium``) through Playwright against a live app.

The app is the same one the other tests build (same database, on SQLite or PostgreSQL),
served by werkzeug from a thread on a free port of 127.0.0.1. Without Chromium or Playwright
these tests skip, saying how to install what is missing; they never fail for that alone.
"""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

#: Where browser tests save screenshots; git-ignored (``test-artifacts/``).
SCREENSHOTS_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"

#: Headless in a container: no sandbox (no user namespaces), no GPU, and none of the
#: background traffic (updates, sync) that would slow the start or reach the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        pytest.skip(reason="Chromium not found: `apt-get install chromium` runs the browser tests")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole run; each test opens its own contexts."""
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright not installed: `pip install -r requirements-dev.txt`",
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free port from a thread; return its base URL."""
    # Plain HTTP: cookies without Secure (and the __Host- prefix), as `make run` does.
    app.config["COOKIE_SECURE"] = False
    # The test client's fixed host name would not match 127.0.0.1:<port>.
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS_DIR
