"""Suite 2: state machines, read from each change-state operation's `x-state-machine`.

Every allowed transition is walked (its source state reached by the shortest allowed path, or
on the document the previous test of its walk left there) and the resulting status asserted;
every other event of the request enum is tried from every reachable state and must give the
documented 422 and message, leaving the document unchanged; finalised documents refuse
updates.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from invoicexpress_core.calendar import shift_date_text
from invoicexpress_core.spec import Operation, load_spec

from ._client import ContractClient, carries, error_messages
from ._inputs import root_key
from ._world import World, example_request

SPEC = load_spec()
MACHINES: dict[str, Operation] = {
    str(op.state_machine["document_type"]): op for op in SPEC if op.state_machine
}
CANCEL_MESSAGE = "ixc-contract: checking the state machine"


def _machine(dt: str) -> dict[str, Any]:
    sm = MACHINES[dt].state_machine
    assert sm is not None
    return sm


def _events(dt: str) -> list[str]:
    """Every value the request's `state` enum allows (events and aliases)."""
    op = MACHINES[dt]
    pointer = SPEC.request_schema_pointer(op)
    assert pointer is not None
    found: list[str] = []

    def walk(node: Any) -> None:
        node = SPEC.resolve(node)
        if isinstance(node, dict):
            if "state" in node.get("properties", {}):
                st = SPEC.resolve(node["properties"]["state"])
                found.extend(str(v) for v in st.get("enum", []))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(SPEC.pointer("#" + pointer))
    sm = _machine(dt)
    found += [t["event"] for t in sm["transitions"]] + list(sm.get("aliases") or {})
    return sorted(set(found))


def _paths(dt: str) -> dict[str, list[dict[str, Any]]]:
    """Shortest allowed event path from the initial state to every reachable state."""
    sm = _machine(dt)
    paths: dict[str, list[dict[str, Any]]] = {sm["initial"]: []}
    queue = deque([sm["initial"]])
    while queue:
        state = queue.popleft()
        for t in sm["transitions"]:
            if t["from"] == state and t["to"] not in paths:
                paths[t["to"]] = [*paths[state], t]
                queue.append(t["to"])
    return paths


def _fresh(world: World, dt: str) -> int:
    if dt == "receipts":
        return int(world.receipt()["id"])
    return int(world.new_document(dt)["id"])


def _apply(
    api: ContractClient,
    world: World,
    dt: str,
    doc_id: int,
    t: dict[str, Any],
    *,
    record: bool = True,
) -> Any:
    op = MACHINES[dt]
    key = root_key(SPEC, op) or "invoice"
    state: dict[str, Any] = {"state": t["event"]}
    if "message" in (t.get("requires") or []):
        state["message"] = CANCEL_MESSAGE
    response = api.call(op.operation_id, {"document-id": doc_id}, json={key: state})
    assert response.status_code == 200, (
        f"[{op.operation_id}] {t['from']} --{t['event']}--> expected 200, got "
        f"{api.describe(response)}"
    )
    status = next(iter(response.json().values())).get("status")
    assert status == t["to"], (
        f"[{op.operation_id}] {t['from']} --{t['event']}--> should give status "
        f"{t['to']!r}, got {status!r}"
    )
    if record:  # the transition under test (not the walk to its source) is read back
        stored = _status_of(api, world, dt, doc_id)
        assert stored == t["to"], (
            f"[{op.operation_id}] {t['from']} --{t['event']}--> answered {t['to']!r}, but the "
            f"next read says {stored!r}"
        )
        api.ledger.transitions[(dt, t["from"], t["event"], t["to"])] += 1
    return response


def _reach(api: ContractClient, world: World, dt: str, state: str) -> int:
    doc_id = _fresh(world, dt)
    for t in _paths(dt)[state]:
        _apply(api, world, dt, doc_id, t, record=False)
    return doc_id


def _status_of(api: ContractClient, world: World, dt: str, doc_id: int) -> Any:
    get = world.op_for(dt, "get")
    response = api.call(get.operation_id, {"document-id": doc_id}, check=False)
    if response.status_code != 200:
        return f"<{response.status_code}>"
    return next(iter(response.json().values())).get("status")


TRANSITIONS = [
    pytest.param(dt, t, id=f"{dt}-{t['from']}-{t['event']}")
    for dt in sorted(MACHINES)
    for t in _machine(dt)["transitions"]
]


@pytest.mark.parametrize(("document_type", "transition"), TRANSITIONS)
def test_allowed_transition_gives_documented_status(
    api: ContractClient, world: World, document_type: str, transition: dict[str, Any]
) -> None:
    if api.target.live and world.way_out(document_type, transition["to"]) is None:
        pytest.skip(f"live: nothing leads out of {transition['to']!r}; the clean-up could not")
    # a transition walk (`_plan`): the previous test of the walk left a document here
    doc_id = world.pooled.pop((document_type, transition["from"]), None)
    if doc_id is None:
        doc_id = _reach(api, world, document_type, transition["from"])
    _apply(api, world, document_type, doc_id, transition)
    world.pooled[(document_type, transition["to"])] = doc_id


@pytest.mark.parametrize("document_type", sorted(MACHINES))
def test_forbidden_events_give_documented_422(
    api: ContractClient, world: World, document_type: str, quick: bool
) -> None:
    sm = _machine(document_type)
    op = MACHINES[document_type]
    message = sm["errors"]["invalid_transition"]["message"]
    aliases = sm.get("aliases") or {}
    key = root_key(SPEC, op) or "invoice"
    problems: list[str] = []
    for state in _paths(document_type):
        allowed = {t["event"] for t in sm["transitions"] if t["from"] == state}
        allowed |= {a for a, ev in aliases.items() if ev in allowed}
        forbidden = [e for e in _events(document_type) if e not in allowed]
        if not forbidden:
            continue
        doc_id = _reach(api, world, document_type, state)
        # --quick and a budgeted run try two forbidden events a state (`_plan` prices so)
        for event in forbidden[:2] if quick or api.budget else forbidden:
            body = {key: {"state": event, "message": CANCEL_MESSAGE}}
            response = api.call(op.operation_id, {"document-id": doc_id}, json=body)
            api.ledger.forbidden[(document_type, state, event)] += 1
            messages = error_messages(response.json()) if response.content else []
            if response.status_code != 422 or not carries(SPEC, message, messages, op.operation_id):
                problems.append(
                    f"[{op.operation_id}] forbidden event {event!r} from {state!r} was not "
                    f"refused with 422 {message!r}: got {response.status_code} {messages}"
                )
                break  # the document may have moved; the next state gets a fresh one
            api.ledger.messages[(op.operation_id, message)] += 1
            now = _status_of(api, world, document_type, doc_id)
            if now != state:
                problems.append(
                    f"[{op.operation_id}] refused event {event!r} still moved the "
                    f"document from {state!r} to {now!r}"
                )
                break
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("document_type", sorted(MACHINES))
def test_cancel_without_message_gives_documented_422(
    api: ContractClient, world: World, document_type: str
) -> None:
    sm = _machine(document_type)
    op = MACHINES[document_type]
    needing = [t for t in sm["transitions"] if "message" in (t.get("requires") or [])]
    if not needing:
        pytest.skip("no transition of this machine requires a message")
    t = needing[0]
    doc_id = _reach(api, world, document_type, t["from"])
    key = root_key(SPEC, op) or "invoice"
    response = api.call(op.operation_id, {"document-id": doc_id}, json={key: {"state": t["event"]}})
    message = sm["errors"]["message_required"]["message"]
    assert response.status_code == 422, f"[{op.operation_id}] {api.describe(response)}"
    assert carries(SPEC, message, error_messages(response.json()), op.operation_id), (
        f"[{op.operation_id}] cancel without message: expected {message!r}, "
        f"got {response.text[:200]}"
    )
    api.ledger.messages[(op.operation_id, message)] += 1


# The API numbers a series in date order: a draft dated before the series' last final document
# cannot be finalised (the `date_before_series` message of every change-state that finalises).
BEFORE_SERIES = SPEC.messages["date_before_series"]
SERIES_DATED = sorted(dt for dt, op in MACHINES.items() if BEFORE_SERIES in op.error_messages)


@pytest.mark.parametrize("document_type", SERIES_DATED)
def test_draft_dated_before_the_series_last_final_is_refused(
    api: ContractClient, world: World, document_type: str
) -> None:
    sm = _machine(document_type)
    op = MACHINES[document_type]
    final = next(
        t for t in sm["transitions"] if t["from"] == sm["initial"] and t["event"] == "finalized"
    )
    _reach(api, world, document_type, final["to"])  # the series' last final one: today
    body = world.document_body(document_type)
    today = body[next(iter(body))]["date"]
    doc_id = int(world.new_document(document_type, date=shift_date_text(today, -1))["id"])
    key = root_key(SPEC, op) or "invoice"
    response = api.call(
        op.operation_id, {"document-id": doc_id}, json={key: {"state": final["event"]}}
    )
    assert response.status_code == 422, (
        f"[{op.operation_id}] a draft dated the day before the series' last final document "
        f"was finalised: expected 422 {BEFORE_SERIES!r}, got {api.describe(response)}"
    )
    assert carries(SPEC, BEFORE_SERIES, error_messages(response.json()), op.operation_id), (
        f"[{op.operation_id}] expected {BEFORE_SERIES!r}, got {response.text[:200]}"
    )
    api.ledger.messages[(op.operation_id, BEFORE_SERIES)] += 1
    now = _status_of(api, world, document_type, doc_id)
    assert now == sm["initial"], f"[{op.operation_id}] the refused draft is now {now!r}"


@pytest.mark.parametrize("document_type", sorted(dt for dt in MACHINES if dt != "receipts"))
def test_finalised_document_is_immutable(
    api: ContractClient, world: World, document_type: str
) -> None:
    sm = _machine(document_type)
    final = next(
        t for t in sm["transitions"] if t["from"] == sm["initial"] and t["event"] == "finalized"
    )
    doc_id = _reach(api, world, document_type, final["to"])
    get = world.op_for(document_type, "get")
    before = api.call(get.operation_id, {"document-id": doc_id}).json()
    update = world.op_for(document_type, "update")
    body = example_request(SPEC, update)
    root = body[root_key(SPEC, update) or next(iter(body))]
    root["observations"] = "changed after finalisation"
    response = api.call(update.operation_id, {"document-id": doc_id}, json=body)
    assert response.status_code == 422, (
        f"[{update.operation_id}] update of a {final['to']} document expected 422, got "
        f"{api.describe(response)}"
    )
    after = api.call(get.operation_id, {"document-id": doc_id}).json()
    assert after == before, f"[{update.operation_id}] a refused update changed the document"
