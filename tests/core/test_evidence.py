"""The evidence loader's own rules: placeholders filled from a given clock, no calendar literal
in what a request sends, no exchange citing an unknown fact."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from invoicexpress_core.evidence import EvidenceError, fill, load_exchanges, load_facts

FACTS = """
sources:
  s: {repo: o/r, commit: abc, date: "2019-09-04"}
facts:
  - {id: f1, operations: [listTaxes], field: x, observed: y, kind: recorded-live,
     sources: [{source: s, file: a.yml}]}
"""


def _corpus(tmp_path: Path, exchange: str) -> Path:
    (tmp_path / "exchanges").mkdir()
    (tmp_path / "facts.yaml").write_text(FACTS, encoding="utf-8")
    (tmp_path / "exchanges" / "e.yaml").write_text(exchange, encoding="utf-8")
    return tmp_path


def test_fill_uses_the_given_clock_and_captures() -> None:
    now = datetime(2031, 1, 30, 10, 0, 0)  # any clock: the point is that it is the caller's
    body = {"d": "{today}", "n": ["{today+2}", "{today-30}"], "t": "{now+5m}", "p": "/x/{id}.json"}
    assert fill(body, now, {"id": 7}) == {
        "d": "30/01/2031",
        "n": ["01/02/2031", "31/12/2030"],
        "t": "30/01/2031 10:05:00",
        "p": "/x/7.json",
    }
    with pytest.raises(EvidenceError, match="unknown placeholder"):
        fill("{missing}", now)


def test_a_literal_date_in_a_request_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        "derived_from: recorded-live\nfacts: [f1]\ninteractions:\n"
        "  - request: {method: POST, path: /taxes.json, body: {d: 07/05/2017}}\n"
        "    response: {status: 201}\n",
    )
    with pytest.raises(EvidenceError, match="literal date"):
        load_exchanges(corpus)


def test_an_unknown_fact_is_refused(tmp_path: Path) -> None:
    corpus = _corpus(
        tmp_path,
        "derived_from: recorded-live\nfacts: [nope]\ninteractions:\n"
        "  - request: {method: GET, path: /taxes.json}\n    response: {status: 200}\n",
    )
    assert set(load_facts(corpus)) == {"f1"}
    with pytest.raises(EvidenceError, match="unknown facts"):
        load_exchanges(corpus)
