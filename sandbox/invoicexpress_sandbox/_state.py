"""What a running sandbox keeps between requests, one small object per concern, handed
explicitly to the pieces that read or change it (the API path in `_http`, the admin routes).

The store and the clock have their own modules; here: the switches (faults and quirks), the
rate limit, the API keys, the log of answered calls, and `Parts`, all of them together as the
app hands them out.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TextIO

from starlette.datastructures import URL

from invoicexpress_core.exchange import redact_url
from invoicexpress_core.spec import Spec

from ._clock import Clock
from ._faults import FAULTS, QUIRKS
from ._seam import FaultPlan
from ._shared import Options, header_safe
from ._store import Store
from .areas._base import Json
from .areas.accounts_saft import accounts


class Switches:
    """The faults and quirks in force; `plan` is the faults as the request path applies them
    (None: none, the honest path alone)."""

    def __init__(self, names: Iterable[str]) -> None:
        self._start = tuple(names)
        self.faults: frozenset[str] = frozenset()
        self.quirks: frozenset[str] = frozenset()
        self.plan: FaultPlan | None = None
        self.reset()

    def set(self, names: Iterable[str]) -> None:
        """Replace the switches (names neither fault nor quirk are the caller's to refuse)."""
        chosen = tuple(names)
        self.faults = frozenset(n for n in chosen if n in FAULTS)
        self.quirks = frozenset(n for n in chosen if n in QUIRKS)
        self.plan = FaultPlan(self.faults) if self.faults else None

    def reset(self) -> None:
        """Back to the switches the options set at start-up."""
        self.set(self._start)


class RateLimit:
    """Requests per minute per account, in fixed one-minute windows (None: no limit)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def set(self, limit: int | None) -> None:
        """A new limit, every window started afresh."""
        self.limit = limit
        self._windows.clear()

    def retry_after(self, account: str) -> int | None:
        """Seconds until `account` may call again, or None (the call counts)."""
        limit = self.limit
        if not limit:
            return None
        now = time.monotonic()
        with self._lock:
            start, count = self._windows.get(account, (now, 0))
            if now - start >= 60:
                start, count = now, 0
            if count >= limit:
                return max(1, math.ceil(60 - (now - start)))
            self._windows[account] = (start, count + 1)
        return None


class Accounts:
    """The accounts by API key, as last read from the store (re-read after account writes)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.by_key: dict[str, Json] = {}
        self.refresh()

    def refresh(self) -> None:
        with self._store.read() as tx:
            self.by_key = {str(a["api_key"]): a for a in accounts(tx)}

    def demo(self) -> Json:
        with self._store.read() as tx:
            account = tx.get("account", 1)
        assert account is not None
        return account


class CallLog:
    """The last 1,000 API calls answered (for `/_sandbox/calls`), and the `--log` lines."""

    def __init__(self, log: TextIO | None = None) -> None:
        self._rows: deque[dict[str, Any]] = deque(maxlen=1000)
        self._log = log

    def record(
        self,
        scope: MutableMapping[str, Any],
        operation_id: str,
        status: int,
        started: float,
        reason: str | None = None,
    ) -> None:
        """Capture the call; its URL is built and redacted when read (keeps the path cheap)."""
        self._rows.append(
            {
                "method": scope["method"],
                "url": scope,  # the URL is built when the calls are read
                "operation_id": operation_id,
                "status": status,
                "reason": reason if status < 500 else None,
                "at": time.time(),
            }
        )
        if self._log is not None:
            url = URL(scope=scope)
            ms = (time.perf_counter() - started) * 1000
            target = url.path + (f"?{url.query}" if url.query else "")
            line = f"{scope['method']} {redact_url(target)} {status} {ms:.1f}ms"
            print(f"{line} {header_safe(reason)}" if reason else line, file=self._log, flush=True)

    def rows(self) -> list[dict[str, Any]]:
        """The calls as the admin route shows them: URL redacted, time in ISO form."""
        return [
            dict(
                c,
                url=redact_url(str(URL(scope=c["url"]))),
                at=datetime.fromtimestamp(float(c["at"])).isoformat(timespec="milliseconds"),
            )
            for c in list(self._rows)
        ]

    def clear(self) -> None:
        self._rows.clear()


@dataclass(frozen=True, slots=True)
class Parts:
    """A running sandbox's state, made once by the app and handed to each piece that serves
    requests (the API path, the admin routes), which keep it as their own attributes."""

    spec: Spec
    options: Options
    store: Store
    clock: Clock
    switches: Switches
    rate: RateLimit
    accounts: Accounts
    calls: CallLog


class Serving:
    """What serves requests: the sandbox's parts at hand as attributes (read on every request,
    so one lookup, not two)."""

    def __init__(self, parts: Parts) -> None:
        self.spec = parts.spec
        self.options = parts.options
        self.store = parts.store
        self.clock = parts.clock
        self.switches = parts.switches
        self.rate = parts.rate
        self.accounts = parts.accounts
        self.calls = parts.calls
