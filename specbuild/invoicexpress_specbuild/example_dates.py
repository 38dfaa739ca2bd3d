"""The day the spec's examples are written for, and their dates as offsets from that day.

Examples are documentation, so they keep literal dates; but nothing may send them unchanged
(they expire). The spec states the day once, as `info.x-examples-date`, and every sender moves
an example's dates by the days between that day and the server's today
(`invoicexpress_core.calendar.rebase`), which keeps each relation an example shows: a due date
fifteen days on, goods loaded tomorrow at nine, a payment on the day.
"""

from __future__ import annotations

import datetime as dt

EXAMPLES_DAY = dt.date(2026, 12, 3)


def day(offset: int = 0) -> dt.date:
    return EXAMPLES_DAY + dt.timedelta(days=offset)


def dmy(offset: int = 0, at: str | None = None) -> str:
    """`dd/mm/yyyy` (with ` HH:MM:SS` when `at` is given), `offset` days from EXAMPLES_DAY."""
    text = day(offset).strftime("%d/%m/%Y")
    return f"{text} {at}" if at else text


def iso(offset: int = 0) -> str:
    """`yyyy-mm-dd` (treasury's format), `offset` days from EXAMPLES_DAY."""
    return day(offset).isoformat()
