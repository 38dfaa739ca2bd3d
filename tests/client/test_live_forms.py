"""The forms recorded from the live API (issue 17) decode to one Python type each, and its
error bodies fill `.messages`. Bodies are written here from the recorded facts (integer client
ids, numeric `send_options`/`payment_days`, `preferred_contact.mobile`, the document client's
extra fields, the 401/422/404 bodies), not copied from the recordings."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import pytest
import respx

from invoicexpress import (
    AuthenticationError,
    NotFoundError,
    UnexpectedResponseError,
    ValidationError,
)
from invoicexpress.testing import spec_example as example


def _client_with(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = copy.deepcopy(example("getClient", 200))
    body["client"].update(fields)
    return body


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"id": 4242, "send_options": 1, "payment_days": 30}, (4242, 1, 30)),  # recorded live
        ({"id": "4242", "send_options": "1", "payment_days": "30"}, (4242, 1, 30)),  # vendor docs
    ],
    ids=["live-numbers", "documented-strings"],
)
def test_a_client_decodes_the_same_from_either_form(
    mock_api: respx.MockRouter, make_client: Any, wire: dict[str, Any], expected: tuple[int, ...]
) -> None:
    body = _client_with(
        **wire, preferred_contact={"name": "Ana", "email": "", "phone": "", "mobile": "912000000"}
    )
    mock_api.get("/clients/4242.json").mock(return_value=httpx.Response(200, json=body))
    client = make_client().clients.get(4242).client
    assert (client.id, client.send_options, client.payment_days) == expected
    assert all(type(v) is int for v in (client.id, client.send_options, client.payment_days))
    assert client.preferred_contact is not None
    assert client.preferred_contact.mobile == "912000000"


def test_a_send_options_that_is_no_number_is_still_drift(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    mock_api.get("/clients/1.json").mock(
        return_value=httpx.Response(200, json=_client_with(send_options="original"))
    )
    with pytest.raises(UnexpectedResponseError, match=r"getClient: /client/send_options: expected"):
        make_client().clients.get(1)


def test_a_document_client_carries_the_recorded_extra_fields(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    body = copy.deepcopy(example("getInvoice", 200))
    body["invoice"]["id"] = "1001"  # an id as a numeric string decodes like the integer
    body["invoice"]["client"].update(
        id="7", address="Rua Augusta 1", postal_code="1100-048", phone="213000000",
        fiscal_id="999999990",
    )  # fmt: skip
    mock_api.get("/invoices/1001.json").mock(return_value=httpx.Response(200, json=body))
    doc = make_client().invoices.get(1001).invoice
    assert (doc.id, doc.client.id) == (1001, 7)
    assert (doc.client.address, doc.client.postal_code, doc.client.phone) == (
        "Rua Augusta 1",
        "1100-048",
        "213000000",
    )
    assert doc.client.fiscal_id == "999999990"


def test_a_sequence_reads_its_purchase_order_counters(
    mock_api: respx.MockRouter, make_client: Any
) -> None:
    body = copy.deepcopy(example("getSequence", 200))
    body["sequence"].update(
        current_purchase_order_number=3,
        current_purchase_order_sequence_id="88",
        current_purchase_order_validation_code="N/A",
    )
    mock_api.get("/sequences/1.json").mock(return_value=httpx.Response(200, json=body))
    seq = make_client().sequences.get(1).sequence
    assert (seq.current_purchase_order_number, seq.current_purchase_order_sequence_id) == (3, 88)


@pytest.mark.parametrize(
    ("status", "body", "cls", "messages"),
    [
        (401, {"errors": [{"error": "Invalid API key"}]}, AuthenticationError, ["Invalid API key"]),
        (
            422,
            {"errors": [{"error": "Nome é um campo obrigatório"}]},
            ValidationError,
            ["Nome é um campo obrigatório"],
        ),
        (422, [["name", "não está disponível."]], ValidationError, ["name não está disponível."]),
        (404, "", NotFoundError, []),
        (
            404,
            "<!DOCTYPE html><html><head><title>The page you were looking for doesn't exist (404)"
            "</title><style>body{}</style></head><body><h1>Not here</h1></body></html>",
            NotFoundError,
            ["The page you were looking for doesn't exist (404)"],
        ),
    ],
    ids=["401-list", "422-list-pt", "422-pairs", "404-empty", "404-html"],
)
def test_recorded_error_bodies_fill_the_messages(
    mock_api: respx.MockRouter,
    make_client: Any,
    status: int,
    body: Any,
    cls: type[Exception],
    messages: list[str],
) -> None:
    if isinstance(body, str):
        response = httpx.Response(status, text=body, headers={"content-type": "text/html"})
    else:
        response = httpx.Response(status, json=body)
    mock_api.post("/taxes.json").mock(return_value=response)
    with pytest.raises(cls) as info:
        make_client(retry=None, max_retries=0).taxes.create(
            {"name": "IVA23", "value": "23.0", "region": "PT"}
        )
    assert info.value.messages == messages  # type: ignore[attr-defined]
