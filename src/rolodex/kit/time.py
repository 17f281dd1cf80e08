"""Time helpers: everything is timezone-aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


OUT_OF_RANGE = "out of range: in UTC it falls before year 1 or after year 9999"


def utc_instant(value: datetime) -> datetime:
    """A validator: the datetime unchanged, when it has a UTC instant (a time of day at year 1
    or 9999 with an offset may not: 0001-01-01T00:00+01:00 is before the first one)."""
    try:
        as_utc(value)
    except OverflowError as exc:
        raise ValueError(OUT_OF_RANGE) from exc
    return value


# A datetime given to the API: stored in UTC, so it must have a UTC instant.
InputDatetime = Annotated[datetime, AfterValidator(utc_instant)]
