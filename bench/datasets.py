"""Bulk-load users, sessions and an organization, with tokens the load generator can present.

Session ``n`` has a token derived from ``n`` alone, so the seeder can store its SHA-256 and
wrk can send the token itself without either of them keeping a million secrets around.
Sessions go in through the raw driver (COPY on PostgreSQL, one ``executemany`` transaction on
SQLite): building a million ORM objects would take minutes and measure nothing we care about.
"""

import base64
import hashlib
import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import create_engine, insert, text
from werkzeug.security import generate_password_hash

import myapp.models  # noqa: F401  (every table on the metadata)
from bench.database import conninfo
from myapp.database import utcnow
from myapp.extensions import db

#: Users whose sessions wrk presents; every one is a member of the benchmark organization.
USERS = 1_000
#: The user who signed in on 10,000 devices and then logs out of all of them.
HEAVY_USER_ID = USERS + 1
HEAVY_USER_SESSIONS = 10_000
#: Sessions 0..SMALL-1 make the small table; the large one adds the heavy user's, then more.
SMALL = 1_000
ORGANIZATION_SLUG = "bench"
CONTACTS = 20
#: Most tokens wrk cycles through: enough to spread lookups over the index, small to load.
TOKENS_PER_RUN = 20_000

_USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def token(n: int) -> str:
    """Return the token of seeded session ``n``: well formed (43 urlsafe characters) and fixed."""
    digest = hashlib.sha256(b"myapp-bench-token:%d" % n).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def owner_of(n: int) -> int:
    """Return the user id that seeded session ``n`` belongs to."""
    if SMALL <= n < SMALL + HEAVY_USER_SESSIONS:
        return HEAVY_USER_ID
    return 1 + n % USERS


def token_sample(total: int, limit: int = TOKENS_PER_RUN) -> list[str]:
    """Return up to ``limit`` tokens of ordinary users' sessions, spread over the whole table."""
    ordinary = [range(0, min(total, SMALL)), range(SMALL + HEAVY_USER_SESSIONS, total)]
    population = [n for part in ordinary for n in part]
    if len(population) > limit:
        population = random.Random(6).sample(population, limit)
    return [token(n) for n in population]


@dataclass(frozen=True)
class Times:
    """The timestamps a batch of seeded sessions shares."""

    created_at: object
    last_active_at: object
    expires_at: object

    @classmethod
    def live(cls) -> "Times":
        # Active just now: no request in the run slides the expiry, so nothing writes.
        now = utcnow()
        return cls(now, now, now + timedelta(days=30))

    @classmethod
    def expired(cls) -> "Times":
        now = utcnow()
        return cls(now - timedelta(days=40), now - timedelta(days=40), now - timedelta(days=10))


def seed_base(url: str) -> None:
    """Insert the users, the organization, its memberships and contacts (through Core)."""
    tables = db.metadata.tables
    now = utcnow()
    password_hash = generate_password_hash("bench password, never used to sign in")
    users = [
        {
            "id": i,
            "name": f"User {i}",
            "email": f"user{i}@bench.example",
            "password_hash": password_hash,
            "created_at": now,
        }
        for i in range(1, HEAVY_USER_ID + 1)
    ]
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(tables["users"]), users)
        connection.execute(
            insert(tables["organizations"]),
            [{"id": 1, "slug": ORGANIZATION_SLUG, "name": "Bench Inc.", "created_at": now}],
        )
        connection.execute(
            insert(tables["memberships"]),
            [
                {
                    "organization_id": 1,
                    "user_id": i,
                    "role": "admin" if i == 1 else "member",
                    "is_owner": i == 1,
                    "created_at": now,
                }
                for i in range(1, USERS + 1)
            ],
        )
        connection.execute(
            insert(tables["contacts"]),
            [
                {
                    "organization_id": 1,
                    "name": f"Contact {i}",
                    "email": f"contact{i}@example.com",
                    "phone": f"+1 555 01{i:02d}",
                    "notes": "Met at the benchmark.",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, CONTACTS + 1)
            ],
        )
        if engine.dialect.name == "postgresql":
            # Ids were given explicitly: move the sequences past them, as the app would need.
            for table in ("users", "organizations"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                        f" (SELECT max(id) FROM {table}))"
                    )
                )
    engine.dispose()


def insert_sessions(url: str, numbers: range, times: Times) -> None:
    """Bulk-insert seeded sessions ``numbers`` with ``times``, in one transaction."""
    if url.startswith("postgresql"):
        _copy_postgresql(url, numbers, times)
    else:
        _executemany_sqlite(url, numbers, times)


def delete_sessions(url: str) -> None:
    """Empty the sessions table at once (before seeding the expired ones)."""
    if url.startswith("postgresql"):
        import psycopg

        with psycopg.connect(conninfo(url)) as connection:
            connection.execute("TRUNCATE sessions")
        return
    import sqlite3

    # A bare DELETE on a connection without foreign-key enforcement takes SQLite's truncate
    # shortcut: milliseconds, where deleting a million rows one by one takes most of a minute.
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        with connection:
            connection.execute("DELETE FROM sessions")
    finally:
        connection.close()


def _rows(numbers: range):
    for n in numbers:
        raw = token(n)
        yield (
            hashlib.blake2b(raw.encode("ascii"), digest_size=16).hexdigest(),  # public_id
            hashlib.sha256(raw.encode("ascii")).hexdigest(),  # token_hash, as tokens.hash_token
            owner_of(n),
        )


def _copy_postgresql(url: str, numbers: range, times: Times) -> None:
    import psycopg

    stamps = [
        t.isoformat(sep=" ") for t in (times.created_at, times.last_active_at, times.expires_at)
    ]
    tail = "\t".join([*stamps, stamps[0], "127.0.0.1", _USER_AGENT]) + "\n"
    with psycopg.connect(conninfo(url)) as connection:
        connection.execute("SET synchronous_commit = off")
        with connection.cursor() as cursor:
            with cursor.copy(
                "COPY sessions (public_id, token_hash, user_id, created_at, last_active_at,"
                " expires_at, sudo_at, ip, user_agent) FROM STDIN"
            ) as copy:
                chunk = []
                for public_id, token_hash, user_id in _rows(numbers):
                    chunk.append(f"{public_id}\t{token_hash}\t{user_id}\t{tail}")
                    if len(chunk) == 10_000:
                        copy.write("".join(chunk))
                        chunk.clear()
                copy.write("".join(chunk))
    # Fresh statistics and visibility map, as autovacuum would leave a table in service.
    with psycopg.connect(conninfo(url), autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE sessions")


def _executemany_sqlite(url: str, numbers: range, times: Times) -> None:
    import sqlite3

    # The format SQLAlchemy's SQLite DateTime writes (naive UTC, microseconds), so the app's
    # text comparisons and parsing see exactly what it would have stored itself.
    stamps = [
        t.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        for t in (times.created_at, times.last_active_at, times.expires_at)
    ]
    tail = (*stamps, stamps[0], "127.0.0.1", _USER_AGENT)
    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        # A big page cache for the random inserts into the token_hash index; the file stays WAL.
        connection.execute("PRAGMA cache_size = -262144")
        with connection:
            connection.executemany(
                "INSERT INTO sessions (public_id, token_hash, user_id, created_at, last_active_at,"
                " expires_at, sudo_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (row + tail for row in _rows(numbers)),
            )
        # Fold the load's write-ahead log into the database, as autocheckpoints keep it in an
        # app in service; otherwise the first commit measured would pay for the seeding's.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
