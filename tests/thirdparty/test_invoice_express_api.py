"""Third-party conformance: the PyPI client `invoice-express-api` (0.1.0, Hive Solutions, on
the `appier` framework) runs its calls against a real sandbox, in the documented forms and in
the forms recorded live, each outcome pinned.

It has two calls, `list_invoices(**params)` and `get_invoice(id)`, and takes its base URL and
key as constructor arguments. Its own bugs: `build` prints the API key on stdout before every
request (`print(self.key)`, pinned below), so a caller's logs carry the secret; and appier's
standard-library client leaves each response's socket to the garbage collector (collected
after each test with the ResourceWarning silenced, so it is not blamed on the next test).
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from invoicexpress_sandbox._liveforms import SWITCH
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # appier imports `imp`
    import appier  # the client's framework; the dev extra installs both
    import invoice_express


@pytest.fixture(scope="module", params=["documented", "live-forms"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with running_sandbox(quirks=[SWITCH] if request.param == "live-forms" else []) as sb:
        yield sb


@pytest.fixture
def invoice_id(sandbox: RunningSandbox) -> int:
    """A draft invoice made through the API (dated by the sandbox's clock)."""
    sandbox.reset()
    today = datetime.fromisoformat(sandbox.admin.get("/_sandbox/clock").json()["now"])
    day = today.strftime("%d/%m/%Y")
    body = {
        "invoice": {
            "date": day,
            "due_date": day,
            "client": {"name": "Cliente Hive", "code": "HIVE-1"},
            "items": [{"name": "H", "description": "h", "unit_price": "5", "quantity": "2"}],
        }
    }
    with sandbox.client() as api:
        made = api.post("/invoices.json", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["invoice"]["id"])


@pytest.fixture(autouse=True)
def _collect_leaked_sockets() -> Iterator[None]:
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def ie(sandbox: RunningSandbox) -> Any:
    return _api(sandbox, sandbox.api_key)


def _api(sandbox: RunningSandbox, key: str) -> Any:
    # appier's default HTTP client is `netius`, which it tries to pip-install at run time;
    # its configuration names the standard library's instead
    appier.conf_s("HTTP_CLIENT", "legacy")
    return invoice_express.API(base_url=sandbox.base_url + "/", key=key)


def test_list_and_get(ie: Any, invoice_id: int, capsys: pytest.CaptureFixture[str]) -> None:
    listed = ie.list_invoices()
    assert [i["id"] for i in listed["invoices"]] == [invoice_id]
    assert listed["pagination"]["total_entries"] == 1
    filtered = ie.list_invoices(**{"status[]": "settled"})  # query parameters pass through
    assert filtered["invoices"] == []
    got = ie.get_invoice(invoice_id)["invoice"]
    assert (got["id"], got["status"], got["total"]) == (invoice_id, "draft", 12.3)
    assert got["client"]["code"] == "HIVE-1"


def test_missing_invoice_raises_the_frameworks_404(ie: Any, invoice_id: int) -> None:
    with pytest.raises(appier.HTTPError) as raised:
        ie.get_invoice(invoice_id + 1000)
    assert raised.value.code == 404


def test_wrong_key_raises_401(sandbox: RunningSandbox) -> None:
    ie = _api(sandbox, "not-the-key")
    with pytest.raises(appier.HTTPError) as raised:
        ie.list_invoices()
    assert raised.value.code == 401


def test_client_bug_prints_the_api_key(
    ie: Any, sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """The client's own bug, pinned: every request prints the key on stdout."""
    capsys.readouterr()
    ie.list_invoices()
    assert capsys.readouterr().out.split() == [sandbox.api_key]
