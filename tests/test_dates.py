"""Reading and showing dates (site_gen.dates)."""

from datetime import UTC, datetime, timedelta

import pytest

from site_gen.dates import parse_moment, period_label, site_zone
from site_gen.model import Period
from tests.conftest import KARACHI


@pytest.mark.parametrize(
    ("text", "iso", "has_time"),
    [
        ("2025-07-20", "2025-07-20T00:00:00+05:00", False),
        ("  2025-07-20  ", "2025-07-20T00:00:00+05:00", False),
        ("2025-07-20 14:30", "2025-07-20T14:30:00+05:00", True),
        ("2025-07-20T14:30", "2025-07-20T14:30:00+05:00", True),
        ("2025-07-20T14:30:15", "2025-07-20T14:30:15+05:00", True),
        ("2025-07-20T14:30:00+05:00", "2025-07-20T14:30:00+05:00", True),
        ("2025-07-20T10:00:00Z", "2025-07-20T15:00:00+05:00", True),
        ("2025-07-20T10:00:00+00:00", "2025-07-20T15:00:00+05:00", True),
        ("2025-07-20T10:00:00+04:30", "2025-07-20T10:30:00+05:00", True),  # Kabul time
        ("2025-07-20T22:00:00-04:00", "2025-07-21T07:00:00+05:00", True),  # next day in Karachi
    ],
)
def test_accepted_forms_in_the_site_time_zone(text, iso, has_time):
    moment = parse_moment(text, KARACHI)
    assert moment.timestamp_iso() == iso
    assert moment.has_time is has_time
    assert moment.at.tzinfo == KARACHI


def test_offset_is_converted_not_just_relabelled():
    utc = parse_moment("2025-07-20T10:00:00Z", KARACHI)
    assert utc.at - datetime.fromisoformat("2025-07-20T10:00:00+00:00") == timedelta(0)


def test_other_site_time_zone():
    zone = site_zone("Asia/Kabul")
    moment = parse_moment("2025-07-20T10:00:00+05:00", zone)
    assert moment.isoformat() == "2025-07-20T09:30:00+04:30"
    assert moment.human() == "20 July 2025, 09:30 UTC+0430"  # no abbreviation in tzdata: the offset


def test_human_and_iso_output():
    bare = parse_moment("2025-07-05", KARACHI)
    assert bare.human() == "5 July 2025"
    assert bare.isoformat() == "2025-07-05"
    timed = parse_moment("2025-12-31 09:05", KARACHI)
    assert timed.human() == "31 December 2025, 09:05 PKT"
    assert timed.isoformat() == "2025-12-31T09:05:00+05:00"
    assert parse_moment("2025-01-01T00:00:00Z", site_zone("UTC")).human() == "1 January 2025, 00:00 UTC"


def test_moments_order_by_time():
    early = parse_moment("2025-07-20T10:00:00+05:00", KARACHI)
    late = parse_moment("2025-07-20T06:00:00Z", KARACHI)  # 11:00 in Karachi
    assert early < late


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the date is empty"),
        ("   ", "the date is empty"),
        ("2025-13-01", "cannot read the date '2025-13-01'"),
        ("2025-02-30", "cannot read the date '2025-02-30'"),
        ("20 July 2025", "cannot read the date '20 July 2025'"),
        ("July 20, 2025", "cannot read the date 'July 20, 2025'"),
        ("2025/07/20", "cannot read the date '2025/07/20'"),
        ("2025-07-20 25:00", "cannot read the date '2025-07-20 25:00'"),
        ("yesterday", "cannot read the date 'yesterday'"),
        ("2025", "cannot read the date '2025'"),
    ],
)
def test_bad_dates(text, message):
    with pytest.raises(ValueError) as caught:
        parse_moment(text, KARACHI)
    assert str(caught.value) == message


def test_unknown_time_zone():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        site_zone("Mars/Olympus")
    with pytest.raises(ValueError, match="unknown time zone"):
        site_zone("../etc/passwd")


def test_human_shows_the_zone_of_the_moment_and_minutes_with_two_digits():
    from datetime import datetime, timedelta, timezone

    from site_gen.dates import Moment

    assert Moment(datetime(2025, 7, 1, 9, 5, tzinfo=timezone(timedelta(hours=5)))).human() == (
        "1 July 2025, 09:05 UTC+05:00"
    )
    assert Moment(datetime(2025, 7, 1, 23, 59, tzinfo=timezone(timedelta(hours=5), "PKT"))).human() == (
        "1 July 2025, 23:59 PKT"
    )
    assert Moment(datetime(2025, 7, 1, 0, 0, tzinfo=UTC), has_time=False).human() == "1 July 2025"


@pytest.mark.parametrize(
    ("year", "month", "day", "label"),
    [(2025, None, None, "2025"), (2025, 7, None, "July 2025"), (2025, 7, 20, "20 July 2025")],
)
def test_period_label(year, month, day, label):
    assert period_label(Period(year, month, day, "", ())) == label
