"""Turn the measurements into the Markdown tables printed and written to RESULTS.md."""

from bench import datasets
from bench.run import SYNC, DatabaseResults, Plan, ServerRun

#: The issue's targets; each check returns (figure shown, met?) or None when not measured.
RATIO_TARGETS = {"sqlite": 0.75, "postgresql": 0.60}
LOGOUT_TARGET_MS = {"sqlite": 300, "postgresql": 20}
CLEAR_TARGET_S = 30
BATCH_TARGET_S = 1
RSS_TARGET_MB = 80
FLATNESS = 0.10
#: The session check that open tabs poll may cost at most this much more CPU than the session
#: endpoint (issue 14: "about what GET /api/auth/session costs").
CHECK_OVER_SESSION = 0.10


def _figure(run: ServerRun | None, request: str):
    if run is None:
        return None
    return next((f for f in run.figures if f.request == request), None)


def _run(results: DatabaseResults, sessions: int, workers: str = SYNC.label) -> ServerRun | None:
    return next((r for r in results.runs if r.sessions == sessions and r.workers == workers), None)


def requests_table(all_results: list[DatabaseResults]) -> list[str]:
    lines = [
        "| database | sessions | gunicorn | request | req/s | × /healthz | p50 ms | × | p99 ms | × "
        "| server CPU µs/req | × | peak RSS/worker |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for results in all_results:
        for run in results.runs:
            for index, f in enumerate(run.figures):
                rss = f"{run.peak_rss_mb:.0f} MiB" if index == 0 else ""
                lines.append(
                    f"| {results.label} | {run.sessions:,} | {run.workers} | {f.request} "
                    f"| {f.rps:,.0f} | "
                    f"{f.rps_ratio:.2f} | {f.p50_ms:.2f} | {f.p50_ratio:.2f} | {f.p99_ms:.2f} | "
                    f"{f.p99_ratio:.2f} | {f.cpu_us:.0f} | {f.cpu_ratio:.2f} | {rss} |"
                )
    return lines


def statements_table(all_results: list[DatabaseResults]) -> list[str]:
    names = list(all_results[0].statements)
    lines = ["| database | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    for results in all_results:
        cells = [
            "skipped" if results.statements[n] is None else str(results.statements[n])
            for n in names
        ]
        lines.append(f"| {results.label} | " + " | ".join(cells) + " |")
    return lines


def maintenance_table(all_results: list[DatabaseResults], plan: Plan) -> list[str]:
    lines = [
        f"| database | seed {plan.large:,} sessions "
        f"| log out {datasets.HEAVY_USER_SESSIONS:,} devices "
        f"| clear {plan.expired:,} expired | batches | longest batch |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in all_results:
        c = r.clear_expired
        lines.append(
            f"| {r.label} | {r.seeding[plan.large]:.1f} s | {r.logout_all.seconds * 1000:.1f} ms | "
            f"{c.seconds:.1f} s | {c.batches} | {c.longest_batch_seconds * 1000:.0f} ms |"
        )
    return lines


def targets(results: DatabaseResults, plan: Plan) -> list[tuple[str, str, bool | None]]:
    """Return (target, measured, met) for one database; met is None when not measured."""
    kind = results.kind
    large, small = _run(results, plan.large), _run(results, datasets.SMALL)
    checks = []
    session_large, session_small = _figure(large, "session"), _figure(small, "session")
    goal = RATIO_TARGETS[kind]
    if session_large:
        # The CPU figure is the steadier cross-check: /healthz CPU over the request's CPU.
        checks.append(
            (
                f"/api/auth/session ≥ {goal:.2f} × /healthz at {plan.large:,} sessions",
                f"{session_large.rps_ratio:.2f} (by CPU {1 / session_large.cpu_ratio:.2f})",
                session_large.rps_ratio >= goal,
            )
        )
    if session_large and session_small:
        flat = session_large.rps_ratio / session_small.rps_ratio
        checks.append(
            (
                f"{plan.large:,} sessions within 10% of 1,000 (ratio of ratios)",
                f"{flat:.2f}",
                abs(flat - 1) <= FLATNESS,
            )
        )
    count = results.statements.get("session")
    checks.append(("exactly 1 statement for /api/auth/session", str(count), count == 1))
    count = results.statements.get("session check")
    checks.append(("exactly 1 statement for the session check", str(count), count == 1))
    check_large = _figure(large, "session check")
    if session_large and check_large:
        cost = check_large.cpu_us / session_large.cpu_us
        checks.append(
            (
                f"session check CPU ≤ {1 + CHECK_OVER_SESSION:.2f} × /api/auth/session's",
                f"{cost:.2f} (req/s {check_large.rps_ratio:.2f} vs {session_large.rps_ratio:.2f})",
                cost <= 1 + CHECK_OVER_SESSION,
            )
        )
    for name in ("contacts page", "contacts partial"):
        count = results.statements.get(name)
        checks.append(
            (
                f"{name}: at most 3 statements",
                "skipped" if count is None else str(count),
                None if count is None else count <= 3,
            )
        )
    logout_ms = results.logout_all.seconds * 1000
    checks.append(
        (
            f"log out {datasets.HEAVY_USER_SESSIONS:,} devices < {LOGOUT_TARGET_MS[kind]} ms",
            f"{logout_ms:.1f} ms",
            logout_ms < LOGOUT_TARGET_MS[kind],
        )
    )
    clear = results.clear_expired
    checks.append(
        (
            f"clear {plan.expired:,} expired < {CLEAR_TARGET_S} s",
            f"{clear.seconds:.1f} s",
            clear.seconds < CLEAR_TARGET_S,
        )
    )
    checks.append(
        (
            f"longest clear batch < {BATCH_TARGET_S} s",
            f"{clear.longest_batch_seconds * 1000:.0f} ms",
            clear.longest_batch_seconds < BATCH_TARGET_S,
        )
    )
    rss = max(run.peak_rss_mb for run in results.runs)
    checks.append(
        (
            f"peak RSS per worker < {RSS_TARGET_MB} MB (read as MiB)",
            f"{rss:.0f} MiB",
            rss < RSS_TARGET_MB,
        )
    )
    return checks


def targets_table(all_results: list[DatabaseResults], plan: Plan) -> list[str]:
    lines = ["| database | target | measured | verdict |", "|---|---|---:|---|"]
    for results in all_results:
        for target, measured, met in targets(results, plan):
            verdict = "not measured" if met is None else ("met" if met else "**missed**")
            lines.append(f"| {results.label} | {target} | {measured} | {verdict} |")
    return lines


def render(
    all_results: list[DatabaseResults], plan: Plan, machine: dict[str, str], command: str
) -> str:
    """Return the whole results document."""
    out = [
        "# Benchmark results",
        "",
        f"Written by `{command}` ({plan.name} mode: "
        f"{plan.rounds} round(s) of {plan.seconds:g} s per "
        f"request after a {plan.warmup:g} s warm-up; ratios are medians of per-round ratios to "
        f"`/healthz` in the same server run). See bench/README.md for what is measured and how.",
    ]
    if plan.name == "quick":
        out += [
            "",
            f"**Quick mode**: the large table has {plan.large:,} sessions, not 1,000,000, and "
            f"{plan.expired:,} expired rows are cleared, not 1,000,000. "
            "Figures are smoke, not evidence.",
        ]
    out += ["", "## Machine", "", "| | |", "|---|---|"]
    out += [f"| {key} | {value} |" for key, value in machine.items()]
    out += ["", "## Requests (wrk on the same machine, tokens spread over many sessions)", ""]
    out += requests_table(all_results)
    out += ["", "## SQL statements per request (steady state: the second request)", ""]
    out += statements_table(all_results)
    out += ["", "## Bulk deletes", ""]
    out += maintenance_table(all_results, plan)
    out += ["", "## Targets (issue 6)", ""]
    out += targets_table(all_results, plan)
    notes = [f"{r.label}: {note}" for r in all_results for note in r.notes]
    if notes:
        out += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    return "\n".join(out) + "\n"
