from __future__ import annotations

from collections.abc import Iterator

import pytest

from invoicexpress import InvoiceXpress
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    with running_sandbox() as sb:
        yield sb


@pytest.fixture
def ix(sandbox: RunningSandbox) -> Iterator[InvoiceXpress]:
    sandbox.reset()
    with InvoiceXpress(
        account=sandbox.account_name, api_key=sandbox.api_key, base_url=sandbox.base_url
    ) as client:
        yield client
