"""Run the deploy/ configuration on loopback ports: the stack an operator runs, on one machine.

``python -m deploy.stack`` starts, from Debian's packages and this repository's deploy/ files:

- a PostgreSQL cluster of its own (``initdb`` in a temporary folder, its own port), unless
  ``--database host:port/dbname`` names an existing one;
- PgBouncer in transaction pooling mode in front of it (deploy/pgbouncer.ini);
- two gunicorn instances, ``a`` and ``b`` (deploy/gunicorn.conf.py), with
  ``DATABASE_POOLER=pgbouncer``, ``TRUSTED_PROXIES=1`` and ``LOG_FORMAT=json``;
- nginx balancing between them (deploy/nginx.conf), plain HTTP on 127.0.0.1.

It prints the URL and runs until Ctrl-C. tests/test_stack.py and the benchmark start the
same stack through ``Stack``; tests/test_database_faults.py uses ``PostgresCluster`` alone.
PostgreSQL and PgBouncer refuse to run as root, so as root they run as user ``postgres``.
"""

import argparse
import glob
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
#: Placeholders in deploy/nginx.conf and deploy/pgbouncer.ini.
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render(template: str, values: dict[str, str]) -> str:
    """Return deploy/``template`` with every double-braced ``name`` replaced by ``values[name]``."""
    with open(os.path.join(HERE, template)) as file:
        return _PLACEHOLDER.sub(lambda match: str(values[match[1]]), file.read())


def postgres_bin(program: str) -> str:
    """Return the path of a PostgreSQL server program from Debian's newest installed version."""
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{program}"),
        key=lambda path: int(path.split("/")[4]),
    )
    if not candidates:
        raise RuntimeError(f"{program} not found: apt-get install postgresql")
    return candidates[-1]


def _service_user() -> dict:
    """Return Popen arguments that drop root to ``postgres`` (no-op for other users)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "postgres", "group": "postgres"}


def _give_to_service_user(path: str) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(path, entry.pw_uid, entry.pw_gid)


def wait_until(check, timeout: float, what: str) -> None:
    """Call ``check`` until it returns true, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {timeout:g} s")


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def http_status(url: str, timeout: float = 5) -> int | None:
    """Return the status of GET ``url``, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class PostgresCluster:
    """A throwaway PostgreSQL cluster in ``directory``, listening on 127.0.0.1:``port`` only.

    Stopping and starting it never touches the shared server on 5432.
    """

    def __init__(self, directory: str, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.data = os.path.join(directory, "pgdata")
        self.log = os.path.join(directory, "postgres.log")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def init(self) -> "PostgresCluster":
        os.makedirs(self.directory, exist_ok=True)
        _give_to_service_user(self.directory)
        self._run(
            postgres_bin("initdb"),
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        return self

    def start(self) -> None:
        # fsync=off is safe for a throwaway cluster: only the server process is ever stopped,
        # never the machine, so WAL in the OS cache survives. synchronous_commit stays on: the
        # fault tests stop the server in "immediate" mode, and an acknowledged commit (the
        # test's own user and session) must still be there when it comes back.
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} "
            "-c fsync=off -c full_page_writes=off"
        )
        pg_ctl = postgres_bin("pg_ctl")
        self._run(pg_ctl, "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def running(self) -> bool:
        return os.path.exists(os.path.join(self.data, "postmaster.pid"))

    def stop(self, mode: str = "fast") -> None:
        """Stop the server; ``fast`` disconnects clients, ``immediate`` is a crash."""
        self._run(postgres_bin("pg_ctl"), "-D", self.data, "-m", mode, "-w", "stop")

    def create_database(self, name: str) -> str:
        """Create database ``name`` and return its SQLAlchemy URL."""
        self._run(
            os.path.join(os.path.dirname(postgres_bin("pg_ctl")), "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            name,
        )
        return self.url(name)

    def _run(self, *command: str) -> None:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, **_service_user()
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@dataclass
class PgBouncer:
    """PgBouncer from deploy/pgbouncer.ini, in front of database ``dbname`` at host:port."""

    run_dir: str
    server_host: str
    server_port: int
    dbname: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def configure(self) -> None:
        with open(os.path.join(self.run_dir, "userlist.txt"), "w") as file:
            file.write('"postgres" ""\n')
        config = render(
            "pgbouncer.ini",
            {
                "database": self.dbname,
                "server_host": self.server_host,
                "server_port": self.server_port,
                "server_dbname": self.dbname,
                "listen_addr": "127.0.0.1",
                "listen_port": self.port,
                "run_dir": self.run_dir,
                "auth_type": "trust",
            },
        )
        with open(os.path.join(self.run_dir, "pgbouncer.ini"), "w") as file:
            file.write(config)

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["pgbouncer", os.path.join(self.run_dir, "pgbouncer.ini")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_service_user(),
        )
        wait_until(lambda: _accepts(self.port), 15, "PgBouncer did not listen")

    def stop(self) -> None:
        """Shut PgBouncer down at once (SIGTERM): every client connection is dropped."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=15)


@dataclass
class Instance:
    """One gunicorn instance from deploy/gunicorn.conf.py."""

    name: str
    environment: dict[str, str]
    log_path: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {
            **os.environ,
            **self.environment,
            "INSTANCE_NAME": self.name,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
        }
        command = [sys.executable, "-m", "gunicorn", "-c", os.path.join(HERE, "gunicorn.conf.py")]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*command, "app:app"], cwd=ROOT, env=env, stdout=log, stderr=log
            )

    def wait_ready(self) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited; see {self.log_path}")
            return http_status(self.url + "/readyz", timeout=2) == 200

        wait_until(ready, 60, f"gunicorn {self.name} was not ready")

    def stop(self) -> None:
        """Stop gracefully (SIGTERM): requests in flight finish first."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Nginx:
    """nginx from deploy/nginx.conf, balancing over ``instances``."""

    run_dir: str
    instances: list[Instance]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        servers = "\n".join(
            f"        server 127.0.0.1:{instance.port};" for instance in self.instances
        )
        config = render(
            "nginx.conf",
            {
                "run_dir": self.run_dir,
                "upstream_servers": servers,
                "listen": f"127.0.0.1:{self.port}",
            },
        )
        path = os.path.join(self.run_dir, "nginx.conf")
        with open(path, "w") as file:
            file.write(config)
        with open(os.path.join(self.run_dir, "nginx-stderr.log"), "ab") as log:
            self.process = subprocess.Popen(
                ["nginx", "-p", self.run_dir, "-c", path, "-e", "stderr", "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        wait_until(lambda: _accepts(self.port), 15, "nginx did not listen")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish requests, then exit
            self.process.wait(timeout=15)


@dataclass
class Stack:
    """PostgreSQL (own cluster or given), PgBouncer, gunicorn instances, nginx; started in order."""

    run_dir: str
    secret_key: str
    database: tuple[str, int, str] | None = None
    instance_names: tuple[str, ...] = ("a", "b")
    workers: int = 2
    extra_environment: dict[str, str] = field(default_factory=dict)
    cluster: PostgresCluster | None = None
    pgbouncer: PgBouncer | None = None
    instances: list[Instance] = field(default_factory=list)
    nginx: Nginx | None = None

    @property
    def url(self) -> str:
        return self.nginx.url

    def start(self) -> "Stack":
        os.makedirs(self.run_dir, exist_ok=True)
        _give_to_service_user(self.run_dir)
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        if self.database is None:
            self.cluster = PostgresCluster(os.path.join(self.run_dir, "postgres")).init()
            self.cluster.start()
            self.cluster.create_database("myapp")
            self.database = ("127.0.0.1", self.cluster.port, "myapp")
        host, port, dbname = self.database
        direct_url = f"postgresql+psycopg://postgres@{host}:{port}/{dbname}"
        self.pgbouncer = PgBouncer(self.run_dir, host, port, dbname)
        self.pgbouncer.configure()
        self.pgbouncer.start()
        # Chosen now: PUBLIC_URL (the origin mailed links are built on) is nginx's address.
        nginx_port = free_port()
        environment = {
            "SECRET_KEY": self.secret_key,
            "PUBLIC_URL": f"http://127.0.0.1:{nginx_port}",
            "DATABASE_URL": self.pgbouncer.url(),
            "DATABASE_POOLER": "pgbouncer",
            "TRUSTED_PROXIES": "1",
            # Plain HTTP on loopback; behind TLS keep the default COOKIE_SECURE=true.
            "COOKIE_SECURE": "false",
            "LOG_FORMAT": "json",
            "GUNICORN_WORKERS": str(self.workers),
            **self.extra_environment,
        }
        # Migrations run once, straight against PostgreSQL, before any instance starts.
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env={**os.environ, **environment, "DATABASE_URL": direct_url},
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.instances = [
            Instance(name, environment, os.path.join(self.run_dir, f"gunicorn-{name}.log"))
            for name in self.instance_names
        ]
        for instance in self.instances:
            instance.start()
        for instance in self.instances:
            instance.wait_ready()
        self.nginx = Nginx(self.run_dir, self.instances, port=nginx_port)
        self.nginx.start()

    def stop(self) -> None:
        """Stop everything that was started, the front first."""
        if self.nginx is not None:
            self.nginx.stop()
        for instance in self.instances:
            instance.stop()
        if self.pgbouncer is not None:
            self.pgbouncer.stop()
        if self.cluster is not None and self.cluster.running():
            self.cluster.stop()

    def logs(self) -> str:
        """Return every instance's log, for a failing test to show."""
        parts = []
        for instance in self.instances:
            with open(instance.log_path, errors="replace") as file:
                parts.append(f"--- gunicorn {instance.name}\n{file.read()[-4000:]}")
        return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.stack", description=__doc__)
    parser.add_argument(
        "--database", help="host:port/dbname of an existing PostgreSQL database (default: own)"
    )
    arguments = parser.parse_args(argv)
    database = None
    if arguments.database:
        address, dbname = arguments.database.split("/", 1)
        host, port = address.rsplit(":", 1)
        database = (host, int(port), dbname)
    run_dir = tempfile.mkdtemp(prefix="myapp-stack-")
    secret_key = os.environ.get("SECRET_KEY") or os.urandom(32).hex()
    # SIGTERM (systemd, timeout) stops the stack as cleanly as Ctrl-C, even while it starts.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    stack = Stack(run_dir, secret_key=secret_key, database=database)
    try:
        stack.start()
        print(f"myapp at {stack.url} (instances {', '.join(i.url for i in stack.instances)})")
        print(f"PgBouncer on 127.0.0.1:{stack.pgbouncer.port}; files and logs in {run_dir}")
        print("Ctrl-C stops everything.", flush=True)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        # A second Ctrl-C or SIGTERM (a process group's worth) must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
