"""On SQLite, writers that collide wait for each other (busy timeout) instead of failing.

Several gunicorn workers share one SQLite file. SQLite lets one writer at a time; without a
busy timeout the others fail at once with "database is locked". Here eight devices create
contacts at the same moment, each on its own connection.
"""

import os
import threading

import pytest
from sqlalchemy import text

from myapp.extensions import db
from tests import org_factories

pytestmark = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite's busy timeout: PostgreSQL writers wait on row locks by design",
)

WRITERS = 8
CONTACTS_EACH = 5


def test_the_busy_timeout_is_set_on_every_connection(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_concurrent_writers_all_succeed(app):
    cast = org_factories.make_cast(app)
    devices = [org_factories.signed_in_browser(app, cast.owner) for _ in range(WRITERS)]
    start = threading.Barrier(WRITERS)
    statuses: list[int] = []

    def write(index: int) -> None:
        start.wait()
        for number in range(CONTACTS_EACH):
            response = devices[index].post(
                f"/organizations/{cast.acme.slug}/contacts", {"name": f"Writer {index} #{number}"}
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [303] * (WRITERS * CONTACTS_EACH)
    assert len(org_factories.contacts_of(app, cast.acme)) == WRITERS * CONTACTS_EACH
