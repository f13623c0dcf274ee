"""Two admins who demote or remove each other at once: exactly one of them wins.

Each request reads the caller's membership before it takes the organization's lock. The
threads are held at a barrier until both have read it, so every run exercises the race the
review found (both demotions succeeding, 18 of 20 times); then they run in parallel.
Meant for PostgreSQL, where requests really run in parallel; on SQLite writers take turns.
"""

import threading

import pytest
from sqlalchemy import event

from myapp.extensions import db
from tests import factories, org_factories

MEMBERS = "/organizations/acme/members"
#: Where the membership check's statement names its column; nothing else selects it so.
MEMBERSHIP_LOOKUP = "AS membership_id"


@pytest.fixture
def admins(app):
    """Acme's owner and two further admins, Ada and Bea, each signed in on their own browser."""
    owner = factories.make_user(app, name="Olive Owner", email="olive@example.com")
    acme = org_factories.make_organization(app, owner)
    people = []
    for name in ("Ada", "Bea"):
        user = factories.make_user(app, name=name, email=f"{name.lower()}@example.com")
        membership = org_factories.add_member(app, acme, user, "admin")
        people.append((user, membership, org_factories.signed_in_browser(app, user)))
    return acme, people


def race(app, requests) -> list[int]:
    """Send ``requests`` (browser, url, data) from one thread each; return their statuses."""
    racers = {}
    barrier = threading.Barrier(len(requests), timeout=30)

    def hold_after_membership_read(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread() in racers and MEMBERSHIP_LOOKUP in statement:
            barrier.wait()

    statuses: list[int | None] = [None] * len(requests)
    errors: list[BaseException] = []

    def send(index, browser, url, data):
        try:
            statuses[index] = browser.post(url, data).status_code
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            barrier.abort()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "after_cursor_execute", hold_after_membership_read)
    try:
        threads = []
        for index, (browser, url, data) in enumerate(requests):
            thread = threading.Thread(target=send, args=(index, browser, url, data))
            racers[thread] = index
            threads.append(thread)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(engine, "after_cursor_execute", hold_after_membership_read)
    assert not any(thread.is_alive() for thread in threads), "a request hung (deadlock?)"
    assert errors == []
    return statuses


@pytest.mark.parametrize(
    ("action", "data"), [("role", {"role": "member"}), ("remove", {})], ids=["demote", "remove"]
)
def test_two_admins_acting_on_each_other_at_once_only_one_wins(app, admins, action, data):
    acme, [(ada, ada_membership, ada_browser), (bea, bea_membership, bea_browser)] = admins

    statuses = race(
        app,
        [
            (ada_browser, f"{MEMBERS}/{bea_membership.id}/{action}", data),
            (bea_browser, f"{MEMBERS}/{ada_membership.id}/{action}", data),
        ],
    )

    assert sorted(statuses) == [303, 403]
    after = [org_factories.membership_of(app, acme, person) for person in (ada, bea)]
    winner, loser = (0, 1) if statuses[0] == 303 else (1, 0)
    assert after[winner].role == "admin"
    if action == "role":
        assert after[loser].role == "member"
    else:
        assert after[loser] is None
