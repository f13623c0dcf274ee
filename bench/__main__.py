"""``python -m bench [--quick]``: measure the cost of an authenticated request; see README.md."""

import argparse
import os
import sys

from bench import machine, report
from bench.database import DEFAULT_POSTGRES_URL, OUT
from bench.load import require_wrk
from bench.run import FULL, QUICK, Plan, run_database

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few seconds per scenario and 100,000 sessions (what CI runs)",
    )
    parser.add_argument(
        "--db",
        nargs="+",
        choices=["sqlite", "postgresql"],
        default=["sqlite", "postgresql"],
        help="database engines to measure (default: both)",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL database to DROP and recreate (default: %(default)s)",
    )
    parser.add_argument("--seconds", type=float, help="seconds per measured wrk run")
    parser.add_argument(
        "--wrk-threads", type=int, default=1, help="wrk threads (default: %(default)s)"
    )
    parser.add_argument(
        "--connections", type=int, help="wrk connections (default: each configuration's own)"
    )
    parser.add_argument("--rounds", type=int, help="rounds of measured runs per server")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the seeded databases afterwards, for a look inside",
    )
    parser.add_argument(
        "--output",
        help="results file (default: bench/RESULTS.md, or bench/out/RESULTS-quick.md with --quick)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    require_wrk()
    plan = QUICK if arguments.quick else FULL
    plan = Plan(
        plan.name,
        plan.large,
        plan.expired,
        arguments.seconds or plan.seconds,
        arguments.rounds or plan.rounds,
        plan.warmup,
        arguments.wrk_threads,
        arguments.connections,
    )
    output = arguments.output or (
        os.path.join(OUT, "RESULTS-quick.md")
        if arguments.quick
        else os.path.join(HERE, "RESULTS.md")
    )
    postgres_url = arguments.postgres_url if "postgresql" in arguments.db else None
    facts = machine.describe(postgres_url)
    if arguments.quick:
        print(
            f"Quick mode: {plan.large:,} sessions in the large table and "
            f"{plan.expired:,} expired rows "
            "(the full run uses 1,000,000 of each).",
            flush=True,
        )
    all_results = [
        run_database(kind, plan, arguments.postgres_url, arguments.keep) for kind in arguments.db
    ]
    command = " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])])
    document = report.render(all_results, plan, facts, command)
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as file:
        file.write(document)
    print()
    print(document)
    print(f"Written to {os.path.relpath(output)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
