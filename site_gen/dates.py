"""The one place that knows how dates are read and shown.

Front matter dates may be a bare date (``2025-07-20``), a local time
(``2025-07-20 10:00`` or ``2025-07-20T10:00:00``), or a time with an offset
(``2025-07-20T10:00:00+05:00``, ``…Z``). Bare dates and local times are taken
in the site's time zone. Every date the site shows is in that time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

FORMATS_HINT = "write it as 2025-07-20, 2025-07-20 14:30 or 2025-07-20T14:30:00+05:00"


@dataclass(frozen=True, order=True)
class Moment:
    """A point in time as an editor gave it."""

    at: datetime
    """Aware datetime, converted to the site's time zone."""
    has_time: bool = True
    """False for a bare date: pages then show the day only."""

    def isoformat(self) -> str:
        """``2025-07-20T10:00:00+05:00``; a bare date is shown as its day only."""
        return self.at.date().isoformat() if not self.has_time else self.at.isoformat()

    def timestamp_iso(self) -> str:
        """Full RFC 3339 timestamp, also for bare dates (midnight local)."""
        return self.at.isoformat()

    def human(self) -> str:
        """``20 July 2025`` or ``20 July 2025, 10:00 PKT``."""
        day = f"{self.at.day} {MONTHS[self.at.month - 1]} {self.at.year}"
        if not self.has_time:
            return day
        zone = self.at.tzname() or ""
        if zone.startswith(("+", "-")):
            zone = "UTC" + zone
        return f"{day}, {self.at:%H:%M} {zone}".rstrip()


def site_zone(name: str) -> ZoneInfo:
    """The ZoneInfo for a time-zone name; raises ValueError for an unknown one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def parse_moment(text: str, zone: ZoneInfo) -> Moment:
    """Read a front matter date; raise ValueError with an editor-friendly message."""
    raw = str(text).strip()
    if not raw:
        raise ValueError("the date is empty")
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return Moment(datetime.combine(day, time(0, 0), zone), has_time=False)
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"cannot read the date {raw!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return Moment(parsed.astimezone(zone), has_time=True)


def utc_now() -> datetime:
    """The real clock; callers inject their own for reproducible builds."""
    return datetime.now(UTC)
