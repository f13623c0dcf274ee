"""Run the real OpenID provider (tests/oidc_provider, npm's oidc-provider) and sign in there.

``start_provider`` runs ``node provider.js`` on a free port of 127.0.0.1 (issuer
``http://localhost:<port>``) with the app's callback URLs registered. ``AtProvider`` is the
user's browser while it is at the provider: it follows the authorization URL, fills in the
development login page with a login name, and stops at the redirect back to the app, which
the test then hands to the app's own client. See provider.js for the login names' tags
(``+unverified``, ``+userinfo``, ``+wrongaud``...).
"""

import json
import os
import selectors
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
#: The provider's name in the app's settings, and the label of its button.
NAME = "test"
LABEL = "Test ID"
#: Names the app may give the one provider: two names make two providers (same issuer and
#: client, separate identities), for the rules about more than one linked provider.
PROVIDER_NAMES = (NAME, "second")


def callback_url(public_url: str, name: str = NAME) -> str:
    """Return the app's callback URL for provider ``name``: built from ``PUBLIC_URL``."""
    return f"{public_url}/sign-in/{name}/callback"


#: Seconds node may take to start and print its issuer.
START_TIMEOUT = 30


@dataclass
class RunningProvider:
    issuer: str
    client_id: str
    client_secret: str
    process: subprocess.Popen

    def app_settings(self, *names: str) -> dict:
        """Return the app settings that configure this provider under ``names`` (``test``)."""
        names = names or (NAME,)
        settings = {"OIDC_PROVIDERS": ",".join(names)}
        for name in names:
            prefix = f"OIDC_{name.upper()}_"
            settings[prefix + "ISSUER"] = self.issuer
            settings[prefix + "CLIENT_ID"] = self.client_id
            settings[prefix + "CLIENT_SECRET"] = self.client_secret
            settings[prefix + "LABEL"] = LABEL if name == NAME else f"{name.capitalize()} ID"
        return settings

    def stop(self) -> None:
        self.process.stdin.close()  # provider.js exits when its stdin ends
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def start_provider(redirect_uris: list[str]) -> RunningProvider:
    """Start provider.js and return it once it has printed its issuer."""
    node = shutil.which("node")
    if node is None:
        pytest.skip(reason="Node.js not found: install nodejs to run the OpenID provider tests")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("oidc-provider is not installed: run `npm ci` in tests/oidc_provider")
    process = subprocess.Popen(
        [node, "provider.js"],
        cwd=PROVIDER_DIR,
        env={**os.environ, "REDIRECT_URIS": ",".join(redirect_uris)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    ready = selector.select(timeout=START_TIMEOUT)
    selector.close()
    line = process.stdout.readline() if ready else ""
    if not line:
        process.kill()
        process.wait()
        pytest.fail(f"the OpenID provider did not start within {START_TIMEOUT} seconds")
    started = json.loads(line)
    return RunningProvider(
        issuer=started["issuer"],
        client_id=started["client_id"],
        client_secret=started["client_secret"],
        process=process,
    )


class AtProvider:
    """The user's browser while at the provider: its own cookies there, and its login page."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def sign_in(self, authorization_url: str, login: str) -> str:
        """Sign in as ``login`` and return where the provider sends the browser back to.

        Follows the provider's redirects on its own origin; the first one that leaves it is
        the way back to the app, returned as its path and query (the test client's URL).
        """
        provider_origin = urlsplit(authorization_url).netloc
        response = self.http.get(authorization_url, allow_redirects=False, timeout=10)
        for _ in range(10):
            location = response.headers.get("Location")
            if location is None:
                # The development login page: any login name and any password sign in.
                assert response.status_code == 200, response.text
                assert 'name="login"' in response.text
                response = self.http.post(
                    response.url,
                    data={"prompt": "login", "login": login, "password": "any password"},
                    allow_redirects=False,
                    timeout=10,
                )
                continue
            location = urljoin(response.url, location)
            parts = urlsplit(location)
            if parts.netloc != provider_origin:
                return f"{parts.path}?{parts.query}"
            response = self.http.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("the provider never sent the browser back to the app")


def through_provider(client, login: str, start: str = f"/sign-in/{NAME}", data=None) -> str:
    """Press a provider button in ``client``, sign in as ``login`` there; return the callback.

    The callback (path and query) has not been opened yet: the test opens it with the
    client of its choice.
    """
    response = client.post(start, data or {})
    assert response.status_code == 303, response.get_data(as_text=True)
    at_provider = AtProvider()
    try:
        return at_provider.sign_in(response.headers["Location"], login)
    finally:
        at_provider.http.close()
