"""One log line per request, with a request id the client gets back; never a secret."""

import json
import logging

import pytest

from myapp.request_log import logger
from tests import factories
from tests.support import htmx_headers


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines():
    handler = Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


@pytest.mark.settings(LOG_FORMAT="json")
def test_a_signed_in_request_logs_one_json_line_with_who_and_how_long(signed_in, log_lines):
    response = signed_in.get("/api/auth/session?debug=1")

    assert len(log_lines) == 1
    line = json.loads(log_lines[0])
    assert line["method"] == "GET"
    assert line["path"] == "/api/auth/session"
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["time"].endswith("+00:00")
    assert line["user_id"] == response.json["user"]["id"]
    assert len(line["session"]) > 0
    assert line["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.settings(LOG_FORMAT="json")
def test_the_line_never_holds_the_token_cookie_or_password(client, user, log_lines):
    client.sign_in(user.email, password=factories.DEFAULT_PASSWORD)
    token = client.session_token()
    # "~" cannot occur in a hex request id or a base64url session id, so a
    # match can only mean the query string was logged.
    client.get("/organizations?token=query~secret")

    logged = "\n".join(log_lines)
    assert token and token not in logged
    assert factories.DEFAULT_PASSWORD not in logged
    assert "csrf" not in logged.lower()
    assert "session_token" not in logged and "query~secret" not in logged
    assert [json.loads(line)["status"] for line in log_lines] == [303, 200]


def test_the_text_format_is_one_readable_line(signed_in, log_lines):
    signed_in.get("/organizations", headers=htmx_headers("/organizations"))

    assert len(log_lines) == 1
    assert log_lines[0].split()[2:5] == ["method=GET", "path=/organizations", "status=200"]
    assert "user_id=" in log_lines[0]


def test_a_sane_incoming_request_id_is_kept(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "0f9c6b2e-4a1d-4c7a-9d8e-abc123"})

    assert response.headers["X-Request-ID"] == "0f9c6b2e-4a1d-4c7a-9d8e-abc123"
    assert "request_id=0f9c6b2e-4a1d-4c7a-9d8e-abc123" in log_lines[0]


@pytest.mark.parametrize(
    "incoming", ["short", "x" * 129, "evil\u2028line", "a b c d e f g h", "<script>alert(1)"]
)
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})

    replaced = response.headers["X-Request-ID"]
    assert replaced != incoming
    assert len(replaced) == 32 and int(replaced, 16) >= 0


def test_every_request_gets_a_fresh_id(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first != second


def test_a_refused_request_is_logged_too(client, log_lines):
    response = client.post("/sign-in", {"email": "a@example.com"}, csrf=False)

    assert response.status_code == 400
    assert "status=400" in log_lines[0]
    assert response.headers["X-Request-ID"]


@pytest.mark.settings(INSTANCE_NAME="web-2")
def test_the_instance_names_itself(client, log_lines):
    response = client.get("/healthz")

    assert response.headers["X-Instance"] == "web-2"
    assert "instance=web-2" in log_lines[0]


def test_no_instance_header_without_a_name(client):
    assert "X-Instance" not in client.get("/healthz").headers
