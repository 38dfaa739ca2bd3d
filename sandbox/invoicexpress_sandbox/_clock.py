"""The sandbox's clock: the account's wall time (Lisbon), real, shifted or frozen through
`/_sandbox/clock`, and stated in every answer's `Date` header.

Date rules (default dates, `loaded_at` not in the past, SAF-T periods) read this clock, so tests
can move time without waiting for it; clients read it from `Date`, as from any server, so the
dates they send follow a moved clock too.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

from invoicexpress_core.calendar import ACCOUNT_TZ, http_date, lisbon_now

# Date rules add and subtract days and years: the clock stays well inside `datetime`'s range.
EARLIEST = datetime(1900, 1, 1)
LATEST = datetime(9000, 1, 1)


def _in_range(when: datetime) -> datetime:
    if not EARLIEST <= when <= LATEST:
        raise ValueError(f"the clock must stay between {EARLIEST.year} and {LATEST.year}")
    return when


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = None
        self._stamp: tuple[datetime, bytes] | None = None  # the last `Date`, per clock second
        self._second: tuple[int, datetime] | None = None  # the last `lisbon_now`, per second

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return self._wall() + self._offset

    def _wall(self) -> datetime:
        """`lisbon_now()`: this machine's second as Lisbon wall time, worked out once a
        second."""
        second = int(time.time())
        known = self._second
        if known is None or known[0] != second:
            wall = datetime.fromtimestamp(second, ACCOUNT_TZ).replace(tzinfo=None)
            known = self._second = (second, wall)
        return known[1]

    def date_header(self) -> bytes:
        """The `Date` of an answer sent now (formatted once per second the clock shows)."""
        now = self.now()
        stamp = self._stamp
        if stamp is None or stamp[0] != now:
            stamp = self._stamp = (now, http_date(now).encode())
        return stamp[1]

    def setting(self) -> dict[str, object]:
        """How the clock is set (not what time it is): for state snapshots."""
        with self._lock:
            frozen = self._frozen.isoformat() if self._frozen is not None else None
            return {"frozen_at": frozen, "offset_seconds": self._offset.total_seconds()}

    def set(self, when: datetime, *, frozen: bool = False) -> None:
        """ValueError (nothing changes) for a time out of range."""
        _in_range(when.replace(tzinfo=None))
        with self._lock:
            if frozen:
                self._frozen = when
                self._offset = timedelta(0)
            else:
                self._frozen = None
                self._offset = when - lisbon_now()

    def advance(self, delta: timedelta) -> None:
        """ValueError (nothing changes) when the clock would leave its range."""
        with self._lock:
            base = self._frozen or lisbon_now() + self._offset
            try:
                _in_range((base + delta).replace(tzinfo=None))
            except OverflowError:
                raise ValueError("the clock would leave its range") from None
            if self._frozen is not None:
                self._frozen += delta
            else:
                self._offset += delta

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)
            self._frozen = None

    def describe(self) -> dict[str, object]:
        return {
            "now": self.now().isoformat(),
            "frozen": self._frozen is not None,
            "offset_seconds": self._offset.total_seconds(),
        }
