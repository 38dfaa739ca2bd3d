"""Type checkers see the generated models the namespace methods return, not `Any`.

mypy (`mypy.api.run`, the repository's strict config) checks small snippets that use the
client: assignments to the concrete models must pass, `reveal_type` must name them, and a
wrong assignment must fail. A second snippet reveals every namespace method of both clients
and compares what mypy says with the 2xx models of the generated operation it calls, so the
model table in `_resources.Namespaces` cannot drift from the spec.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import re
import typing
from pathlib import Path

import attrs
import pytest
from mypy import api as mypy_api

from invoicexpress import AsyncInvoiceXpress, InvoiceXpress
from invoicexpress_client.api import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]

USAGE = """
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Iterator

from invoicexpress import AsyncInvoiceXpress, InvoiceXpress
from invoicexpress_client.models import (
    ClientResponse,
    CreditNoteResponse,
    EstimateFamilyDocument,
    GeneratePdfResponse200,
    InvoiceFamilyDocument,
    ListInvoicesResponse200,
    ListItemsResponse200,
    QuoteResponse,
    ReceiptResponse,
    SaftReady,
)


def sync_usage(ix: InvoiceXpress) -> None:
    created: CreditNoteResponse = ix.credit_notes.create({"date": dt.date(2026, 1, 1)})
    page: ListInvoicesResponse200 = ix.invoices.list(status=["final"])
    docs: Iterator[InvoiceFamilyDocument] = ix.invoices.iter()
    quote: QuoteResponse = ix.quotes.change_state(1, "accepted")
    client: ClientResponse = ix.clients.get(1)
    items: ListItemsResponse200 = ix.items.list()
    receipt: ReceiptResponse = ix.documents.pay(1, {"amount": 1})
    pdf: GeneratePdfResponse200 = ix.pdf.wait(1)
    saft: SaftReady = ix.saft.wait(month=1, year=2026)
    reveal_type(ix.credit_notes.create({}))
    reveal_type(ix.invoices.list())
    reveal_type(ix.quotes.iter())
    reveal_type(ix.pdf.generate(1))
    print(created.credit_note, page.invoices, docs, quote.quote, client, items, receipt, pdf, saft)


async def async_usage(aix: AsyncInvoiceXpress) -> None:
    created: CreditNoteResponse = await aix.credit_notes.create({})
    pending: Awaitable[QuoteResponse] = aix.quotes.get(1)
    docs: AsyncIterator[EstimateFamilyDocument] = aix.proformas.iter()
    async for doc in aix.estimates.iter():
        reveal_type(doc)
    reveal_type(aix.credit_notes.get(1))
    reveal_type(await aix.invoices.list())
    print(created, pending, docs)
"""

WRONG = """
from invoicexpress import InvoiceXpress
from invoicexpress_client.models import InvoiceResponse


def wrong(ix: InvoiceXpress) -> None:
    invoice: InvoiceResponse = ix.credit_notes.get(1)
    print(invoice)
"""


def _mypy(source: str, folder: Path) -> tuple[str, int]:
    path = folder / "snippet.py"
    path.write_text(source)
    with contextlib.chdir(ROOT):  # the repository's [tool.mypy] (strict, mypy_path)
        stdout, stderr, status = mypy_api.run(
            ["--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary", str(path)]
        )
    assert stderr == ""
    return stdout, status


def _revealed(stdout: str) -> list[str]:
    return re.findall(r'note: Revealed type is "(.*)"', stdout)


def _short(revealed: str) -> str:
    """Dotted names -> last component: "typing.Iterator[a.b.Invoice]" -> "Iterator[Invoice]"."""
    return re.sub(r"[\w.]+\.(\w+)", r"\1", revealed)


def test_namespace_methods_return_the_generated_models(tmp_path: Path) -> None:
    stdout, status = _mypy(USAGE, tmp_path)
    assert status == 0, stdout
    assert [_short(r) for r in _revealed(stdout)] == [
        "CreditNoteResponse",
        "ListInvoicesResponse200",
        "Iterator[EstimateFamilyDocument]",
        "GeneratePdfResponse200 | None",
        "EstimateFamilyDocument",
        "Awaitable[CreditNoteResponse]",
        "ListInvoicesResponse200",
    ]
    assert "error" not in stdout


def test_a_wrong_model_is_a_type_error(tmp_path: Path) -> None:
    stdout, status = _mypy(WRONG, tmp_path)
    assert status == 1
    assert 'expression has type "CreditNoteResponse", variable has type "InvoiceResponse"' in (
        stdout
    )


_SUCCESS = re.compile(
    r"status_code == (2\d\d):\s+response_2\d\d = (?:(\w+)\.from_dict|cast\(Any, None\))"
)


def _success_models(operation: str, *, polled: bool) -> set[str]:
    """The models of the operation's 2xx responses ("None" for a body-less one); polling
    returns the final (non-202) one."""
    module = importlib.import_module(OPERATIONS[operation].module)
    found = _SUCCESS.findall(inspect.getsource(module._parse_response))
    assert found, operation
    return {model or "None" for status, model in found if not (polled and status == "202")}


def _listed_element(operation: str) -> str:
    """The element type of the list the operation's page model holds (what `iter` yields)."""
    (model,) = _success_models(operation, polled=False)
    cls = getattr(importlib.import_module("invoicexpress_client.models"), model)
    hints = typing.get_type_hints(cls)
    for field in attrs.fields(cls):
        if typing.get_origin(hints[field.name]) is list:
            (element,) = typing.get_args(hints[field.name])
            return str(element.__name__)
    raise AssertionError(model)


def _expected(operation: str, method: str) -> tuple[set[str], str]:
    if method == "iter":
        return {_listed_element(operation)}, "Iterator"
    return _success_models(operation, polled=method == "wait"), ""


def _methods() -> list[tuple[str, str, str]]:
    """(namespace, method, operation) for every method that calls an operation of the spec."""
    ix = InvoiceXpress(api_key="k", base_url="http://127.0.0.1:1")
    try:
        return [
            (name, method, op)
            for name, resource in ix._resources.items()
            for method, op in resource._ops.items()
            if op in OPERATIONS
        ]
    finally:
        ix.close()


def _returns(callable_type: str) -> str:
    """What a revealed `def (...) -> X` returns (mypy leaves out `-> None`)."""
    _, arrow, after = callable_type.rpartition(") -> ")
    return _short(after) if arrow else "None"


def test_every_namespace_method_is_typed_with_its_operations_models(tmp_path: Path) -> None:
    methods = _methods()
    lines = [
        "from invoicexpress import AsyncInvoiceXpress, InvoiceXpress",
        "def check(ix: InvoiceXpress, aix: AsyncInvoiceXpress) -> None:",
    ]
    for namespace, method, _ in methods:
        lines.append(f"    reveal_type(ix.{namespace}.{method})")
        lines.append(f"    reveal_type(aix.{namespace}.{method})")
    stdout, status = _mypy("\n".join(lines) + "\n", tmp_path)
    assert status == 0, stdout
    revealed = iter(_revealed(stdout))
    wrong: list[str] = []
    for namespace, method, op in methods:
        models, iterator = _expected(op, method)
        for client, outer in (
            ("ix", iterator),
            ("aix", f"Async{iterator}" if iterator else "Awaitable"),
        ):
            returns = _returns(next(revealed))
            inner = returns
            if outer:
                match = re.fullmatch(rf"{outer}\[(.*)\]", returns)
                inner = match.group(1) if match else f"<not {outer}>"
            if set(inner.split(" | ")) != models:
                wrong.append(f"{client}.{namespace}.{method} ({op}): {returns} != {models}")
    assert wrong == []
    assert len(methods) > 100  # every document type, every resource


@pytest.mark.parametrize("cls", [InvoiceXpress, AsyncInvoiceXpress])
def test_methods_stay_plain_bound_methods_at_runtime(
    cls: type[InvoiceXpress] | type[AsyncInvoiceXpress],
) -> None:
    ix = cls(api_key="k", base_url="http://127.0.0.1:1")
    method = ix.credit_notes.create
    assert inspect.ismethod(method)
    assert method.__self__ is ix.credit_notes
    assert method.__name__ == "create"
    assert "proprietary_uid" in inspect.signature(method).parameters
    assert "retries safe" in (method.__doc__ or "")
