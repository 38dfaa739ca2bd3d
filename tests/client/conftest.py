"""Fixtures for the client tests: a fake clock, a client with a planted API key, respx."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from invoicexpress import InvoiceXpress, RetryPolicy
from invoicexpress.testing import FakeClock

BASE = "https://acme.app.invoicexpress.com"
#: Recognisable so a leak is easy to spot; obviously fake.
PLANTED_KEY = "PLANTED-1xc-SECRET-k3y-0000"

MakeClient = Callable[..., InvoiceXpress]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def mock_api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router


@pytest.fixture
def make_client(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[MakeClient]:
    """A sync client on BASE with the planted key, the fake clock and seeded jitter."""
    for var in ("INVOICEXPRESS_ACCOUNT", "INVOICEXPRESS_API_KEY", "INVOICEXPRESS_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    made: list[InvoiceXpress] = []

    def make(**kwargs: Any) -> InvoiceXpress:
        kwargs.setdefault("retry", RetryPolicy(rng=random.Random(7)))
        ix = InvoiceXpress("acme", PLANTED_KEY, base_url=BASE, clock=clock, **kwargs)
        made.append(ix)
        return ix

    yield make
    for ix in made:
        ix.close()
