"""Start gunicorn (or the deploy/ stack) on 127.0.0.1, find its workers, read their peak memory."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from bench.database import OUT, PUBLIC_URL, SECRET_KEY
from deploy.stack import Stack

_TICKS = os.sysconf("SC_CLK_TCK")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass(frozen=True)
class Server:
    """A running gunicorn master and the base URL it answers on."""

    pid: int
    base_url: str
    workers: int

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's worker processes."""
        return children_of(self.pid)

    def cpu_seconds(self, extra_pids: list[int] = ()) -> dict[int, float]:
        """Return the CPU time (user + system) used so far by each worker and ``extra_pids``."""
        usage = {}
        for pid in [*self.worker_pids(), *extra_pids]:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a PostgreSQL backend that ended: its time is lost to this slice
            usage[pid] = (int(fields[11]) + int(fields[12])) / _TICKS
        return usage

    def peak_rss_mb(self) -> float:
        """Return the largest peak resident set (VmHWM) among the workers, in MiB."""
        peaks = []
        for pid in self.worker_pids():
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peaks.append(int(line.split()[1]) / 1024)
        return max(peaks)


@dataclass(frozen=True)
class StackServer(Server):
    """The deploy/ stack: its "workers" are every process that serves a request.

    That is each gunicorn instance's workers, nginx's worker and PgBouncer, so the CPU per
    request includes what the load balancer and the pooler cost.
    """

    parents: tuple[int, ...] = ()
    others: tuple[int, ...] = ()

    def worker_pids(self) -> list[int]:
        return [pid for parent in self.parents for pid in children_of(parent)] + list(self.others)


def children_of(parent: int) -> list[int]:
    """Return the pids of ``parent``'s child processes."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    # The command name is in parentheses and may contain spaces.
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                pids.append(int(entry))
    return pids


@contextmanager
def stack(database_url: str, label: str = "stack"):
    """Run deploy/'s stack against ``database_url`` for the ``with`` block.

    nginx, two gunicorn instances of one sync worker each (two workers in all, as in the
    direct runs) and PgBouncer in front of the benchmark's own database.
    """
    url = make_url(database_url)
    run_dir = tempfile.mkdtemp(prefix="myapp-bench-stack-")
    database = (url.host, url.port or 5432, url.database)
    running = Stack(run_dir, SECRET_KEY, database=database, workers=1)
    try:
        running.start()
        yield StackServer(
            pid=running.nginx.process.pid,
            base_url=running.url,
            workers=len(running.instances),
            parents=(*(i.process.pid for i in running.instances), running.nginx.process.pid),
            others=(running.pgbouncer.process.pid,),
        )
    finally:
        running.stop()
        os.makedirs(OUT, exist_ok=True)
        for instance in running.instances:
            copy = os.path.join(OUT, f"gunicorn-{label}-{instance.name}.log")
            shutil.copy(instance.log_path, copy)
        shutil.rmtree(run_dir, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    database_url: str,
    worker_class: str,
    workers: int = 2,
    threads: int = 1,
    label: str = "run",
    wsgi_app: str = "app:app",
):
    """Run ``wsgi_app`` under gunicorn against ``database_url`` for the ``with`` block."""
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        COOKIE_SECURE="false",
        PUBLIC_URL=PUBLIC_URL,
    )
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--log-level",
        "warning",
        wsgi_app,
    ]
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, f"gunicorn-{label}.log"), "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(pid=process.pid, base_url=f"http://127.0.0.1:{port}", workers=workers)
    try:
        _wait_ready(server, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(server: Server, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with {process.returncode}; see bench/out/gunicorn-*.log"
            )
        if len(server.worker_pids()) == server.workers:
            try:
                with urllib.request.urlopen(server.base_url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /healthz within 30 s")
