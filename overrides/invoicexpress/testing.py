"""Helpers for testing code that uses this client: a fake clock and the spec's examples.

ix = InvoiceXpress("acme", "key", clock=FakeClock())   # retries/pacing never really sleep
respx.get(...).respond(json=spec_example("getInvoice", 200))
"""

from __future__ import annotations

import datetime as dt
from typing import Any


class FakeClock:
    """Records sleeps and advances time by them, so tests assert on waits, never on wall time."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def spec_example(operation_id: str, status: int | str, name: str = "sandbox") -> Any:
    """The spec's example body for one response (default: the one the sandbox gives)."""
    from invoicexpress_core.spec import load_spec

    spec = load_spec()
    response = spec.resolve(spec.operations[operation_id].responses[str(status)])
    examples = response["content"]["application/json"]["examples"]
    return spec.resolve(examples[name])["value"]


def spec_request_example(
    operation_id: str, name: str = "sandbox", today: dt.date | None = None
) -> Any:
    """The spec's example request body for an operation (default: the sandbox one), as a fresh
    copy ready to send: its dates moved from the day the examples were written for to `today`
    (default: today in Lisbon, the API's time zone), so it never expires."""
    from invoicexpress_core.calendar import lisbon_now, rebase
    from invoicexpress_core.spec import load_spec

    spec = load_spec()
    body = spec.resolve(spec.operations[operation_id].raw["requestBody"])
    examples = body["content"]["application/json"]["examples"]
    value = spec.resolve(examples[name])["value"]
    return rebase(value, spec.examples_date, today or lisbon_now().date())
