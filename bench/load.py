"""Drive a running server with wrk and read back throughput and latency."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass

LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sessions.lua")
_RESULT = re.compile(
    r"BENCH_RESULT requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) errors=(\d+)"
)


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


def require_wrk() -> None:
    """Stop with the install command when wrk is missing."""
    if shutil.which("wrk") is None:
        raise SystemExit(
            "wrk is not installed: `apt-get install wrk` (Debian's package) and rerun."
        )


def wrk_version() -> str:
    """Return wrk's version line."""
    result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    return (result.stdout or result.stderr).splitlines()[0].split(" Copyright")[0]


def run_wrk(
    url: str,
    tokens_file: str | None,
    seconds: float,
    connections: int,
    other_cookies: str | None = None,
    htmx_current_url: str | None = None,
    threads: int = 1,
) -> Load:
    """Load ``url`` (on 127.0.0.1) for ``seconds`` with wrk; fail on any error.

    One thread (the default) is plenty for a few thousand requests a second and leaves the
    cores to the server, which shares the machine with it.
    """
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmark only loads 127.0.0.1")
    arguments = [tokens_file or "-", other_cookies or "-"] + (
        ["htmx", htmx_current_url] if htmx_current_url else []
    )
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        LUA,
        url,
        "--",
        *arguments,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = _RESULT.search(result.stdout)
    if result.returncode != 0 or match is None:
        raise RuntimeError(f"wrk failed on {url}:\n{result.stdout}\n{result.stderr}")
    requests, duration_us, p50_us, p99_us, errors = map(int, match.groups())
    if errors:
        raise RuntimeError(f"wrk saw {errors} errors (non-2xx/3xx, timeouts, resets) on {url}")
    return Load(
        rps=requests / (duration_us / 1e6),
        p50_ms=p50_us / 1000,
        p99_ms=p99_us / 1000,
        requests=requests,
    )
