"""Dates from a server's clock, never from the day the code or the spec was written.

InvoiceXpress keeps Lisbon time: a document's `date`, a guide's `loaded_at` and the rules that
compare them with "now" read the account's wall clock. A server states its clock in every
answer's `Date` header (RFC 9110, GMT); `wall_clock` turns that into Lisbon wall time, and
`http_date` is the way back (the sandbox sends its own, possibly moved, clock that way).

The spec's examples are documentation and keep literal dates, written for the day the spec
names in `info.x-examples-date`. `rebase` moves every date in a body by the days between that
day and the server's today, so each relation an example shows (due fifteen days on, loaded
tomorrow at nine) holds on any day, across a leap day or a year's end.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

ACCOUNT_TZ = ZoneInfo("Europe/Lisbon")

# The API's three date forms: dd/mm/yyyy (documents), with a time (guides' `loaded_at`) and
# ISO yyyy-mm-dd (treasury). Anchored: a reference such as "PO-03/12/2026-x" is not a date.
_FORMS = (
    (re.compile(r"\d{2}/\d{2}/\d{4}"), "%d/%m/%Y"),
    (re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}(:\d{2})?"), None),
    (re.compile(r"\d{4}-\d{2}-\d{2}"), "%Y-%m-%d"),
)


def wall_clock(date_header: str) -> dt.datetime | None:
    """The account's wall time (naive, Lisbon) a `Date` header states; None if unreadable."""
    try:
        stated = parsedate_to_datetime(date_header)
    except (TypeError, ValueError, IndexError):
        return None
    if stated.tzinfo is None:  # RFC 9110: HTTP dates are always GMT
        stated = stated.replace(tzinfo=dt.UTC)
    return stated.astimezone(ACCOUNT_TZ).replace(tzinfo=None)


def http_date(wall: dt.datetime) -> str:
    """The `Date` header for a Lisbon wall time (naive) or an aware datetime."""
    aware = wall if wall.tzinfo is not None else wall.replace(tzinfo=ACCOUNT_TZ)
    return format_datetime(aware.astimezone(dt.UTC), usegmt=True)


def lisbon_now() -> dt.datetime:
    """This machine's clock as the account's wall time (naive, whole seconds)."""
    return dt.datetime.now(ACCOUNT_TZ).replace(tzinfo=None, microsecond=0)


def shift_date_text(text: str, days: int) -> str:
    """`text` moved by `days` if it is one of the API's date forms, else `text` unchanged."""
    if not days:
        return text
    for pattern, fmt in _FORMS:
        if not pattern.fullmatch(text):
            continue
        if fmt is None:  # dd/mm/yyyy HH:MM[:SS]: move the day, keep the time as written
            day, _, time = text.partition(" ")
            return f"{shift_date_text(day, days)} {time}"
        try:
            moved = dt.datetime.strptime(text, fmt).date() + dt.timedelta(days=days)
        except ValueError:  # 31/02/2026: a deliberately impossible date stays impossible
            return text
        return moved.strftime(fmt)
    return text


def rebase(value: Any, written_for: dt.date, today: dt.date) -> Any:
    """A copy of the JSON `value` with every date moved as if `written_for` were `today`."""
    days = (today - written_for).days
    if isinstance(value, str):
        return shift_date_text(value, days)
    if isinstance(value, dict):
        return {k: rebase(v, written_for, today) for k, v in value.items()}
    if isinstance(value, list):
        return [rebase(v, written_for, today) for v in value]
    return value


def dmy(day: dt.date) -> str:
    """The API's document date form."""
    return day.strftime("%d/%m/%Y")
