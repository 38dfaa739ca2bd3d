"""Suite 3 (continued): errors that depend on the account rather than the request: SAF-T
export refusals, sequence registration with and without AT credentials (and a series waiting
for registration). They need accounts in
states the API cannot set (trial, no company data, AT not configured), so they run on the
sandbox, whose admin route makes such accounts; elsewhere they are skipped, and the summary
lists what stayed unexercised."""

from __future__ import annotations

from typing import Any

import pytest

from invoicexpress_core.spec import load_spec

from ._client import ContractClient, carries, error_messages
from ._world import World, example_request

SPEC = load_spec()


def _saft_messages() -> list[str]:
    resp = SPEC.resolve(SPEC.operations["exportSaft"].responses["422"])
    return [str(m) for m in resp.get("x-error-messages", [])]


def _expect(
    api: ContractClient, op_id: str, response: Any, status: int, message: str | None = None
) -> None:
    assert response.status_code == status, (
        f"[{op_id}] expected {status} {message or ''}, got {api.describe(response)}"
    )
    if message is not None:
        found = error_messages(response.json())
        assert carries(SPEC, message, found, op_id), (  # word for word
            f"[{op_id}] {status} does not carry the documented message {message!r}: {found}"
        )
        api.ledger.messages[(op_id, message)] += 1


@pytest.mark.usefixtures("sandbox_only")
@pytest.mark.parametrize("message", _saft_messages())
def test_export_saft_refusals(api: ContractClient, world: World, message: str) -> None:
    query: dict[str, Any] = {"month": "1", "year": "2001"}
    if message.startswith("That option"):
        key = world.sandbox_account(trial=True)["api_key"]
    elif message.startswith("Warning!"):
        key = world.sandbox_account(trial=False)["api_key"]
    elif message.startswith("There aren't"):
        key = api.target.api_key
    else:  # "You need to send the month": no month at all
        key, query = api.target.api_key, {"year": "2001"}
    response = api.call("exportSaft", query=query, key=key)
    _expect(api, "exportSaft", response, 422, message)


@pytest.mark.usefixtures("sandbox_only")
def test_register_sequence_with_and_without_at(api: ContractClient, world: World) -> None:
    account = world.sandbox_account(at_configured=False)
    key = account["api_key"]
    body = example_request(SPEC, SPEC.operations["createSequence"])
    body["sequence"]["serie"] = "R" + str(account["id"])
    made = api.call("createSequence", json=body, key=key)
    _expect(api, "createSequence", made, 201)
    seq_id = made.json()["sequence"]["id"]
    refused = api.call("registerSequence", {"sequence-id": seq_id}, key=key)
    _expect(api, "registerSequence", refused, 422)
    at = api.call(
        "configureAtCommunication",
        key=key,
        json=example_request(SPEC, SPEC.operations["configureAtCommunication"]),
    )
    _expect(api, "configureAtCommunication", at, 200)
    # Made before the credentials, the series now waits for registration: it cannot become
    # the default, and its name cannot be created again.
    pending = api.call("setCurrentSequence", {"sequence-id": seq_id}, key=key)
    _expect(api, "setCurrentSequence", pending, 422)
    duplicate = api.call("createSequence", json=body, key=key)
    _expect(api, "createSequence", duplicate, 409)
    registered = api.call("registerSequence", {"sequence-id": seq_id}, key=key)
    _expect(api, "registerSequence", registered, 200)
    again = api.call("registerSequence", {"sequence-id": seq_id}, key=key)
    _expect(api, "registerSequence", again, 409)


@pytest.mark.usefixtures("sandbox_only")
def test_update_account_refuses_a_fiscal_id_another_account_uses(
    api: ContractClient, world: World
) -> None:
    """Reachable only on an account with no fiscal id yet (otherwise "can't be changed")."""
    message = "Vat Number is already used in another account"
    taken = world.other_account_fiscal_id()
    account = world.sandbox_account()
    body = example_request(SPEC, SPEC.operations["updateAccount"])
    body["account"]["fiscal_id"] = taken
    response = api.call(
        "updateAccount", {"account-id": account["id"]}, json=body, key=account["api_key"]
    )
    _expect(api, "updateAccount", response, 422, message)
