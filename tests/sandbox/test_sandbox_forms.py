"""The sandbox answers the documented forms by default and the recorded live ones with the
`live_forms` quirk (`--live-like`), and says which (`GET /_sandbox/forms`). Real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from invoicexpress_core.evidence import load_facts
from invoicexpress_core.spec import load_spec
from invoicexpress_sandbox._liveforms import FORMS, SWITCH
from invoicexpress_sandbox._livelike import LIVE_QUIRKS
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox


@pytest.fixture(scope="module", params=["documented", "recorded-live"])
def sb(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    with running_sandbox(quirks=[SWITCH] if request.param == "recorded-live" else []) as sb:
        yield sb


def _live(sb: RunningSandbox) -> bool:
    return bool(sb.admin.get("/_sandbox/forms").json()["emits"] == "recorded-live")


def test_every_form_names_a_recorded_fact_and_live_like_turns_them_on() -> None:
    facts = load_facts()
    for form in FORMS:
        assert facts[form.fact].kind == "recorded-live", form.fact
    assert SWITCH in LIVE_QUIRKS
    # the switches back to documented behaviour are not live
    assert not {"exemption_required", "bad_date_today", "quote_dates_required"} & set(LIVE_QUIRKS)


def test_forms_route_lists_what_is_emitted(sb: RunningSandbox) -> None:
    forms = sb.admin.get("/_sandbox/forms").json()
    live = forms["emits"] == "recorded-live"
    assert [f["fact"] for f in forms["forms"]] == [f.fact for f in FORMS]
    for f in forms["forms"]:
        assert f["emitted"] == (f["live"] if live else f["documented"])


def test_client_numbers(sb: RunningSandbox) -> None:
    sb.reset()
    with sb.client() as api:
        made = api.post("/clients.json", json={"client": {"name": "Forma", "code": "F1"}})
        assert made.status_code == 201, made.text
        cid = made.json()["client"]["id"]
        for got in (
            made.json()["client"],
            api.get(f"/clients/{cid}.json").json()["client"],
            api.get("/clients.json").json()["clients"][0],
        ):
            kinds = {type(got[k]) for k in ("id", "send_options", "payment_days")}
            assert kinds == ({int} if _live(sb) else {str}), got


def test_serie_sent_as_a_number(sb: RunningSandbox) -> None:
    sb.reset()
    with sb.client() as api:
        made = api.post("/sequences.json", json={"sequence": {"serie": 77}})
        named = api.post("/sequences.json", json={"sequence": {"serie": "78"}})
    assert made.json()["sequence"]["serie"] == (77 if _live(sb) else "77")
    assert named.json()["sequence"]["serie"] == "78"  # a string stays a string


def _errors(sb: RunningSandbox) -> dict[str, httpx.Response]:
    sb.reset()
    with sb.client() as api, httpx.Client(base_url=sb.base_url) as anonymous:
        api.post("/taxes.json", json={"tax": {"name": "T9", "value": "9", "region": "PT"}})
        return {
            "401": anonymous.get("/invoices.json", params={"api_key": "wrong-key"}),
            "422 client": api.post("/clients.json", json={"client": {"code": "X"}}),
            "422 tax": api.post(
                "/taxes.json", json={"tax": {"name": "T9", "value": "9", "region": "PT"}}
            ),
            "404 client": api.get("/clients/999.json"),
            "404 client invoices": api.post("/clients/999/invoices.json", json={}),
            "404 invoice": api.get("/invoices/999.json"),
        }


def test_error_bodies(sb: RunningSandbox) -> None:
    got = _errors(sb)
    bodies: dict[str, Any] = {
        k: r.json() for k, r in got.items() if r.text and "json" in r.headers["content-type"]
    }
    assert [r.status_code for r in got.values()] == [401, 422, 422, 404, 404, 404]
    if _live(sb):
        assert bodies["401"] == {"errors": [{"error": "Invalid API key"}]}
        assert bodies["422 client"] == {"errors": [{"error": "Name can't be blank"}]}
        assert bodies["422 tax"] == [["name", "has already been taken"]]
        assert got["404 client"].text == ""
        assert got["404 client invoices"].headers["content-type"].startswith("text/html")
        assert "doesn't exist (404)" in got["404 client invoices"].text
    else:
        assert bodies["401"] == {"errors": {"error": "Invalid API key"}}
        assert bodies["422 client"] == {"errors": ["Name can't be blank"]}
        assert bodies["422 tax"] == {"name": ["Name has already been taken"]}
        assert "errors" in bodies["404 client"]
        assert "errors" in bodies["404 client invoices"]
    assert "errors" in bodies["404 invoice"]  # no recording: documented in both modes


def test_every_error_body_validates_against_the_spec(sb: RunningSandbox) -> None:
    spec = load_spec()
    for label, response in _errors(sb).items():
        op = spec.find(response.request.method, response.request.url.path)
        assert op is not None
        if not response.text.strip() or response.headers["content-type"].startswith("text/"):
            documented = spec.resolve(op.responses[str(response.status_code)])
            assert "text/html" in documented["content"], label
            continue
        pointer = spec.response_schema_pointer(op, response.status_code)
        assert pointer is not None, label
        errors = list(spec.validator_at(pointer).iter_errors(response.json()))
        assert errors == [], (label, response.text)


def test_live_like_is_portuguese_where_evidenced() -> None:
    """The pairs a Portuguese account answers for a duplicate tax, as recorded live."""
    with running_sandbox(quirks=[SWITCH]) as sb:
        made = sb.admin.post("/_sandbox/accounts", json={"name": "pt", "language": "pt"})
        key = made.json()["api_key"]
        with httpx.Client(base_url=sb.base_url, params={"api_key": key}) as api:
            body = {"tax": {"name": "IVA37", "value": "37.0", "region": "PT"}}
            assert api.post("/taxes.json", json=body).status_code == 201
            again = api.post("/taxes.json", json=body)
            empty = api.post("/clients.json", json={"client": {}})
    assert again.json() == [["name", "não está disponível."]]
    assert empty.json() == {"errors": [{"error": "Nome é um campo obrigatório"}]}
