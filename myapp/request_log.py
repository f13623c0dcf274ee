"""One log line per request, and a request id that follows it through proxies and logs.

The line says when, which request (``request_id``), what (method, route, path, status), how
long, and who (user id and the session's public id, when the request looked its session up).
It never holds a token, a password or a cookie: no query string, no headers, no body, and
path segments that a route names as a token are replaced.

``LOG_FORMAT=json`` writes one JSON object per line, for a log shipper; otherwise a short
``key=value`` line for people. Lines go to stderr, which gunicorn and systemd collect.
"""

import json
import logging
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, request

#: An incoming X-Request-ID is kept when it looks like an id (nginx's $request_id, a UUID);
#: anything else is replaced, so a client cannot put arbitrary text into the logs.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
#: URL variables whose values must not reach the logs (mailed-link tokens and the like).
SECRET_ARGUMENT = re.compile(r"token|secret|key|code", re.IGNORECASE)

logger = logging.getLogger("myapp.requests")


def init_app(app: Flask) -> None:
    """Stamp every request with an id and a start time, and log it when it is answered."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        # The line is complete as it is: no second copy through the root logger.
        logger.propagate = False
    # Called before any other hook is registered, so ``start`` runs first and even a request
    # refused by a later hook (CSRF, bad input) has an id and a start time.
    app.before_request(start)
    app.after_request(finish)


def start() -> None:
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)


def finish(response: Response) -> Response:
    """Return the request id (and the instance's name) to the client, and log the request."""
    response.headers["X-Request-ID"] = g.request_id
    instance = current_app.config["INSTANCE_NAME"]
    if instance:
        response.headers["X-Instance"] = instance
    logger.info(format_line(line_fields(response, instance)))
    return response


def line_fields(response: Response, instance: str | None) -> dict:
    fields = {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "request_id": g.request_id,
        "method": request.method,
        "path": loggable_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 2),
    }
    # Only what the request already looked up: logging never costs a query.
    auth_session = g.get("_deduped_auth")
    if auth_session is not None:
        fields["user_id"] = auth_session.user.id
        fields["session"] = auth_session.public_id
    if instance:
        fields["instance"] = instance
    return fields


def loggable_path() -> str:
    """Return the path without its query string, with token-like URL variables replaced."""
    path = request.path
    for name, value in (request.view_args or {}).items():
        if SECRET_ARGUMENT.search(name) and str(value):
            path = path.replace(str(value), f"<{name}>")
    return path


def format_line(fields: dict) -> str:
    if current_app.config["LOG_FORMAT"] == "json":
        return json.dumps(fields, separators=(",", ":"))
    return " ".join(f"{key}={value}" for key, value in fields.items())
