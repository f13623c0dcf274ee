"""PostgreSQL stops and starts under a running app: 503 while it is down, success right after.

Each test runs against a throwaway cluster of its own (Debian's initdb/pg_ctl, a temporary
folder, its own port), never the shared server. The cluster is PostgreSQL whatever
TEST_DATABASE_URL says, so these tests run once, in the SQLite pass.
"""

import os
import shutil
import tempfile

import pytest
from sqlalchemy import event

from deploy.stack import PostgresCluster
from myapp import create_app
from myapp.database import RETRY_AFTER_SECONDS
from myapp.extensions import db
from myapp.migrate import upgrade
from tests import factories, org_factories
from tests.support import Browser, base_settings, htmx_headers

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="brings its own PostgreSQL cluster: runs once, in the SQLite pass",
)

UNAVAILABLE = "briefly unavailable"


@pytest.fixture(scope="module")
def cluster():
    directory = tempfile.mkdtemp(prefix="myapp-faults-")
    cluster = PostgresCluster(directory).init()
    cluster.start()
    yield cluster
    if cluster.running():
        cluster.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster_url(cluster):
    """A migrated database on the throwaway cluster."""
    url = cluster.create_database("myapp")
    app = create_app(base_settings(url))
    upgrade(app)
    return url


@pytest.fixture
def app(cluster, cluster_url):
    app = create_app(base_settings(cluster_url))
    yield app
    if not cluster.running():
        cluster.start()
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def browser(app):
    user = factories.make_user(app, email="ada@example.com")
    browser = Browser(app)
    browser.sign_in_as(user)
    # Warm the pool up: the connections it now holds go stale when the server stops.
    assert browser.get("/api/auth/session").json["user"]["email"] == "ada@example.com"
    assert browser.get("/organizations").status_code == 200
    return browser


def assert_unavailable(response) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert b"Traceback" not in response.data


def test_every_kind_of_request_gets_503_while_postgresql_is_down(cluster, app, browser):
    cluster.stop()

    api = browser.get("/api/auth/session")
    assert_unavailable(api)
    assert UNAVAILABLE in api.json["error"]

    page = browser.get("/organizations")
    assert_unavailable(page)
    assert b"<html" in page.data and UNAVAILABLE.encode() in page.data

    swap = browser.get("/organizations", headers=htmx_headers("/organizations"))
    assert_unavailable(swap)
    assert b"<html" not in swap.data and UNAVAILABLE.encode() in swap.data

    signed_out = Browser(app)
    sign_in = signed_out.sign_in("ada@example.com", password=factories.DEFAULT_PASSWORD)
    assert_unavailable(sign_in)

    assert_unavailable(browser.get("/readyz"))
    assert browser.get("/healthz").status_code == 200


def test_the_first_request_after_a_restart_succeeds(cluster, browser):
    cluster.stop()
    cluster.start()

    # The pool still holds connections to the old server: the hot-path lookup replaces its
    # connection instead of failing, and so does the ORM on the next request.
    response = browser.get("/api/auth/session")
    assert response.status_code == 200
    assert response.json["user"]["email"] == "ada@example.com"
    assert browser.get("/organizations").status_code == 200
    assert browser.get("/readyz").status_code == 200


def test_requests_during_an_outage_do_not_spoil_the_ones_after(cluster, browser):
    cluster.stop()
    assert_unavailable(browser.get("/api/auth/session"))
    assert_unavailable(browser.get("/organizations"))
    cluster.start()

    assert browser.get("/api/auth/session").json["user"]["email"] == "ada@example.com"
    response = browser.post("/organizations", {"name": "Acme", "slug": "acme"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizations/acme/"


def test_a_write_cut_off_midway_is_not_half_written(cluster, app, browser):
    with app.app_context():
        engine = db.engine

    def crash_before_membership(conn, cursor, statement, parameters, context, executemany):
        # The organization row is already sent; its owner's membership is next.
        if statement.startswith("INSERT INTO memberships") and cluster.running():
            cluster.stop(mode="immediate")

    event.listen(engine, "before_cursor_execute", crash_before_membership)
    try:
        response = browser.post("/organizations", {"name": "Acme", "slug": "acme"})
    finally:
        event.remove(engine, "before_cursor_execute", crash_before_membership)
    assert_unavailable(response)

    cluster.start()
    assert org_factories.organization_count(app) == 0
    # Nothing half-done blocks trying again: the same slug is still free.
    retry = browser.post("/organizations", {"name": "Acme", "slug": "acme"})
    assert retry.status_code == 303
    assert org_factories.organization_count(app) == 1
