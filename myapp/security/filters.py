"""Template filters for times: "5 minutes ago" for people, the exact UTC time on hover."""

from datetime import UTC, datetime

from myapp.database import utcnow

#: (seconds in the unit, unit name), largest first; months and years are approximate.
_UNITS = (
    (365 * 24 * 3600, "year"),
    (30 * 24 * 3600, "month"),
    (24 * 3600, "day"),
    (3600, "hour"),
    (60, "minute"),
)


def relative_time(moment: datetime, now: datetime | None = None) -> str:
    """Return how long ago ``moment`` was in words: "just now", "1 minute ago", "3 days ago".

    A moment slightly in the future (clocks of two servers disagree) also reads "just now".
    """
    seconds = ((now or utcnow()) - moment).total_seconds()
    for size, unit in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'' if count == 1 else 's'} ago"
    return "just now"


def utc_time(moment: datetime) -> str:
    """Return ``moment`` as an unambiguous UTC time: "2025-11-27 09:02 UTC"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
