"""The sandbox's clock: the account's wall time (Lisbon), real, shifted or frozen through
`/_sandbox/clock`, and stated in every answer's `Date` header.

Date rules (default dates, `loaded_at` not in the past, SAF-T periods) read this clock, so tests
can move time without waiting for it; clients read it from `Date`, as from any server, so the
dates they send follow a moved clock too.
"""

from __future__ import annotations

import threading
from collections.abc import MutableMapping
from datetime import datetime, timedelta
from typing import Any

from invoicexpress_core.calendar import http_date, lisbon_now

from ._guard import App, Receive, Scope, Send


class Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return lisbon_now() + self._offset

    def setting(self) -> dict[str, object]:
        """How the clock is set (not what time it is): for state snapshots."""
        with self._lock:
            frozen = self._frozen.isoformat() if self._frozen is not None else None
            return {"frozen_at": frozen, "offset_seconds": self._offset.total_seconds()}

    def set(self, when: datetime, *, frozen: bool = False) -> None:
        with self._lock:
            if frozen:
                self._frozen = when
                self._offset = timedelta(0)
            else:
                self._frozen = None
                self._offset = when - lisbon_now()

    def advance(self, delta: timedelta) -> None:
        with self._lock:
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


class DateHeader:
    """ASGI middleware: every answer's `Date` is the sandbox clock's (uvicorn's own is off)."""

    def __init__(self, app: App, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                stamp = http_date(self.clock.now()).encode()
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"date"]
                message["headers"] = [(b"date", stamp), *headers]
            await send(message)

        await self.app(scope, receive, dated)
