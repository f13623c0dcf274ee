"""Times read as people say them ("5 minutes ago"), with the exact UTC time for the title."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from myapp.security.filters import relative_time, utc_time

NOW = datetime(2025, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "words"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(minutes=5, seconds=30), "5 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=23, minutes=59), "23 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=29), "29 days ago"),
        (timedelta(days=30), "1 month ago"),
        (timedelta(days=400), "1 year ago"),
        (timedelta(days=800), "2 years ago"),
    ],
)
def test_relative_time_uses_the_largest_whole_unit(ago, words):
    assert relative_time(NOW - ago, now=NOW) == words


def test_a_moment_in_the_future_reads_just_now():
    assert relative_time(NOW + timedelta(seconds=3), now=NOW) == "just now"


def test_relative_time_defaults_to_the_current_time():
    assert relative_time(datetime.now(UTC) - timedelta(minutes=5, seconds=5)) == "5 minutes ago"


def test_utc_time_converts_to_utc():
    paris = timezone(timedelta(hours=1))
    assert utc_time(datetime(2025, 11, 27, 10, 2, tzinfo=paris)) == "2025-11-27 09:02 UTC"
