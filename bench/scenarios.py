"""The requests the benchmark loads, and how one server run measures them against /healthz."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from statistics import median

from bench.load import Load, run_wrk
from bench.server import Server

BASELINE = "healthz"


@dataclass(frozen=True)
class Request:
    """One scenario: a GET, plain or as a real htmx swap from the same page.

    Every request but the baseline carries what a signed-in browser sends: the session token
    and Flask's own cookie (the CSRF secret its pages' forms need), whether or not the request
    reads them. The baseline, ``/healthz``, gets none, as from a load balancer's probe.
    """

    name: str
    path: str
    htmx: bool = False

    def headers(self, base_url: str = "http://127.0.0.1") -> dict[str, str]:
        """Return the htmx headers this request sends (none for a plain GET)."""
        if not self.htmx:
            return {}
        return {"HX-Request": "true", "HX-Current-URL": base_url + self.path}


def requests_for(slug: str) -> list[Request]:
    """Return every scenario, the baseline first."""
    contacts = f"/organizations/{slug}/contacts"
    return [
        Request(BASELINE, "/healthz"),
        Request("session", "/api/auth/session"),
        # What every open, visible signed-in tab asks every SESSION_CHECK_INTERVAL seconds.
        Request("session check", "/api/auth/session/alive"),
        Request("contacts page", contacts),
        Request("contacts partial", contacts, htmx=True),
    ]


@dataclass(frozen=True)
class Figure:
    """One request's medians over the rounds, and its ratios to /healthz in the same rounds."""

    request: str
    rps: float
    p50_ms: float
    p99_ms: float
    rps_ratio: float
    p50_ratio: float
    p99_ratio: float
    #: Server CPU (workers, plus PostgreSQL backends) per request: steadier than req/s when
    #: other work shares the machine, since time spent waiting for a core is not counted.
    cpu_us: float
    cpu_ratio: float


def measure(
    server: Server,
    requests: list[Request],
    tokens_file: str,
    *,
    seconds: float,
    rounds: int,
    warmup: float,
    connections: int,
    flask_cookie: str,
    threads: int = 1,
    database_pids: Callable[[], list[int]] = list,
) -> list[Figure]:
    """Warm every request up, then load each in turn for ``rounds`` rounds.

    The load generator shares the cores with the server and whatever else runs, so every
    round measures /healthz next to the others, and each ratio is the median of per-round
    ratios: drift in the machine's load cancels out instead of landing on one request.
    The order flips every round so no request always follows the same neighbour.
    """

    def run(request: Request, duration: float) -> Load:
        url = server.base_url + request.path
        current = url if request.htmx else None
        if request.name == BASELINE:
            # The floor: what a load balancer's probe sends, no cookies at all.
            return run_wrk(url, None, duration, connections, threads=threads)
        return run_wrk(
            url, tokens_file, duration, connections, flask_cookie, current, threads=threads
        )

    def load(request: Request, duration: float) -> tuple[Load, float]:
        backends = database_pids()
        before = server.cpu_seconds(backends)
        result = run(request, duration)
        after = server.cpu_seconds(backends)
        if result.requests == 0:
            raise RuntimeError(f"no {request.name} request completed in {duration:g} s")
        cpu = sum(after[pid] - before.get(pid, 0.0) for pid in after)
        return result, cpu / result.requests * 1e6

    for request in requests:
        run(request, warmup)
    results: list[dict[str, Load]] = []
    cpu: list[dict[str, float]] = []
    for number in range(rounds):
        order = requests if number % 2 == 0 else list(reversed(requests))
        measured = {request.name: load(request, seconds) for request in order}
        results.append({name: value[0] for name, value in measured.items()})
        cpu.append({name: value[1] for name, value in measured.items()})

    figures = []
    for request in requests:
        loads = [round_[request.name] for round_ in results]
        bases = [round_[BASELINE] for round_ in results]
        figures.append(
            Figure(
                request=request.name,
                rps=median(x.rps for x in loads),
                p50_ms=median(x.p50_ms for x in loads),
                p99_ms=median(x.p99_ms for x in loads),
                rps_ratio=median(x.rps / b.rps for x, b in zip(loads, bases, strict=False)),
                p50_ratio=median(x.p50_ms / b.p50_ms for x, b in zip(loads, bases, strict=False)),
                p99_ratio=median(x.p99_ms / b.p99_ms for x, b in zip(loads, bases, strict=False)),
                cpu_us=median(round_[request.name] for round_ in cpu),
                cpu_ratio=median(round_[request.name] / round_[BASELINE] for round_ in cpu),
            )
        )
    return figures


def write_tokens(path: str, tokens: list[str]) -> str:
    """Write the tokens wrk presents, one per line; return the path."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        file.write("\n".join(tokens) + "\n")
    return path
