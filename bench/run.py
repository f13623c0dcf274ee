"""Run the whole benchmark for one database: seed, serve, load, count, time the bulk deletes."""

import os
import time
from dataclasses import dataclass, field

from bench import datasets, maintenance, statements
from bench.database import OUT, backend_pids, drop_database, fresh_database
from bench.scenarios import Figure, measure, requests_for, write_tokens
from bench.server import gunicorn, stack

LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Plan:
    """How big and how long: the full run, or the quick one CI uses so the benchmark never rots."""

    name: str
    large: int
    expired: int
    seconds: float
    rounds: int
    warmup: float
    #: wrk threads, and connections instead of each configuration's own (None: its own).
    wrk_threads: int = 1
    connections: int | None = None


FULL = Plan("full", large=1_000_000, expired=1_000_000, seconds=5, rounds=5, warmup=2)
QUICK = Plan("quick", large=100_000, expired=100_000, seconds=2, rounds=1, warmup=1)


@dataclass(frozen=True)
class Workers:
    """A gunicorn configuration, and as many wrk connections as keep it busy."""

    worker_class: str
    workers: int
    threads: int
    connections: int

    @property
    def label(self) -> str:
        if self.threads == 1:
            return f"{self.worker_class} ×{self.workers}"
        return f"{self.worker_class} ×{self.workers}×{self.threads}"


SYNC = Workers("sync", workers=2, threads=1, connections=4)
#: How the deploy/ stack appears in the table: the same two sync workers, behind nginx and
#: PgBouncer.
STACK_LABEL = "nginx → sync 1+1 → PgBouncer"
GTHREAD = Workers("gthread", workers=2, threads=4, connections=8)


@dataclass
class ServerRun:
    sessions: int
    workers: str
    figures: list[Figure]
    peak_rss_mb: float


@dataclass
class DatabaseResults:
    kind: str
    label: str
    runs: list[ServerRun] = field(default_factory=list)
    statements: dict[str, int | None] = field(default_factory=dict)
    seeding: dict[int, float] = field(default_factory=dict)
    logout_all: maintenance.LogoutAll | None = None
    clear_expired: maintenance.ClearExpired | None = None
    notes: list[str] = field(default_factory=list)


def say(message: str) -> None:
    print(message, flush=True)


def run_database(kind: str, plan: Plan, postgres_url: str, keep: bool = False) -> DatabaseResults:
    """Measure everything the results table needs on one database engine.

    The database is dropped afterwards unless ``keep``: it is rebuilt from scratch every run.
    """
    url = fresh_database(kind, postgres_url)
    try:
        return _measure(kind, url, plan)
    finally:
        if not keep:
            drop_database(url)


def _measure(kind: str, url: str, plan: Plan) -> DatabaseResults:
    results = DatabaseResults(kind=kind, label=LABELS[kind])
    tag = f"[{results.label}]"
    datasets.seed_base(url)

    started = time.perf_counter()
    datasets.insert_sessions(url, range(0, datasets.SMALL), datasets.Times.live())
    results.seeding[datasets.SMALL] = time.perf_counter() - started
    statements.check_signed_in(url, datasets.token(0))

    requests = requests_for(datasets.ORGANIZATION_SLUG)
    results.statements = statements.count_statements(
        url, {r.name: (r.path, r.headers("http://localhost")) for r in requests}, datasets.token(1)
    )
    available = [r for r in requests if results.statements[r.name] is not None]
    for request in requests:
        if request not in available:
            note = f"{request.name} ({request.path}) skipped: it did not answer 200 to a member"
            results.notes.append(note)
            say(f"{tag} {note}")

    flask_cookie = statements.flask_cookie(url)

    def load(server, total: int, label: str, connections: int) -> None:
        tokens = write_tokens(
            os.path.join(OUT, f"tokens-{kind}-{total}.txt"), datasets.token_sample(total)
        )
        say(
            f"{tag} {total:,} sessions, {label}: loading {len(available)} requests "
            f"for {plan.rounds} round(s) of {plan.seconds:g} s"
        )
        figures = measure(
            server,
            available,
            tokens,
            seconds=plan.seconds,
            rounds=plan.rounds,
            warmup=plan.warmup,
            connections=plan.connections or connections,
            threads=plan.wrk_threads,
            flask_cookie=flask_cookie,
            database_pids=lambda: backend_pids(url),
        )
        results.runs.append(ServerRun(total, label, figures, server.peak_rss_mb()))
        for figure in figures:
            say(
                f"{tag}   {figure.request:<17} {figure.rps:8.0f} req/s  ×{figure.rps_ratio:.2f}  "
                f"p50 {figure.p50_ms:.2f} ms  p99 {figure.p99_ms:.2f} ms  "
                f"CPU {figure.cpu_us:.0f} µs/req ×{figure.cpu_ratio:.2f}"
            )

    def serve(total: int, workers: Workers) -> None:
        label = f"{kind}-{total}-{workers.worker_class}"
        with gunicorn(
            url, workers.worker_class, workers.workers, workers.threads, label=label
        ) as server:
            load(server, total, workers.label, workers.connections)

    serve(datasets.SMALL, SYNC)
    if kind == "postgresql":
        # What users get in production: through nginx, two instances and PgBouncer.
        with stack(url, label=f"{kind}-{datasets.SMALL}-stack") as server:
            load(server, datasets.SMALL, STACK_LABEL, SYNC.connections)

    started = time.perf_counter()
    datasets.insert_sessions(url, range(datasets.SMALL, plan.large), datasets.Times.live())
    results.seeding[plan.large] = time.perf_counter() - started + results.seeding[datasets.SMALL]
    say(f"{tag} seeded {plan.large:,} sessions in {results.seeding[plan.large]:.1f} s")
    serve(plan.large, SYNC)
    serve(plan.large, GTHREAD)

    results.logout_all = maintenance.time_logout_all(url, datasets.HEAVY_USER_ID)
    say(
        f"{tag} logged out {results.logout_all.ended:,} devices "
        f"in {results.logout_all.seconds * 1000:.1f} ms"
    )

    datasets.delete_sessions(url)
    datasets.insert_sessions(url, range(0, plan.expired), datasets.Times.expired())
    datasets.insert_sessions(
        url, range(plan.expired, plan.expired + datasets.SMALL), datasets.Times.live()
    )
    results.clear_expired = maintenance.time_clear_expired(url)
    clear = results.clear_expired
    say(
        f"{tag} cleared {clear.deleted:,} expired sessions in {clear.seconds:.1f} s, "
        f"{clear.batches} batches, longest {clear.longest_batch_seconds * 1000:.0f} ms"
    )
    if clear.deleted != plan.expired or clear.remaining != datasets.SMALL:
        raise RuntimeError(f"clear-expired deleted {clear.deleted} and left {clear.remaining}")
    return results
