"""pytest plugin (entry point `pytest11`): the sandbox as fixtures, for your own test suite.

    from invoicexpress import InvoiceXpress
    from invoicexpress_sandbox import SandboxHandle

    def test_paid_invoice(ix: InvoiceXpress, ix_sandbox: SandboxHandle) -> None: ...

    @pytest.mark.ix_sandbox(faults=["wrong_status"], now=NEW_YEAR, rate_limit=5)
    def test_my_code_survives_a_broken_server(ix): ...

One sandbox per test session (per pytest-xdist worker: each worker is its own session), on a
free loopback port, rate limit off. Before each test that uses it, everything is reset (state,
outbox, faults, quirks, clock, rate limit, recorded calls); the marker's settings are applied
after that reset and undone after the test.

pytest imports this module in every session of a project that installs the distribution, so
it imports pytest alone: the client, httpx and the server load when a test asks for a fixture
(`python -m benchmarks.plugin_startup` measures what a session pays).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from invoicexpress import AsyncInvoiceXpress, InvoiceXpress

    from .handle import SandboxAdmin, SandboxHandle
    from .testing import RunningSandbox

MARKER_HELP = (
    "ix_sandbox(faults=[...], quirks=[...], now=date/datetime/ISO text, rate_limit=N): settings "
    "for one test (invoicexpress_sandbox plugin); reset after the test"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


@pytest.fixture(scope="session")
def ix_sandbox_server() -> Iterator[RunningSandbox]:
    """The session's sandbox process handles (one per xdist worker); prefer `ix_sandbox`."""
    try:
        from .testing import running_sandbox
    except ImportError as exc:  # the plugin loads with the client alone; the server needs more
        missing = (exc.name or "starlette").split(".")[0]
    else:
        missing = ""
    if missing:
        pytest.fail(
            f"the sandbox fixtures need {missing!r}: pip install 'invoicexpress-contract[sandbox]'",
            pytrace=False,
        )
    with running_sandbox() as server:
        yield server


@pytest.fixture(scope="session")
def _ix_sandbox_admin(ix_sandbox_server: RunningSandbox) -> Iterator[SandboxAdmin]:
    from .handle import SandboxAdmin

    admin = SandboxAdmin(ix_sandbox_server.base_url, ix_sandbox_server.admin_token)
    yield admin
    admin.close()


@pytest.fixture
def ix_sandbox(
    request: pytest.FixtureRequest,
    ix_sandbox_server: RunningSandbox,
    _ix_sandbox_admin: SandboxAdmin,
) -> Iterator[SandboxHandle]:
    """The sandbox, reset to the start, with this test's `ix_sandbox` marker applied."""
    from .handle import MARKER, SandboxHandle

    handle = SandboxHandle(ix_sandbox_server, _ix_sandbox_admin)
    handle.reset()
    marker = request.node.get_closest_marker(MARKER)
    if marker is not None:
        handle.apply_marker(marker)
    yield handle
    if marker is not None:  # undo the marker for anything that shares the server later
        handle.reset()


@pytest.fixture
def ix(ix_sandbox: SandboxHandle) -> Iterator[InvoiceXpress]:
    """A typed client on the sandbox's demo account: no pacing, no retries (errors surface)."""
    from invoicexpress import InvoiceXpress

    client = InvoiceXpress(
        ix_sandbox.account_name,
        ix_sandbox.api_key,
        base_url=ix_sandbox.base_url,
        requests_per_minute=0,
        max_retries=0,
    )
    yield client
    client.close()


@pytest.fixture
def ix_async(ix_sandbox: SandboxHandle) -> Iterator[AsyncInvoiceXpress]:
    """The async client, usable from any event loop the test runs (no pooled connections stay
    bound to a loop, so closing it after the test is safe)."""
    import httpx

    from invoicexpress import AsyncInvoiceXpress

    client = AsyncInvoiceXpress(
        ix_sandbox.account_name,
        ix_sandbox.api_key,
        base_url=ix_sandbox.base_url,
        requests_per_minute=0,
        max_retries=0,
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
    )
    yield client
    asyncio.run(client.aclose())
