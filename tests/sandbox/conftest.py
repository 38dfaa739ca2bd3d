"""One sandbox per test session (per xdist worker), reset before every test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


@pytest.fixture(scope="session")
def session_sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox() as sb:
        yield sb


@pytest.fixture(scope="session")
def session_api(session_sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with session_sandbox.client() as client:
        yield client


@pytest.fixture
def sb(session_sandbox: RunningSandbox) -> RunningSandbox:
    """The session's sandbox, wiped back to the seeded demo account."""
    session_sandbox.reset()
    return session_sandbox


@pytest.fixture
def api(sb: RunningSandbox, session_api: httpx.Client) -> httpx.Client:
    """An API client authenticated as the demo account of a freshly reset sandbox."""
    return session_api
