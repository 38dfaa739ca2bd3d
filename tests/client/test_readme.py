"""The README example runs, exactly as written, against the sandbox."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from invoicexpress_sandbox import testing

README = Path(__file__).resolve().parents[2] / "README.md"


def _snippet() -> str:
    blocks: list[str] = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    # the client's example (the plugin's example imports InvoiceXpress too, to annotate `ix`)
    [client] = [
        b
        for b in blocks
        if "from invoicexpress import InvoiceXpress" in b and "ix_sandbox" not in b
    ]
    return client


def test_readme_example_creates_finalises_pays_and_links_the_pdf(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with testing.running_sandbox() as sb:
        monkeypatch.setenv("INVOICEXPRESS_ACCOUNT", sb.account_name)
        monkeypatch.setenv("INVOICEXPRESS_API_KEY", sb.api_key)
        monkeypatch.setenv("INVOICEXPRESS_BASE_URL", sb.base_url)
        code = compile(_snippet(), str(README), "exec")
        exec(code, {"__name__": "readme"})  # noqa: S102
        sequence_number, pdf_url = capsys.readouterr().out.split()
        exec(code, {"__name__": "readme"})  # noqa: S102  # run twice: safe, same invoice
        assert capsys.readouterr().out.split() == [sequence_number, pdf_url]
        with sb.client() as http:
            [doc] = http.get("/invoices.json").json()["invoices"]
    assert doc["status"] == "settled"  # finalised, then paid in full, once
    assert doc["sequence_number"] == sequence_number
    assert pdf_url.startswith("http")
    assert str(doc["id"]) in pdf_url
