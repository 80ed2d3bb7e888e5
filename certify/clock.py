"""The one clock: every part of certify asks :func:`now_utc` for the time.

Exam windows and deadlines are derived from it, so tests freeze time (time-machine) instead of
sleeping, and nothing reads the database server's clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from certify.settings import setting


def now_utc() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Return ``value`` as an aware UTC datetime; a naive value is taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local_today(zone: str | None = None) -> date:
    """Today's date where the examining body is: in ``zone``, by default the site's time zone
    (``BABEL_DEFAULT_TIMEZONE``; certificates' issue and expiry dates are such dates)."""
    return now_utc().astimezone(ZoneInfo(zone or setting("BABEL_DEFAULT_TIMEZONE") or "UTC")).date()
