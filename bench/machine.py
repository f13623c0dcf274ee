"""Describe the machine and the versions a run measured, for the results file."""

import os
import platform
import sqlite3
import sys
from datetime import datetime, timezone
from importlib.metadata import version

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.load import wrk_version


def cpu_model() -> str:
    """Return the CPU model name from /proc/cpuinfo."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def postgresql_version(url: str) -> str:
    """Return the server's version from the maintenance database (``bench`` may not exist yet)."""
    engine = create_engine(make_url(url).set(database="postgres"))
    with engine.connect() as connection:
        value = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    return value


def describe(postgres_url: str | None) -> dict[str, str]:
    """Return the machine and software facts that belong next to the figures."""
    facts = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu_model(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }
    if postgres_url:
        facts["PostgreSQL"] = postgresql_version(postgres_url)
    for package in ("gunicorn", "Flask", "SQLAlchemy", "Flask-SQLAlchemy", "psycopg"):
        facts[package] = version(package)
    facts["wrk"] = wrk_version()
    facts["kernel"] = platform.release()
    facts["interpreter"] = sys.implementation.name
    return facts
