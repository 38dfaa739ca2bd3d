"""Shared helpers for the client tests (a uniquely named module: tests/ has no packages)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for sub in ("toolkit", "overrides", "generated", "sandbox"):
    if str(ROOT / sub) not in sys.path:  # the repo is not necessarily pip-installed
        sys.path.insert(0, str(ROOT / sub))

BASE = "https://acme.app.invoicexpress.com"
#: Recognisable so a leak is easy to spot; obviously fake.
PLANTED_KEY = "PLANTED-1xc-SECRET-k3y-0000"


class FakeClock:
    """Records sleeps and advances time by them; tests assert on these, never on wall time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def example(operation_id: str, status: int | str) -> object:
    """The spec's "sandbox" example body for a response, so mocks stay true to the spec."""
    from ixc.spec import load_spec

    spec = load_spec()
    response = spec.resolve(spec.operations[operation_id].responses[str(status)])
    examples = response["content"]["application/json"]["examples"]
    return spec.resolve(examples["sandbox"])["value"]
