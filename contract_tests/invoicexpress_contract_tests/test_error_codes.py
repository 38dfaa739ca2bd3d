"""Suite 3: error codes. 401 without or with a wrong key, 404 for unknown ids, every documented
422 message from a minimal bad request, 406 PDF of a deleted document, 409 duplicate
`proprietary_uid`, and 429 past the rate limit, on every operation that documents them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient, carries, error_messages
from ._documents import created_again
from ._inputs import root_key
from ._ledger import documented_messages
from ._recipes import CREATE_ONLY, NEEDS_FINAL, UPDATE_ONLY, recipes_for
from ._world import World, example_request

SPEC = load_spec()
OPS = sorted(SPEC.operations)
UNKNOWN = 987654321
WRONG_KEY = "ixc-contract-wrong-key-0000"
READS_FOR_429 = 800  # past the larger documented limit (780/min)


def _unknown_params(op_id: str) -> dict[str, Any]:
    op = SPEC.operations[op_id]
    names = [seg[1:].split("}")[0] for seg in op.path.split("/") if seg.startswith("{")]
    return dict.fromkeys(names, UNKNOWN)


def _required_query(op_id: str) -> dict[str, Any]:
    op = SPEC.operations[op_id]
    out: dict[str, Any] = {}
    for raw in op.raw.get("parameters", []):
        p = SPEC.resolve(raw)
        if p.get("in") == "query" and p.get("required"):
            out[p["name"]] = "1" if p["name"] == "month" else "ixc-contract-unknown"
    return out


@pytest.mark.parametrize("operation_id", OPS)
def test_missing_and_wrong_key_give_401(api: ContractClient, operation_id: str) -> None:
    body = example_request(SPEC, SPEC.operations[operation_id])
    for key in (None, WRONG_KEY):
        response = api.call(
            operation_id,
            _unknown_params(operation_id),
            query=_required_query(operation_id),
            json=body,
            key=key,
        )
        label = "no api_key" if key is None else "a wrong api_key"
        assert response.status_code == 401, (
            f"[{operation_id}] with {label} expected 401, got {api.describe(response)}"
        )


@pytest.mark.parametrize("operation_id", [o for o in OPS if 404 in SPEC.operations[o].status_codes])
def test_unknown_ids_give_404(api: ContractClient, world: World, operation_id: str) -> None:
    op = SPEC.operations[operation_id]
    params = _unknown_params(operation_id)
    if "movement-id" in params or "regularization-id" in params:
        params["client-id"] = world.client_id()  # the nested id is the unknown one
    response = api.call(
        operation_id, params, query=_required_query(operation_id), json=example_request(SPEC, op)
    )
    assert response.status_code == 404, (
        f"[{operation_id}] unknown id expected 404, got {api.describe(response)}"
    )


def expect_422(api: ContractClient, operation_id: str, response: Any, message: str) -> None:
    """Assert a documented 422 with `message`, and count the message as exercised."""
    assert response.status_code == 422, (
        f"[{operation_id}] expected 422 {message!r}, got {api.describe(response)}"
    )
    found = error_messages(response.json())
    assert carries(SPEC, message, found, operation_id), (  # word for word
        f"[{operation_id}] 422 does not carry the documented message {message!r}: {found}"
    )
    api.ledger.messages[(operation_id, message)] += 1


MB_MESSAGE = "Option to generate MB reference is set but no payment provider is configurated"
RECIPE_FIELDS = {
    MB_MESSAGE: "mb_reference",
    "Postal Code must have the following format DDDD-DDD": "postal_code",
    "Email: is an invalid email": "client",
}


def request_fields(op_id: str) -> set[str]:
    """Every property name the operation's request schema mentions (refs followed)."""
    pointer = SPEC.request_schema_pointer(SPEC.operations[op_id])
    names: set[str] = set()
    seen: set[int] = set()

    def walk(node: Any) -> None:
        node = SPEC.resolve(node)
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    if pointer:
        walk(SPEC.pointer("#" + pointer))
    return names


def _message_cases(quick: bool) -> list[Any]:
    """Every reachable documented message of every operation; --quick sends each message once,
    yet every operation that documents one gets its 422 at least once (not left to a draw)."""
    cases = []
    seen: set[str] = set()
    answered: set[str] = set()
    for op_id, messages in sorted(documented_messages(SPEC).items()):
        op = SPEC.operations[op_id]
        if op.state_machine:
            continue  # the state-machine suite owns these
        table = recipes_for(op_id, op.family)
        fields = request_fields(op_id)
        for message in messages:
            if message in NEEDS_FINAL | UPDATE_ONLY and not op_id.startswith("update"):
                continue  # no request to a create can reach it (reported as missing)
            if message in CREATE_ONLY and not op_id.startswith("create"):
                continue
            if message not in table and message not in NEEDS_FINAL and message not in SPECIAL:
                continue
            touched = RECIPE_FIELDS.get(message)
            if touched and touched not in fields:
                continue  # the request schema has no such field (reported as missing)
            if quick and message in seen and op_id in answered:
                continue
            seen.add(message)
            answered.add(op_id)
            cases.append(pytest.param(op_id, message, id=f"{op_id}-{message[:40]}"))
    return cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.function.__name__ == "test_documented_422_message":
        quick = bool(metafunc.config.getoption("--quick"))
        metafunc.parametrize(("operation_id", "message"), _message_cases(quick))


def test_documented_422_message(
    api: ContractClient, world: World, operation_id: str, message: str
) -> None:
    op = SPEC.operations[operation_id]
    if op.operation_id.startswith("email") and not api.target.send_email:
        pytest.skip("would send real e-mail; pass --send-email")
    if operation_id.startswith(("createAccount", "updateAccount", "configureAt")) and (
        api.target.live
    ):
        pytest.skip("changes account settings; never on a live account")
    body = example_request(SPEC, op)
    key = root_key(SPEC, op) or next(iter(body))
    if op.family and operation_id.startswith(("create", "update")):
        body = world.document_body(op.document_type or "invoices")
    if isinstance(body, dict):
        body.pop("proprietary_uid", None)
    if operation_id in ("createClient", "updateClient"):
        body[key]["name"] = world.unique("client")
    if operation_id in ("createItem", "updateItem"):
        body[key]["name"] = world.unique("item")
    if operation_id in ("createTax", "updateTax"):
        body[key]["name"] = world.unique("tax")[-20:]
    if operation_id == "createAccount":
        body[key]["email"] = f"{world.unique('a')}@example.com"
    params = world.params_for(op)
    if message in SPECIAL:
        response = SPECIAL[message](api, world, operation_id, body, key, params)
        expect_422(api, operation_id, response, message)
        return
    if message in NEEDS_FINAL:
        doc_type = op.document_type or "invoices"
        first = world.op_for(doc_type, "change").state_machine or {}
        event = next(
            t["event"]
            for t in first["transitions"]
            if t["from"] == first["initial"] and t["event"] == "finalized"
        )
        world.change_state(doc_type, params["document-id"], event)
    else:
        recipes_for(operation_id, op.family)[message](body, key)
    if message == "Vat Number is already used in another account":
        body[key]["fiscal_id"] = world.other_account_fiscal_id()
    response = api.call(operation_id, params, json=body, key=world.key_for(params))
    expect_422(api, operation_id, response, message)


def _name_taken(
    api: ContractClient, world: World, op_id: str, body: Any, key: str, params: dict[str, Any]
) -> Any:
    """Another resource of the same kind already has the name."""
    kind = op_id.removeprefix("create").removeprefix("update")
    other = world.named_resource(kind)
    body[key]["name"] = other["name"]
    return api.call(op_id, params, json=body)


def _item_in_use(
    api: ContractClient, world: World, op_id: str, body: Any, key: str, params: dict[str, Any]
) -> Any:
    """Rename an item a document already uses."""
    item = world.named_resource("Item")
    doc = world.document_body("invoices")
    root = doc[next(iter(doc))]
    root["items"][0]["name"] = item["name"]
    made = api.call(world.create_op("invoices").operation_id, json=doc)
    assert made.status_code == 201, api.describe(made)
    body[key]["name"] = world.unique("renamed")
    return api.call(op_id, {"item-id": item["id"]}, json=body)


def _no_content_type(
    api: ContractClient, world: World, op_id: str, body: Any, key: str, params: dict[str, Any]
) -> Any:
    """The documented body, sent as text/plain."""
    raw = json.dumps(body).encode()
    return api.call(op_id, params, raw_body=raw, content_type="text/plain")


def _serie_taken(
    api: ContractClient, world: World, op_id: str, body: Any, key: str, params: dict[str, Any]
) -> Any:
    """A new series named like an existing one."""
    existing = api.call("listSequences").json()["sequences"][0]["serie"]
    body[key]["serie"] = existing
    return api.call(op_id, params, json=body)


SPECIAL = {
    "Serie has already been taken": _serie_taken,
    "Name has already been taken": _name_taken,
    "Name can't be changed because it is already associated with invoices": _item_in_use,
    "No content type or wrongly specified": _no_content_type,
}


def test_pdf_of_a_deleted_document_gives_406(api: ContractClient, world: World) -> None:
    doc = world.new_document("invoices")
    world.change_state("invoices", doc["id"], "deleted")
    response = api.call("generatePdf", {"document-id": doc["id"]})
    assert response.status_code == 406, f"[generatePdf] {api.describe(response)}"


def test_qr_code_of_a_draft_gives_422(api: ContractClient, world: World) -> None:
    doc = world.new_document("invoices")
    response = api.call("getQrCode", {"document-id": doc["id"]})
    assert response.status_code == 422, f"[getQrCode] {api.describe(response)}"


@pytest.mark.parametrize(
    "operation_id",
    [o for o in OPS if 409 in SPEC.operations[o].status_codes and SPEC.operations[o].family],
)
def test_duplicate_proprietary_uid_gives_409(
    api: ContractClient, world: World, operation_id: str
) -> None:
    op = SPEC.operations[operation_id]
    body = world.document_body(op.document_type or "invoices")
    body["proprietary_uid"] = world.unique("uid")
    first = api.call(operation_id, json=body)
    assert first.status_code == 201, f"[{operation_id}] {api.describe(first)}"
    world.created_documents.append(
        (op.document_type or "", next(iter(first.json().values()))["id"])
    )
    second = api.call(operation_id, json=body)
    assert created_again(first, second), (
        f"[{operation_id}] duplicate proprietary_uid expected 409 or the first document "
        f"({next(iter(first.json().values()))['id']}), got {api.describe(second)}"
    )


def test_every_operation_gives_429_past_the_rate_limit(
    api: ContractClient, world: World, quick: bool
) -> None:
    if not api.target.allow_429:
        pytest.skip("live: exhausting the rate limit needs --live-429")
    if api.target.sandbox is None:
        # A server's limit cannot be lowered from here: read until it answers 429. A server
        # with no limit (a staging copy may rightly have none) is a finding, not a break.
        for _ in range(READS_FOR_429):
            response = api.call("listTaxes", retry_429=False)
            if response.status_code == 429:
                return
        api.ledger.findings[
            f"no rate limit seen: {READS_FOR_429} reads in a row never gave 429 "
            "(InvoiceXpress documents 100 or 780 requests a minute)"
        ] += 1
        return
    params = {
        o: world.params_for(SPEC.operations[o]) if not quick else _unknown_params(o) for o in OPS
    }
    admin = api.target.admin
    admin.put("/_sandbox/rate-limit", json={"per_minute": 1}).raise_for_status()
    try:
        api.call("listTaxes", retry_429=False)  # spends the one allowed request
        bad = []
        for op_id in OPS:
            op = SPEC.operations[op_id]
            response = api.call(
                op_id,
                params[op_id],
                query=_required_query(op_id),
                json=example_request(SPEC, op),
                retry_429=False,
            )
            if response.status_code != 429:
                bad.append(f"[{op_id}] expected 429, got {response.status_code}")
            elif not response.headers.get("retry-after", "0").isdigit():
                bad.append(
                    f"[{op_id}] 429 Retry-After {response.headers['retry-after']!r} is not the "
                    "documented integer number of seconds"
                )
        assert not bad, "\n".join(bad)
    finally:
        admin.put("/_sandbox/rate-limit", json={"per_minute": None}).raise_for_status()


def _bad_query(op_id: str) -> dict[str, Any] | None:
    """One query parameter set to a value its schema refuses (None when no parameter has a
    constraint a string can break)."""
    for raw in SPEC.operations[op_id].raw.get("parameters", []):
        p = SPEC.resolve(raw)
        schema = SPEC.resolve(p.get("schema") or {})
        items = SPEC.resolve(schema.get("items") or {})
        constrained = (
            schema.get("type") in ("integer", "number", "boolean")
            or "pattern" in schema
            or "enum" in schema
            or "enum" in items
            or "pattern" in items
        )
        if p.get("in") == "query" and constrained:
            return {**_required_query(op_id), p["name"]: "ixc-not-valid"}
    return None


def _has_query(op_id: str) -> bool:
    raw = SPEC.operations[op_id].raw
    return any(SPEC.resolve(p).get("in") == "query" for p in raw.get("parameters", []))


# Where a malformed query parameter or body must be 400: operations that document no 422 (the
# others answer a bad body with their own 422) and take a query parameter or a body.
MUST_400 = [
    o
    for o in OPS
    if 422 not in SPEC.operations[o].status_codes
    and (_has_query(o) or "requestBody" in SPEC.operations[o].raw)
]


@pytest.mark.parametrize("operation_id", OPS)
def test_query_string_with_a_nul_byte_gets_a_documented_answer(
    api: ContractClient, world: World, operation_id: str
) -> None:
    """Every request has a query string (`api_key` is in it), so any operation may meet a broken
    one: its answer (400, or any other) must be one the operation documents (`api.call`
    checks that, and the body's shape)."""
    op = SPEC.operations[operation_id]
    if api.target.live and op.method != "GET":
        pytest.skip("a server that ignores the broken query would act on a live account")
    query = {**_required_query(operation_id), "ixc_probe": "a\x00b"}
    api.call(operation_id, world.params_for(op), query=query, json=example_request(SPEC, op))


@pytest.mark.parametrize("operation_id", MUST_400)
def test_malformed_request_gives_400(api: ContractClient, world: World, operation_id: str) -> None:
    op = SPEC.operations[operation_id]
    params = world.params_for(op)
    query = _bad_query(operation_id)
    if query is not None:
        response = api.call(operation_id, params, query=query, json=example_request(SPEC, op))
        what = f"query {query}"
    else:
        response = api.call(operation_id, params, raw_body=b'{"not": json')
        what = "a body that is not JSON"
    assert response.status_code == 400, (
        f"[{operation_id}] {what} expected 400, got {api.describe(response)}"
    )


@pytest.mark.parametrize("operation_id", [o for o in OPS if 413 in SPEC.operations[o].status_codes])
def test_oversized_body_gives_413(api: ContractClient, operation_id: str, quick: bool) -> None:
    if api.target.live:
        pytest.skip("never send megabyte bodies to a real account")
    body = b'{"padding": "' + b"x" * 1_100_000 + b'"}'
    response = api.call(
        operation_id,
        _unknown_params(operation_id),
        query=_required_query(operation_id),
        raw_body=body,
    )
    assert response.status_code == 413, (
        f"[{operation_id}] a 1.1 MB body expected 413, got {api.describe(response)}"
    )


@pytest.mark.parametrize("operation_id", [o for o in OPS if 415 in SPEC.operations[o].status_codes])
def test_body_not_json_content_type_gives_415(
    api: ContractClient, world: World, operation_id: str
) -> None:
    op = SPEC.operations[operation_id]
    raw = json.dumps(example_request(SPEC, op)).encode()
    response = api.call(operation_id, world.params_for(op), raw_body=raw, content_type="text/plain")
    assert response.status_code == 415, (
        f"[{operation_id}] a text/plain body expected 415, got {api.describe(response)}"
    )
