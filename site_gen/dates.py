"""The one place that knows how dates are read and shown.

Front matter dates may be a bare date (``2025-07-20``), a local time
(``2025-07-20 10:00`` or ``2025-07-20T10:00:00``), or a time with an offset
(``2025-07-20T10:00:00+05:00``, ``…Z``). Bare dates and local times are taken
in the site's time zone. Every date the site shows is in that time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
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


ENGLISH = "en_GB"
"""The CLDR locale of English dates (``20 July 2025``): the site's default language."""


def period_label(period, locale: str = ENGLISH) -> str:
    """The label of an archive period (a :class:`~site_gen.model.Period`, or anything with its
    ``year``, ``month`` and ``day``): ``2025``, ``July 2025`` or ``20 July 2025``, in a
    CLDR locale's words and digits (``جولائی 2025``). Kept once made: a site's periods are few,
    and Babel takes longer to format a date than a page takes to plan."""
    key = (period.year, period.month, period.day, locale)
    label = _LABELS.get(key)
    if label is None:
        label = _LABELS[key] = _period_label(period.year, period.month, period.day, locale)
    return label


_LABELS: dict[tuple, str] = {}


def _period_label(year: int, month: int | None, day: int | None, locale: str) -> str:
    from babel.dates import format_date, format_skeleton

    if month is None:
        return local_digits(str(year), locale)
    when = date(year, month, day or 1)
    if day is None:
        return local_digits(format_skeleton("yMMMM", when, locale=locale), locale)
    return local_digits(format_date(when, "long", locale=locale), locale)


_ZEROS = {"latn": "0", "arab": "\u0660", "arabext": "\u06f0", "deva": "\u0966", "beng": "\u09e6", "mymr": "\u1040"}
"""The digit zero of CLDR's decimal numbering systems that the bulletin's region writes (Babel
names a locale's system, ``arabext`` for Pashto and Dari, but keeps no digits)."""
_DIGIT_TABLES: dict[str, dict[int, str]] = {}


def local_digits(text: str, locale: str) -> str:
    """ASCII digits of ``text`` in the digits the locale writes by default in CLDR (``۲۰``
    for Pashto and Dari; Urdu and English keep 0-9)."""
    table = _DIGIT_TABLES.get(locale)
    if table is None:
        zero = ord(_ZEROS.get(_cldr(locale).default_numbering_system, "0"))
        table = _DIGIT_TABLES[locale] = {ord("0") + n: chr(zero + n) for n in range(10)} if zero != ord("0") else {}
    return text.translate(table) if table else text


def _cldr(locale: str):
    from babel import Locale

    return Locale.parse(locale)


def local_number(number: int, locale: str) -> str:
    """A whole number as the locale writes it (no grouping: ``1500`` stays one word)."""
    return local_digits(str(number), locale)


def month_names(locale: str = ENGLISH) -> list[str]:
    """The twelve months' names in a locale (CLDR, standalone, wide)."""
    from babel import Locale

    names = Locale.parse(locale).months["stand-alone"]["wide"]
    return [names[m] for m in range(1, 13)]


def weekday_names(locale: str = ENGLISH) -> list[str]:
    """Monday to Sunday, abbreviated, in a locale (CLDR)."""
    from babel import Locale

    names = Locale.parse(locale).days["stand-alone"]["abbreviated"]
    return [names[d] for d in range(7)]


_HUMAN: dict[tuple, str] = {}
_PATTERNS: dict[str, tuple] = {}


def human_date(moment: Moment, locale: str = ENGLISH) -> str:
    """``20 July 2025, 10:00 PKT`` in a locale's words, order and digits (CLDR's long date,
    short time and how it joins them), the zone as the site's time zone names it."""
    key = (moment.at, moment.at.tzinfo, moment.has_time, locale)  # equal instants in two zones read differently
    text = _HUMAN.get(key)
    if text is not None:
        return text
    patterns = _PATTERNS.get(locale)
    if patterns is None:
        cldr = _cldr(locale)
        joined = str(cldr.datetime_formats["medium"])
        patterns = _PATTERNS[locale] = (cldr, cldr.date_formats["long"], cldr.time_formats["short"], joined)
    cldr, day_pattern, time_pattern, joined = patterns
    at = moment.at
    local = at.replace(tzinfo=None)
    text = day_pattern.apply(local, cldr)
    if moment.has_time:
        zone = at.tzname() or ""
        if zone.startswith(("+", "-")):
            zone = "UTC" + zone
        clock = time_pattern.apply(local, cldr)
        text = f"{joined.replace('{1}', text).replace('{0}', clock)} {zone}".rstrip()
    if len(_HUMAN) > 100_000:
        _HUMAN.clear()
    text = _HUMAN[key] = local_digits(text, locale)
    return text


FORMATS_HINT = "write it as 2025-07-20, 2025-07-20 14:30 or 2025-07-20T14:30:00+05:00"

FIRST_YEAR, LAST_YEAR = 1000, 9998
"""The years a date may fall in, in the site's time zone (every output shows dates there): the
one range rule.

Every output writes a year with four digits (RFC 3339 in Atom, JSON Feed and sitemaps, RFC 822
in RSS, ``/YYYY/MM/DD/`` in URLs), so the first year is 1000; Python's dates end with 9999, and
the last day plus any UTC offset (at most a day) plus the news sitemap's window (48 hours, see
:data:`site_gen.sitemaps.NEWS_WINDOW`) must still be a date, so the last year is 9998. Inside
the range every date can be shown, compared (as UTC timestamps), shifted by the window and
written everywhere; a range of plausible news years (1900-2100, say) would refuse an archive's
old stories and catch few typos that this one lets through."""
RANGE_HINT = f"a date must fall in the years {FIRST_YEAR} to {LAST_YEAR}; is the year a typo?"


class DateOutOfRange(ValueError):
    """A date that can be read but lies outside :data:`FIRST_YEAR`…:data:`LAST_YEAR`."""

    hint = RANGE_HINT


def in_zone(at: datetime, zone: tzinfo, raw: str) -> datetime:
    """An aware ``at`` in ``zone``, after checking its year there against the range rule
    (:data:`FIRST_YEAR`); raises :class:`DateOutOfRange` naming ``raw``."""
    try:
        local = at.astimezone(zone)
        at.astimezone(UTC)  # 0001-01-01T00:00:00+05:00 is in year 0 in UTC: OverflowError
    except OverflowError:
        local = None
    if local is None or not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise DateOutOfRange(f"the date {raw!r} is out of range")
    return local


@dataclass(frozen=True, order=True)
class Moment:
    """A point in time as an editor gave it."""

    at: datetime
    """Aware datetime, converted to the site's time zone."""
    has_time: bool = True
    """False for a bare date: pages then show the day only."""

    def isoformat(self) -> str:
        """``2025-07-20T10:00:00+05:00``; a bare date is shown as its day only."""
        return self.at.date().isoformat() if not self.has_time else self.timestamp_iso()

    def timestamp_iso(self) -> str:
        """Full RFC 3339 timestamp, also for bare dates (midnight local)."""
        return _whole_minutes(self.at).isoformat()

    def rfc822(self) -> str:
        """``Sun, 20 Jul 2025 10:00:00 +0500``, for RSS."""
        from email.utils import format_datetime

        return format_datetime(_whole_minutes(self.at))

    def human(self, locale: str = ENGLISH) -> str:
        """``20 July 2025`` or ``20 July 2025, 10:00 PKT`` (see :func:`human_date`)."""
        return human_date(self, locale)


def _whole_minutes(at: datetime) -> datetime:
    """``at`` with an offset RFC 3339 and RFC 822 can write: a zone's local mean time before
    its standard time (Karachi's +04:28:12 until 1907) has seconds; the same instant is then
    written at the next whole minute of offset (+04:29), 48 seconds later on the clock, so that
    a bare date's midnight stays on its day."""
    offset = at.utcoffset()
    if offset is None or not offset.seconds % 60:
        return at
    return at.astimezone(timezone(timedelta(minutes=-(-offset // timedelta(minutes=1)))))


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
            return Moment(in_zone(datetime.combine(day, time(0, 0), zone), zone, raw), has_time=False)
        parsed = datetime.fromisoformat(raw)
    except DateOutOfRange:
        raise
    except ValueError:
        raise ValueError(f"cannot read the date {raw!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return Moment(in_zone(parsed, zone, raw), has_time=True)


def utc_now() -> datetime:
    """The real clock; callers inject their own for reproducible builds."""
    return datetime.now(UTC)


# -- dates as newsrooms write them (wire copy) ----------------------------------

#: Time-zone abbreviations found in wire copy. PST is Pakistan Standard Time
#: here (the bulletin's own copy), not Pacific time.
ZONE_ABBREVIATIONS = {
    "PKT": timedelta(hours=5),
    "PST": timedelta(hours=5),
    "AFT": timedelta(hours=4, minutes=30),
    "IST": timedelta(hours=5, minutes=30),
    "GMT": timedelta(0),
    "UTC": timedelta(0),
    "Z": timedelta(0),
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_LABEL = r"(?:(?P<label>published|posted|updated|last\s+updated|first\s+published|date|dated)(?:\s+on)?\s*[:\-–—]?\s*)?"
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_TIME = (
    r"(?:\s*(?:,|at|\||-|–|—)?\s*(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?(?::(?P<second>\d{2}))?"
    r"\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*\(?(?P<zone>(?:GMT|UTC)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|[A-Z]{1,4})\)?)?)?"
)
_NEWSROOM_FORMS = [
    re.compile(rf"^{_LABEL}{_WEEKDAY}{body}{_TIME}\s*\.?$", re.IGNORECASE)
    for body in (
        rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",  # Sun Jul 20 2025, July 21, 2025
        rf"{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}",  # 21 July 2025, Saturday, 26 July 2025
        r"(?P<year>\d{4})-(?P<monthnum>\d{1,2})-(?P<day>\d{1,2})",  # 2025-07-22 14:30 PKT
    )
]
URDU_MONTHS = ["جنوری", "فروری", "مارچ", "اپریل", "مئی", "جون", "جولائی", "اگست", "ستمبر", "اکتوبر", "نومبر", "دسمبر"]
_URDU_WEEKDAY = r"(?:(?:پیر|منگل|بدھ|جمعرات|جمعہ|ہفتہ|اتوار)[،,]?\s+)?"
_URDU_FORM = re.compile(
    rf"^{_URDU_WEEKDAY}(?P<day>\d{{1,2}})\s+(?P<urdumonth>{'|'.join(URDU_MONTHS)})[،,]?\s+(?P<year>\d{{4}})$"
)
_DIGITS = {0x06F0 + i: str(i) for i in range(10)} | {0x0660 + i: str(i) for i in range(10)}
_ISO_WITH_T = re.compile(
    rf"^{_LABEL}(?P<iso>\d{{4}}-\d{{2}}-\d{{2}}T[\d:.]+(?:Z|[+-]\d{{2}}:?\d{{2}})?)$", re.IGNORECASE
)


@dataclass(frozen=True)
class NewsroomDate:
    """A date line of wire copy, read."""

    moment: Moment
    """When, in the site's time zone; ``has_time`` is False for a bare date."""
    updated: bool
    """The line said ``Updated:`` or ``Last updated``."""


def parse_newsroom_date(line: str, zone: ZoneInfo) -> NewsroomDate | None:
    """Read a whole line of wire copy as a date, or return None if it is not one.

    Understands ``Sun Jul 20 2025``, ``July 21, 2025``, ``21 July 2025``,
    ``Saturday, 26 July 2025``, ``2025-07-22 14:30 PKT`` and
    ``Updated: Jul 23, 2025 09:10 am``, and Urdu ``اتوار، 20 جولائی 2025``: 12-hour times are converted, a known
    zone abbreviation or offset is applied, and a time without one is taken in
    ``zone``. Raises ValueError for a line that has the shape of a date but
    is impossible (``30 February 2025``, ``25:10``) or names an unknown zone.
    """
    text = " ".join(line.split()).translate(_DIGITS)
    urdu = _URDU_FORM.match(text)
    if urdu:
        return NewsroomDate(_moment_from(urdu, text, zone), False)
    iso = _ISO_WITH_T.match(text)
    if iso:
        try:
            parsed = datetime.fromisoformat(iso["iso"])
        except ValueError:
            raise ValueError(f"cannot read the date {text!r}") from None
        aware = parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        return NewsroomDate(Moment(in_zone(aware, zone, text), True), _is_update(iso["label"]))
    for form in _NEWSROOM_FORMS:
        match = form.match(text)
        if match:
            return NewsroomDate(_moment_from(match, text, zone), _is_update(match["label"]))
    return None


def _is_update(label: str | None) -> bool:
    return bool(label) and "updated" in label.lower()


def _moment_from(match: re.Match, text: str, zone: ZoneInfo) -> Moment:
    groups = match.groupdict()
    if groups.get("monthnum"):
        month = int(groups["monthnum"])
    elif groups.get("urdumonth"):
        month = URDU_MONTHS.index(groups["urdumonth"]) + 1
    else:
        month = [m[:3].lower() for m in MONTHS].index(groups["month"][:3].lower()) + 1
    try:
        day = date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:
        raise ValueError(f"there is no such day: {text!r}") from None
    if groups.get("hour") is None:
        return Moment(in_zone(datetime.combine(day, time(0, 0), zone), zone, text), has_time=False)
    if groups["minute"] is None and not groups["ampm"]:
        raise ValueError(f"cannot read the time in {text!r}")
    hour, minute, second = int(groups["hour"]), int(groups["minute"] or 0), int(groups["second"] or 0)
    if groups["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"cannot read the time in {text!r}: {hour} is not a 12-hour clock hour")
        hour = hour % 12 + (12 if groups["ampm"].lower().startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"cannot read the time in {text!r}")
    tz = _zone_of(groups["zone"], text) if groups["zone"] else zone
    moment = datetime.combine(day, time(hour, minute, second), tz)
    return Moment(in_zone(moment, zone, text), has_time=True)


def _zone_of(name: str, text: str) -> tzinfo:
    compact = name.replace(" ", "").upper()
    if compact in ZONE_ABBREVIATIONS:
        return timezone(ZONE_ABBREVIATIONS[compact])
    offset = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", compact)
    if offset:
        sign = -1 if offset[1] == "-" else 1
        return timezone(sign * timedelta(hours=int(offset[2]), minutes=int(offset[3] or 0)))
    known = ", ".join(sorted(ZONE_ABBREVIATIONS))
    raise ValueError(f"unknown time zone {name!r} in {text!r} (known: {known} or an offset such as +05:00)")
