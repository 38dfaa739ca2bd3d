"""Helpers for testing code that uses this client: a fake clock and the spec's examples.

ix = InvoiceXpress("acme", "key", clock=FakeClock())   # retries/pacing never really sleep
respx.get(...).respond(json=spec_example("getInvoice", 200))
"""

from __future__ import annotations

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


def spec_request_example(operation_id: str, name: str = "sandbox") -> Any:
    """The spec's example request body for an operation (default: the sandbox one)."""
    from invoicexpress_core.spec import load_spec

    spec = load_spec()
    body = spec.resolve(spec.operations[operation_id].raw["requestBody"])
    examples = body["content"]["application/json"]["examples"]
    return spec.resolve(examples[name])["value"]
