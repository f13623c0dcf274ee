"""What several browser tests do the same way: sign in through the real form, and run once.

Playwright is imported inside the helpers, so a machine without it still collects the tests
(they skip, saying why; see conftest.py).
"""

import os

import pytest

from tests import factories

#: For flows the database does not change: CI runs them in the SQLite pass only.
ONCE_ON_SQLITE = pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="browser flows run once in CI, on SQLite: the database does not change them",
)


def sign_in(page, base: str, email: str, next_path: str | None = None) -> None:
    """Sign ``email`` in with the default password, as a person would, and wait to land.

    Lands on ``next_path`` when given, else on the organizations page.
    """
    from playwright.sync_api import expect

    page.goto(f"{base}/sign-in" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}{next_path or '/organizations'}")
