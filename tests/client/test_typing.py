"""Type checkers see what the client really returns and accepts, and reject the mistakes.

mypy (`mypy.api.run`, the repository's strict config) checks three things: snippets using the
client reveal the generated models (`Decimal`, `date`, `Literal`s, not `Any`); the file of
deliberate mistakes (tests/client/typecheck/mistakes.py) fails exactly on its marked lines; and
examples/client_tour.py passes with `--disallow-any-expr` (no `Any` in a user's view).
"""

from __future__ import annotations

import contextlib
import inspect
import re
from pathlib import Path

import pytest
from mypy import api as mypy_api

from invoicexpress import AsyncInvoiceXpress, InvoiceXpress

ROOT = Path(__file__).resolve().parents[2]
MISTAKES = ROOT / "tests" / "client" / "typecheck" / "mistakes.py"
TOUR = ROOT / "examples" / "client_tour.py"

USAGE = """
from collections.abc import AsyncIterator, Awaitable, Iterator

from invoicexpress import AsyncInvoiceXpress, InvoiceXpress


def sync_usage(ix: InvoiceXpress) -> None:
    reveal_type(ix.credit_notes.get(1))
    reveal_type(ix.invoices.get(1).invoice.total)
    reveal_type(ix.invoices.get(1).invoice.date)
    reveal_type(ix.invoices.get(1).invoice.items[0].quantity)
    reveal_type(ix.clients.get(1).client.id)
    reveal_type(ix.taxes.get(1).tax.default_tax)
    reveal_type(ix.quotes.iter())
    reveal_type(ix.pdf.generate(1))
    reveal_type(ix.treasury.balance(1).initial_balance.created_at)


async def async_usage(aix: AsyncInvoiceXpress) -> None:
    reveal_type(aix.credit_notes.get(1))
    async for doc in aix.estimates.iter():
        reveal_type(doc)
    reveal_type(await aix.invoices.list())
"""


def _mypy(path: Path, *extra: str) -> tuple[str, int]:
    with contextlib.chdir(ROOT):  # the repository's [tool.mypy] (strict, mypy_path)
        stdout, stderr, status = mypy_api.run(
            ["--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary", *extra, str(path)]
        )
    assert stderr == ""
    return stdout, status


def _short(revealed: str) -> str:
    """Dotted names -> last component: "typing.Iterator[a.b.Invoice]" -> "Iterator[Invoice]"."""
    return re.sub(r"[\w.]+\.(\w+)", r"\1", revealed)


def test_namespace_methods_reveal_converted_typed_models(tmp_path: Path) -> None:
    path = tmp_path / "snippet.py"
    path.write_text(USAGE)
    stdout, status = _mypy(path)
    assert status == 0, stdout
    revealed = [_short(r) for r in re.findall(r'note: Revealed type is "(.*)"', stdout)]
    assert revealed == [
        "CreditNoteResponse",
        "Decimal",
        "date",
        "Decimal",
        "int",
        "bool | None",
        "Iterator[EstimateFamilyDocument]",
        "GeneratePdfResponse200 | None",
        "date | None",
        "Awaitable[CreditNoteResponse]",
        "EstimateFamilyDocument",
        "ListInvoicesResponse200",
    ]


def test_each_deliberate_mistake_is_rejected_on_its_line() -> None:
    expected: set[tuple[int, str]] = set()
    for number, line in enumerate(MISTAKES.read_text().splitlines(), start=1):
        marker = re.search(r"# E: ([\w-]+)$", line)
        if marker:
            expected.add((number, marker.group(1)))
    stdout, status = _mypy(MISTAKES)
    assert status == 1
    found = {
        (int(m.group(1)), m.group(2))
        for m in re.finditer(r"mistakes\.py:(\d+): error: .*\[([\w-]+)\]$", stdout, re.M)
    }
    assert len(expected) >= 20
    assert sorted(expected - found) == [], stdout
    assert sorted(line for line, _ in found - expected if (line, _) not in expected) == [], stdout


def test_the_tour_has_no_any_in_its_view_of_the_client() -> None:
    stdout, status = _mypy(TOUR, "--disallow-any-expr")
    assert status == 0, stdout


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
    assert "createCreditNote" in (method.__doc__ or "")


def test_sync_and_async_expose_the_same_surface() -> None:
    def surface(cls: type[object]) -> set[str]:
        return {n for n in dir(cls) if not n.startswith("_")} - {"close", "aclose"}

    assert surface(InvoiceXpress) == surface(AsyncInvoiceXpress)
    sync, asynchronous = (
        InvoiceXpress(api_key="k", base_url="http://x"),
        AsyncInvoiceXpress(api_key="k", base_url="http://x"),
    )
    for name, resource in sync._resources.items():
        other = asynchronous._resources[name]
        assert resource.operations() == other.operations()
    assert isinstance(asynchronous.for_account("b", "k2"), AsyncInvoiceXpress)
