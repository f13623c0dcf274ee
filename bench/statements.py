"""Count the SQL statements a request issues, in-process, at steady state (the second request)."""

from sqlalchemy import event

from bench.database import app_settings
from myapp import create_app
from myapp.extensions import db


def flask_cookie(url: str) -> str:
    """Return the ``name=value`` Flask cookie a browser gets from loading the sign-in page."""
    app = create_app(app_settings(url))
    response = app.test_client().get("/sign-in")
    with app.app_context():
        db.engine.dispose()
    name = app.config["SESSION_COOKIE_NAME"]
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header.split(";", 1)[0]
    raise SystemExit("the sign-in page set no Flask cookie")


def count_statements(
    url: str, requests: dict[str, tuple[str, dict]], token: str
) -> dict[str, int | None]:
    """Return, per named ``(path, headers)``, the statements its second request issues.

    The first request warms what a worker warms once (connection, caches); the second is what
    every later request costs. A request that does not answer 200 counts as None.
    """
    app = create_app(app_settings(url))
    client = app.test_client()
    client.set_cookie(app.config["SESSION_TOKEN_COOKIE_NAME"], token)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    counts = {}
    event.listen(engine, "before_cursor_execute", record)
    try:
        for name, (path, headers) in requests.items():
            client.get(path, headers=headers)
            statements.clear()
            response = client.get(path, headers=headers)
            counts[name] = len(statements) if response.status_code == 200 else None
    finally:
        event.remove(engine, "before_cursor_execute", record)
        engine.dispose()
    return counts


def check_signed_in(url: str, token: str) -> None:
    """Fail unless a seeded token signs in without writing: the load must measure the read."""
    app = create_app(app_settings(url))
    client = app.test_client()
    client.set_cookie(app.config["SESSION_TOKEN_COOKIE_NAME"], token)
    response = client.get("/api/auth/session")
    with app.app_context():
        db.engine.dispose()
    if response.json is None or "Set-Cookie" in response.headers:
        raise SystemExit(
            f"seeded token did not sign in quietly: {response.status_code} {response.data!r}"
        )
