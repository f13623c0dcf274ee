"""Does /forgot-password take the same time for an address with an account and one without?

    .venv/bin/python -m bench.forgot_password [--db sqlite|postgresql] [--requests N]

Posts the form N times through the Flask test client, alternating a known and an unknown
address, with mail going to an in-process SMTP server (aiosmtpd, a dev dependency). Each
request's background work (lookup, token, mail) is waited for outside the timed part, so one
request's mail does not slow the next. Prints the medians and their ratio: evidence to read,
not a test (a shared machine's timings vary).
"""

import argparse
import statistics
import time

from bench.database import DEFAULT_POSTGRES_URL, app_settings, fresh_database
from myapp import create_app
from tests import factories
from tests.mail_support import SMTPServer, join_background_work
from tests.support import Browser

KNOWN = "known@example.com"
UNKNOWN = "unknown@example.com"


def measure(kind: str, requests: int, postgres_url: str) -> dict[str, list[float]]:
    """Return per-address lists of request times in milliseconds (warm-up dropped)."""
    url = fresh_database(kind, postgres_url)
    smtp = SMTPServer().start()
    try:
        app = create_app(
            {
                **app_settings(url),
                **smtp.settings(),
                "TESTING": True,
                "PASSWORD_RESET_LIMIT_PER_EMAIL": 10**9,
                "PASSWORD_RESET_LIMIT_PER_IP": 10**9,
            }
        )
        factories.make_user(app, email=KNOWN)
        browser = Browser(app)
        times: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
        for n in range(requests):
            email = KNOWN if n % 2 else UNKNOWN
            data = {"email": email, "csrf_token": browser.csrf_token()}
            started = time.perf_counter()
            response = browser.post("/forgot-password", data, csrf=False)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 303:
                raise SystemExit(f"/forgot-password answered {response.status_code}")
            join_background_work()
            times[email].append(elapsed)
        sent = len(smtp.mailbox.messages)
        if sent != requests // 2:
            raise SystemExit(f"expected {requests // 2} messages, the server received {sent}")
        warm_up = max(1, requests // 20)
        return {email: values[warm_up:] for email, values in times.items()}
    finally:
        smtp.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.forgot_password", description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    arguments = parser.parse_args()
    times = measure(arguments.db, arguments.requests, arguments.postgres_url)
    medians = {email: statistics.median(values) for email, values in times.items()}
    for email, median in medians.items():
        print(f"{arguments.db}: {email:<20} median {median:6.2f} ms over {len(times[email])}")
    print(f"{arguments.db}: known / unknown = {medians[KNOWN] / medians[UNKNOWN]:.2f}")


if __name__ == "__main__":
    main()
