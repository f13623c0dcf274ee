"""Fixtures shared by every test: an app on SQLite or PostgreSQL, clients, users, sessions.

The database comes from ``TEST_DATABASE_URL`` (default: a SQLite file in a temporary folder).
The schema is built once per run by the real Alembic migrations, and every test starts from
empty tables, so the same tests prove the same behaviour on both engines.
"""

import os

import pytest
from sqlalchemy import create_engine, event, text

from myapp import create_app
from myapp.extensions import db
from myapp.migrate import upgrade
from tests import factories, org_factories
from tests.mail_support import SMTPServer, free_port, join_background_work
from tests.oidc_support import PROVIDER_NAMES, callback_url, start_provider
from tests.support import CHROME_MACOS, PUBLIC_URL, Browser, base_settings


def pytest_configure(config):
    config.addinivalue_line("markers", "settings(**values): override app settings for a test")
    config.addinivalue_line(
        "markers", "oidc(*names): configure the real test OpenID provider (as `test`, or names)"
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def _schema(database_url):
    app = create_app(base_settings(database_url))
    upgrade(app)


@pytest.fixture(scope="session")
def smtp_server():
    """One real SMTP server (aiosmtpd) for the run; every test app sends its mail to it."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    """What the SMTP server received during this test."""
    return smtp_server.mailbox


@pytest.fixture
def smtp_down(app, smtp_server):
    """Point the app at a port where no mail server listens; call the result to bring it back."""

    def point_at(port: int) -> None:
        app.config["MAIL_PORT"] = app.extensions["mailman"].port = port

    point_at(free_port())
    return lambda: point_at(smtp_server.port)


@pytest.fixture
def app(request, database_url, _schema, smtp_server):
    smtp_server.mailbox.clear()
    settings = {**base_settings(database_url), **smtp_server.settings()}
    oidc = request.node.get_closest_marker("oidc")
    if oidc:
        settings.update(request.getfixturevalue("oidc_provider").app_settings(*oidc.args))
    marker = request.node.get_closest_marker("settings")
    if marker:
        settings.update(marker.kwargs)
    app = create_app(settings)
    yield app
    # Mail sent after a response may still be writing its token: let it finish first.
    join_background_work()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="session")
def oidc_provider():
    """The real OpenID provider (node oidc-provider), started once per run."""
    provider = start_provider([callback_url(PUBLIC_URL, name) for name in PROVIDER_NAMES])
    yield provider
    provider.stop()


@pytest.fixture
def client(app):
    return Browser(app)


@pytest.fixture
def other_client(app):
    """A second device, with its own cookies."""
    return Browser(app)


@pytest.fixture
def user(app):
    return factories.make_user(app, name="Ada Lovelace", email="ada@example.com")


@pytest.fixture
def signed_in(client, user):
    """The client, signed in as ``user`` without posting the form."""
    client.sign_in_as(user)
    return client


@pytest.fixture
def count_queries(app):
    """Return a function that counts the SQL statements a callable issues."""

    def count(fn):
        statements = []
        with app.app_context():
            engine = db.engine

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            result = fn()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return result, statements

    return count


@pytest.fixture
def laptop(app, user):
    """A second device of ``user``, signed in from Chrome on macOS; ``.auth_session`` is its."""
    device = Browser(app)
    device.auth_session = device.sign_in_as(user, user_agent=CHROME_MACOS)
    return device


@pytest.fixture
def cast(app):
    """Acme (owner Olive, member Max) and Globex (owner Sam), each signed in on a browser."""
    return org_factories.make_cast(app)
