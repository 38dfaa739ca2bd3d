"""Server-drift rules on synthetic recordings against tests/drift/server_spec.yaml."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from invoicexpress_core.exchange import Exchange, Recorder, merge_recordings, read_recording
from invoicexpress_core.spec import Spec
from invoicexpress_drift import SERVER_RULES, Finding, server_drift

Make = Callable[..., Exchange]
Doc = Callable[..., dict[str, Any]]


def _run(spec: Spec, exchanges: list[Exchange]) -> list[Finding]:
    return server_drift(spec, exchanges, source="test").findings


def _rules(spec: Spec, exchanges: list[Exchange]) -> set[str]:
    return {f.rule for f in _run(spec, exchanges)}


def _get(make: Make, status: int = 200, body: Any = None, **kw: Any) -> Exchange:
    return make("GET", "/invoices/7.json", status, body, **kw)


def _change(make: Make, event: str, status: int, body: Any, message: str | None = None) -> Exchange:
    request: dict[str, Any] = {"invoice": {"state": event}}
    if message is not None:
        request["invoice"]["message"] = message
    return make("PUT", "/invoices/7/change-state.json", status, body, request_body=request)


def test_faithful_recording_reports_nothing(server_spec: Spec, make: Make, doc: Doc) -> None:
    exchanges = [
        make("GET", "/invoices.json", 200, {"invoices": [doc(), doc(id=8, total=12.5)]}),
        _get(make, body={"invoice": doc()}),
        _change(make, "finalized", 200, {"invoice": doc(status="final")}),
        _change(make, "canceled", 200, {"invoice": doc(status="canceled")}, message="erro"),
        _get(make, 404, {"errors": {"error": "Document not found"}}),
        make(
            "GET",
            "/api/v3/clients/3/balance.json",
            200,
            {"balance": {"created_at": "2026-12-03", "amount": 10}},
        ),
    ]
    assert _run(server_spec, exchanges) == []


CASES: dict[str, Any] = {
    "undocumented-operation": lambda m, doc: [m("GET", "/archive.json", 200, {})],
    "undocumented-success-status": lambda m, doc: [_get(m, 203, {"invoice": doc()})],
    "undocumented-status-code": lambda m, doc: [_get(m, 500, {"errors": {"error": "boom"}})],
    "security-not-enforced": lambda m, doc: [_get(m, 200, {"invoice": doc()}, with_key=False)],
    "undocumented-content-type": lambda m, doc: [
        _get(m, 200, raw=b"<html>maintenance</html>", content_type="text/html")
    ],
    "undocumented-response-field": lambda m, doc: [_get(m, body={"invoice": doc(atcud="N/D")})],
    "missing-required-field": lambda m, doc: [
        _get(m, body={"invoice": {k: v for k, v in doc().items() if k != "date"}})
    ],
    "type-mismatch": lambda m, doc: [_get(m, body={"invoice": doc(items={"name": "x"})})],
    "numeric-string-for-number": lambda m, doc: [_get(m, body={"invoice": doc(total="30.0")})],
    "number-for-string": lambda m, doc: [_get(m, body={"invoice": doc(currency=978)})],
    "unexpected-null": lambda m, doc: [_get(m, body={"invoice": doc(currency=None)})],
    "date-format-mismatch": lambda m, doc: [_get(m, body={"invoice": doc(date="2026-12-03")})],
    "format-mismatch": lambda m, doc: [_get(m, body={"invoice": doc(date="3 Dec 2026")})],
    "undocumented-enum-value": lambda m, doc: [
        _get(m, body={"invoice": doc(status="second_copy")})
    ],
    "undocumented-error-shape": lambda m, doc: [_get(m, 404, ["Document", "not found"])],
    # accepted (a refused unknown event is what the machine implies, and no finding)
    "state-event-undocumented": lambda m, doc: [
        _change(m, "unsettled", 200, {"invoice": doc(status="final")})
    ],
    "state-transition-undocumented": lambda m, doc: [
        _get(m, body={"invoice": doc(status="canceled")}),
        _change(m, "finalized", 200, {"invoice": doc(status="final")}),
    ],
    "state-transition-refused": lambda m, doc: [
        _get(m, body={"invoice": doc(status="draft")}),
        _change(m, "finalized", 422, {"errors": {"error": "Invalid state"}}),
    ],
    "state-transition-target-mismatch": lambda m, doc: [
        _get(m, body={"invoice": doc(status="draft")}),
        _change(m, "finalized", 200, {"invoice": doc(status="canceled")}),
    ],
}


def test_every_server_rule_has_a_case() -> None:
    assert set(CASES) == set(SERVER_RULES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule_is_reported_alone_with_its_level(
    server_spec: Spec, make: Make, doc: Doc, rule: str
) -> None:
    findings = _run(server_spec, CASES[rule](make, doc))
    assert [f.rule for f in findings] == [rule]
    assert findings[0].level == SERVER_RULES[rule].level


def test_iso_date_where_dd_mm_yyyy_is_documented_and_the_reverse(
    server_spec: Spec, make: Make
) -> None:
    treasury = make(
        "GET", "/api/v3/clients/3/balance.json", 200, {"balance": {"created_at": "03/12/2026"}}
    )
    findings = _run(server_spec, [treasury])
    assert [(f.rule, f.location) for f in findings] == [
        ("date-format-mismatch", "balance.created_at")
    ]


def test_decimal_value_accepts_number_and_numeric_string_but_not_words(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    ok = [_get(make, body={"invoice": doc(items=[{"unit_price": p}])}) for p in ("1.0", 2, 2.5)]
    assert _run(server_spec, ok) == []
    bad = _get(make, body={"invoice": doc(items=[{"unit_price": "ten"}])})
    assert _rules(server_spec, [bad]) == {"format-mismatch"}


def test_findings_aggregate_by_schema_pointer_with_a_count(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    lists = [
        make("GET", "/invoices.json", 200, {"invoices": [doc(extra=1), doc(extra=2)]}),
        make("GET", "/invoices.json", 200, {"invoices": [doc(extra=3)]}),
        make("GET", "/invoices.json", 200, {"invoices": [doc()]}),
    ]
    findings = _run(server_spec, lists)
    assert len(findings) == 1
    only = findings[0]
    assert only.rule == "undocumented-response-field"
    assert only.count == 2  # exchanges that showed it, not array elements
    assert only.pointer.endswith("/schema/properties/invoices/items/properties/extra")
    assert only.location == "invoices[].extra"


def test_fingerprint_is_independent_of_the_example(server_spec: Spec, make: Make, doc: Doc) -> None:
    one = _run(server_spec, [_get(make, body={"invoice": doc(status="second_copy")})])
    two = _run(server_spec, [_get(make, body={"invoice": doc(status="sent")})])
    assert one[0].example != two[0].example
    assert one[0].fingerprint == two[0].fingerprint


def test_alias_events_count_as_their_event(server_spec: Spec, make: Make, doc: Doc) -> None:
    exchanges = [
        _get(make, body={"invoice": doc(status="draft")}),
        _change(make, "finalised", 200, {"invoice": doc(status="final")}),
    ]
    assert _run(server_spec, exchanges) == []


def test_cancel_without_required_message_may_be_refused(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    exchanges = [
        _get(make, body={"invoice": doc(status="final")}),
        _change(make, "canceled", 422, {"errors": {"error": "Cancel message can't be blank"}}),
    ]
    assert _run(server_spec, exchanges) == []


def test_status_before_can_come_from_recording_meta(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    change = _change(make, "finalized", 200, {"invoice": doc(status="final")})
    change.meta["status_before"] = "deleted"
    assert _rules(server_spec, [change]) == {"state-transition-undocumented"}


def test_two_servers_documents_that_share_an_id_are_two_documents(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    """A managed run gives each pytest-xdist worker a sandbox of its own, whose ids overlap;
    their recordings merge into one in time order: one worker's final invoice 7 says nothing
    of the other's draft 7, which it then finalises."""

    def elsewhere(ex: Exchange) -> Exchange:
        return replace(ex, url=ex.url.replace(urlsplit(ex.url).netloc, "127.0.0.1:1", 1))

    exchanges = [
        elsewhere(_get(make, body={"invoice": doc(status="draft")})),
        _get(make, body={"invoice": doc(status="final")}),
        elsewhere(_change(make, "finalized", 200, {"invoice": doc(status="final")})),
    ]
    assert _run(server_spec, exchanges) == []


def test_request_without_key_answered_401_is_faithful(server_spec: Spec, make: Make) -> None:
    assert _run(server_spec, [_get(make, 404, {"errors": {"error": "x"}}, with_key=False)]) == []


def test_unknown_status_before_says_nothing_about_transitions(
    server_spec: Spec, make: Make, doc: Doc
) -> None:
    exchanges = [
        _get(make, body={"invoice": doc(status="DRAFT")}),
        _change(make, "finalized", 200, {"invoice": doc(status="final")}),
    ]
    assert _rules(server_spec, exchanges) == {"undocumented-enum-value"}


def test_undocumented_error_status_with_unknown_shape_reports_both(
    server_spec: Spec, make: Make
) -> None:
    found = _rules(server_spec, [_get(make, 500, {"oops": True})])
    assert found == {"undocumented-status-code", "undocumented-error-shape"}


def test_undocumented_routes_group_their_ids(server_spec: Spec, make: Make) -> None:
    exchanges = [make("GET", f"/archive/{n}.json", 200, {}) for n in (1, 22, 333)]
    findings = _run(server_spec, exchanges)
    assert [(f.operation, f.count) for f in findings] == [("GET /archive/{id}.json", 3)]


def test_a_refused_unknown_event_is_no_finding(server_spec: Spec, make: Make) -> None:
    """Servers answer 4xx to events outside the machine; that agrees with the spec."""
    refused = _change(make, "unsettled", 422, {"errors": {"error": "Invalid state"}})
    assert _rules(server_spec, [refused]) == set()


SERIES_DATE = (
    "The date of the document can't be earlier than the date of the last finalized document "
    "of the series ({})"
)


@pytest.mark.parametrize(
    ("message", "drift"),
    [
        (SERIES_DATE.format("05/11/2026"), False),  # documented, through its template
        ("Invalid state", True),  # the state machine's own refusal: a documented move refused
        ("Something else went wrong", True),  # not documented for this operation
    ],
)
def test_a_refusal_documented_for_another_reason_is_not_drift(
    server_spec: Spec, make: Make, doc: Doc, message: str, drift: bool
) -> None:
    exchanges = [
        _get(make, body={"invoice": doc(status="draft")}),
        _change(make, "finalized", 422, {"errors": {"error": message}}),
    ]
    assert ("state-transition-refused" in _rules(server_spec, exchanges)) is drift


def test_the_sandboxs_series_date_refusal_is_documented_on_every_finalising_change() -> None:
    """The real spec lists `date_before_series` on every change-state operation that can
    finalise, so a recording of the sandbox refusing it (a draft dated before the series' last
    final document) is no `state-transition-refused`."""
    from datetime import date, timedelta

    from invoicexpress_core.spec import load_spec
    from invoicexpress_sandbox.testing import running_sandbox

    spec = load_spec()
    template = spec.document["x-error-catalogue"]["date_before_series"]
    for op in spec:
        transitions = (op.raw.get("x-state-machine") or {}).get("transitions", [])
        finalises = any(t["from"] == "draft" and t["to"] != "deleted" for t in transitions)
        listed = spec.resolve(op.responses.get("422", {})).get("x-error-messages", [])
        assert (template in listed) is finalises, op.operation_id

    with running_sandbox() as sb, sb.client() as api:
        today = date.fromisoformat(sb.admin.get("/_sandbox/clock").json()["now"][:10])

        def draft(day: date) -> int:
            body = {
                "invoice": {
                    "date": day.strftime("%d/%m/%Y"),
                    "due_date": today.strftime("%d/%m/%Y"),
                    "client": {"name": "Cliente Série", "code": "SERIE"},
                    "items": [
                        {"name": "S", "description": "s", "unit_price": "1", "quantity": "1"}
                    ],
                }
            }
            return int(api.post("/invoices.json", json=body).json()["invoice"]["id"])

        later, earlier = draft(today), draft(today - timedelta(days=1))
        exchanges = []
        for doc_id, status in ((later, 200), (earlier, 422)):
            answer = api.put(
                f"/invoices/{doc_id}/change-state.json", json={"invoice": {"state": "finalized"}}
            )
            assert answer.status_code == status, answer.text
            exchanges.append(Exchange.from_httpx(answer))
        before = Exchange.from_httpx(api.get(f"/invoices/{earlier}.json"))
    assert "state-transition-refused" not in _rules(spec, [before, exchanges[1]])


def test_workers_recordings_are_read_in_the_order_the_server_saw_them(
    server_spec: Spec, make: Make, doc: Doc, tmp_path: Path
) -> None:
    """Two workers, one document: worker 1 reads the draft, worker 0 finalises it, worker 1
    cancels it. Read file after file, the cancel would look like one from `draft`; merged by
    the time each exchange was recorded, every move is a documented one."""
    steps = [
        ("gw1", _get(make, body={"invoice": doc(status="draft")})),
        ("gw0", _change(make, "finalized", 200, {"invoice": doc(status="final")})),
        ("gw1", _change(make, "canceled", 200, {"invoice": doc(status="canceled")}, message="x")),
    ]
    for at, (worker, exchange) in enumerate(steps):
        exchange.meta["at"] = 1_000.0 + at
        Recorder(tmp_path / f"recording-{worker}.jsonl").write(exchange)
    parts = sorted(tmp_path.glob("recording-*.jsonl"))
    file_order = [ex for part in parts for ex in read_recording(part)]
    assert "state-transition-undocumented" in _rules(server_spec, file_order)
    merge_recordings(parts, tmp_path / "exchanges.jsonl")
    merged = list(read_recording(tmp_path / "exchanges.jsonl"))
    assert [ex.meta["at"] for ex in merged] == [1_000.0, 1_001.0, 1_002.0]
    assert _rules(server_spec, merged) == set()
