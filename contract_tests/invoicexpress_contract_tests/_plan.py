"""The plan of a budgeted run, computed from the spec before any request.

A budgeted run (`--live`, `--max-requests`) cannot run everything, so it runs what tells most
per request. Each test is a `Step`: the requests it sends, the shared setups it needs (a draft
of a type, a final invoice, a client: paid once, by the first step that needs them), what it can
reveal (an operation, a transition, a status of an operation, an oracle) and the legal
documents it finalises. The plan takes steps greedily by new things revealed per request, a
finalised document weighing as `FINAL_WEIGHT` requests (it stays on the account forever), until
the budget less the clean-up it predicts is spent. The allowed transitions of a state machine
run as walks: one document goes draft -> final -> accepted -> refused -> ... and each test of
the walk starts where the previous one left it (`World.pooled`), so a transition costs its
request and its read-back, not a new document. The conftest orders and selects the run by the
plan, so the printed plan is what runs.
"""

from __future__ import annotations

import functools
import heapq
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from invoicexpress_core.spec import Spec

from ._inputs import array_filters, request_root

# What each test the spec cannot price sends, measured (`costs.json`, written by
# tests/contract/measure_costs.py): requests by operation, documents made and numbered.
COSTS_FILE = Path(__file__).with_name("costs.json")


@functools.cache
def measured_costs(profile: str) -> dict[str, dict[str, Any]]:
    """Test function -> its measured means in `profile` (live, full); empty if unmeasured."""
    try:
        data = json.loads(COSTS_FILE.read_text())
    except (OSError, ValueError):
        return {}
    found: dict[str, dict[str, Any]] = data.get(profile, {})
    return found


QUICK_SCHEMATHESIS = 6  # --quick: max_examples 2 and a smaller coverage phase
DEFAULT_COST = 3.0
FINAL_WEIGHT = 3.0  # a finalised document (numbered for ever) weighs as this many requests
# What a first sight is worth, in requests. An oracle (a behaviour: round trips, arithmetic,
# numbering, filters, pagination, payments, refusals) judges a whole class of answers on every
# operation it touches, so the first test of each comes before more of the same kind. An
# operation never called is a part of the API the run says nothing of: at 12 (was 4) the live
# profile reaches every operation it may call within 600 requests (the receipts' and the
# correcting notes' were left out at 4), and no oracle is lost at 300 or 600 (`--plan` shows it).
WEIGHTS = {
    "operation": 12.0,
    "transition": 5.0,  # 4 let the union oracle's inputs take the live walks below half
    "oracle": 120.0,
    "status": 1.0,
    "variant": 2.0,  # the oracle again on another resource or type: its own fields, code
    "judged": 1.5,  # an operation the oracle has not judged yet (a read, an update...)
    # a delete the oracle has not judged yet: whether it was kept is seen only by an oracle
    # that reads it back (the resource round trips), as no answer of the delete itself shows
    "kept": 3.0,
    # an input the oracle has not judged yet: a list of values in a query array (`status[]`)
    # or in the body's filter object (`filter.status`): each form of sending several values is
    # its own chance to keep one (the union oracle on `listPurchaseOrders` says nothing of
    # `listClientInvoices`, whose filters are in the body)
    "input": 12.0,
    # a field of a document's create the oracle has not judged yet: the round trip and the
    # arithmetic on a type whose body takes a global discount or a retention judge what a
    # devolution's cannot
    "field": 4.0,
    "test": 0.05,
}
# Oracles that judge each array input of the operation they are given (values sent together).
INPUT_ORACLES = frozenset({"test_list_filters_with_several_values_select_the_union"})
# Oracles that judge each field of the create of the document type they are given.
FIELD_ORACLES = frozenset({"test_document_round_trip_and_arithmetic"})
# What the first setup a test needs costs (requests); the live clean-up of what it leaves.
SETUP_COST = {"series": 2, "client": 1, "draft": 1, "final": 2, "receipt": 3, "owner": 2}
SETUP_LEAVES = {"draft": 1, "final": 1, "receipt": 2, "owner": 1}
RECEIPT_OPS = ["createInvoice", "changeInvoiceState", "createPartialPayment"]  # a paid invoice
SETUP_OPS = {
    "series": ("createSequence", "registerSequence"),
    "client": ("createClient",),
    "final": tuple(RECEIPT_OPS[:2]),
    "owner": tuple(RECEIPT_OPS[:2]),
    "receipt": tuple(RECEIPT_OPS),
}  # a draft's setup names its create (`draft:createQuote`)
TERMINAL = frozenset({"deleted", "canceled"})
SETTLE_CLEANUP = 2  # requests: the settled document's related documents read, its receipt cancelled


@dataclass(frozen=True)
class Step:
    """One test as the plan sees it."""

    nodeid: str
    requests: float
    operations: tuple[str, ...] = ()  # the operations its own requests go to
    setups: frozenset[str] = frozenset()
    reveals: frozenset[str] = frozenset()
    finalises: float = 0  # documents it numbers (a mean, where measured)
    leaves: float = 0  # live clean-up requests it causes (one per document left to retire)
    walk: str = ""  # the transition walk it belongs to (kept together, in order)
    at: int = 0  # its place in the walk
    spread: tuple[tuple[str, float], ...] = ()  # measured requests by operation, if known


@dataclass
class Plan:
    steps: list[Step]
    budget: int  # 0: no budget, everything runs
    cleanup: int
    skipped: int  # tests the plan leaves out
    setups: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        paid = sum(SETUP_COST[s.split(":")[0]] for s in self.setups)
        return round(sum(s.requests for s in self.steps) + paid)

    @property
    def finalised(self) -> int:
        return round(
            sum(s.finalises for s in self.steps)
            + sum(1 for s in self.setups if s.startswith(("final", "receipt", "owner")))
        )

    def by_operation(self) -> dict[str, float]:
        """Requests by operation: a step's spread over the operations it lists (one listed
        twice sends twice), each setup's over what makes it (`SETUP_OPS`)."""
        out: dict[str, float] = {}
        for s in self.steps:
            share = s.requests / max(1, len(s.operations))
            pairs = s.spread or [(op, share) for op in s.operations or ("(other)",)]
            for op, n in pairs:
                out[op] = out.get(op, 0.0) + n
        for setup in self.setups:
            kind, _, named = setup.partition(":")
            for op in SETUP_OPS.get(kind, ()) or (named,):
                out[op] = out.get(op, 0.0) + 1
        return out

    def nodeids(self) -> list[str]:
        return [s.nodeid for s in self.steps]

    def as_json(self) -> dict[str, Any]:
        """What a budgeted run writes beside its report (`plan.json`): what it expects to send,
        for comparison with what it sent."""
        return {
            "budget": self.budget,
            "requests": self.requests,
            "cleanup": self.cleanup,
            "finalised": self.finalised,
            "by_operation": {op: round(n, 1) for op, n in sorted(self.by_operation().items())},
            "tests": len(self.steps),
            "reaches": self.reaches(),
        }

    def reaches(self) -> dict[str, int]:
        """How many operations, transitions, oracles and statuses its tests reach."""
        kinds = Counter(r.split(":", 1)[0] for r in {r for s in self.steps for r in s.reveals})
        return {k: kinds[k] for k in ("operation", "transition", "oracle", "status")}


def _value(reveals: Iterable[str], seen: set[str]) -> float:
    """Summed in sorted order: set order follows the per-process string hash, and float sums
    in another order could pick another plan in each pytest-xdist worker."""
    return sum(WEIGHTS[r.split(":", 1)[0]] for r in sorted(reveals) if r not in seen)


def make_plan(steps: Sequence[Step], budget: int, *, live: bool, cleanup_each: float = 1.0) -> Plan:
    """Greedy by new reveals per request (lazy: a step's value only falls as others are
    taken); a walk is taken whole. Without a budget every step is taken, in the same order."""
    groups: dict[str, list[Step]] = {}
    for s in steps:
        groups.setdefault(s.walk or s.nodeid, []).append(s)
    for group in groups.values():
        group.sort(key=lambda s: s.at)
    seen: set[str] = set()
    paid: list[str] = []
    chosen: list[Step] = []
    spent = cleanup = 0.0

    def cost(group: list[Step]) -> float:
        need = sorted({x for s in group for x in s.setups} - set(paid))
        own = sum(s.requests for s in group) + sum(SETUP_COST[x.split(":")[0]] for x in need)
        finals = sum(s.finalises for s in group)
        return own + leaves(group, need) + finals * FINAL_WEIGHT

    def leaves(group: list[Step], need: Iterable[str]) -> float:
        if not live:
            return 0.0
        # measured clean-ups already hold those of the setups their tests paid for
        setups = (
            0 if measured_costs("live") else sum(SETUP_LEAVES.get(x.split(":")[0], 0) for x in need)
        )
        return (sum(s.leaves for s in group) + setups) * cleanup_each

    def ratio(key: str) -> float:
        group = groups[key]
        return _value((r for s in group for r in s.reveals), seen) / max(0.5, cost(group))

    heap = [(-ratio(k), i, k) for i, k in enumerate(groups)]
    heapq.heapify(heap)
    skipped = 0
    while heap:
        _neg, i, key = heapq.heappop(heap)
        now = ratio(key)
        if heap and now < -heap[0][0] - 1e-9:  # stale: its value fell since it was pushed
            heapq.heappush(heap, (-now, i, key))
            continue
        group = groups[key]
        need = sorted({x for s in group for x in s.setups} - set(paid))
        own = sum(s.requests for s in group) + sum(SETUP_COST[x.split(":")[0]] for x in need)
        left = leaves(group, need)
        if budget and spent + own + cleanup + left > budget:
            skipped += len(group)
            continue
        spent += own
        cleanup += left
        paid += need
        chosen += group
        seen.update(r for s in group for r in s.reveals)
    return Plan(chosen, budget, round(cleanup), skipped, paid)


def transition_walks(machine: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """Walks from the initial state that together take every transition once: each walk
    follows untaken transitions as long as it can (preferring one that leads on), reaching
    its first untaken transition by the shortest path of taken ones. Walks end where the
    document can go no further, so most leave nothing for the clean-up."""
    todo = list(machine["transitions"])
    walks: list[list[dict[str, Any]]] = []
    while todo:
        first = todo[0]
        path = _path(machine, machine["initial"], first["from"]) or []
        walk = [*path, first]
        todo.remove(first)
        state = first["to"]
        while True:
            nexts = [t for t in todo if t["from"] == state]
            if not nexts:
                break
            onward = [t for t in nexts if any(u["from"] == t["to"] for u in todo if u is not t)]
            t = (onward or nexts)[0]
            walk.append(t)
            todo.remove(t)
            state = t["to"]
        walks.append(walk)
    return walks


def _path(machine: dict[str, Any], start: str, goal: str) -> list[dict[str, Any]] | None:
    paths: dict[str, list[dict[str, Any]]] = {start: []}
    queue = [start]
    while queue:
        state = queue.pop(0)
        if state == goal:
            return paths[state]
        for t in machine["transitions"]:
            if t["from"] == state and t["to"] not in paths:
                paths[t["to"]] = [*paths[state], t]
                queue.append(t["to"])
    return None


def render(plan: Plan, *, total_tests: int, live: bool, top: int = 12) -> list[str]:
    """The plan as `ixc contract --plan` prints it."""
    budget = f"within a budget of {plan.budget}" if plan.budget else "no budget: every test"
    lines = [
        f"plan: {len(plan.steps)} of {total_tests} tests, about {plan.requests} requests "
        f"({budget})",
    ]
    if live:
        lines.append(f"  clean-up: about {plan.cleanup} requests (delete drafts, cancel finals)")
        lines.append(f"  expected total: about {plan.requests + plan.cleanup} requests")
    lines.append(
        f"  documents finalised (legal numbers that stay): {plan.finalised}"
        + (" (the walks or the clean-up cancel them)" if plan.finalised and live else "")
    )
    ops = sorted(((n, op) for op, n in plan.by_operation().items() if n >= 0.5), reverse=True)
    lines.append(f"  requests by operation ({len(ops)} operations, the {min(top, len(ops))} most):")
    for n, op in ops[:top]:
        lines.append(f"    {op:<40} {n:>6.0f}")
    lines.append(
        "  reaches: "
        + ", ".join(f"{n} {k}{'es' if k == 'status' else 's'}" for k, n in plan.reaches().items())
    )
    return lines


# Tests that skip before sending anything, by profile (the tests say why); the plan leaves them
# out rather than count requests they will not send.
LIVE_SETTINGS = frozenset(
    {"createAccount", "createAccountForExistingUser", "updateAccount", "configureAtCommunication",
     "registerSequence", "setCurrentSequence", "createSequence"}
)  # fmt: skip
_LIVE_WRITE = ("create", "update", "change", "email", "delete", "register", "setCurrent",
               "configure", "cancel")  # fmt: skip
_LIVE_NEVER = frozenset(
    {"test_every_operation_gives_429_past_the_rate_limit", "test_oversized_body_gives_413"}
)
STATUS_OF = {
    "test_missing_and_wrong_key_give_401": 401,
    "test_unknown_ids_give_404": 404,
    "test_documented_422_message": 422,
    "test_malformed_request_gives_400": 400,
    "test_query_string_with_a_nul_byte_gets_a_documented_answer": 400,
    "test_oversized_body_gives_413": 413,
    "test_body_not_json_content_type_gives_415": 415,
    "test_duplicate_proprietary_uid_gives_409": 409,
    "test_pdf_of_a_deleted_document_gives_406": 406,
    "test_qr_code_of_a_draft_gives_422": 422,
    "test_every_operation_gives_429_past_the_rate_limit": 429,
}
CORRECTING = frozenset({"credit_notes", "debit_notes"})  # `owner_invoice_id` (World)
_FRESH_DOCUMENT = ("change", "cancelReceipt", "createPartialPayment")


@dataclass(frozen=True)
class Profile:
    live: bool = False
    quick: bool = False
    send_email: bool = False
    live_429: bool = False
    budgeted: bool = False  # --max-requests or --live: some tests take their short form
    account_id: bool = False  # --account-id: a live run may call the account's own operations


def _skips(fn: str, op_id: str, profile: Profile, known_bugs: Iterable[str], path: str) -> bool:
    if op_id.startswith("email") and not profile.send_email:
        return True
    if not profile.live:
        return False
    if "{account-id}" in path and not profile.account_id:
        return True  # `World.account` skips: the account behind a live key is not known
    if op_id in known_bugs or (fn in _LIVE_NEVER and not profile.live_429):
        return True
    if op_id in LIVE_SETTINGS and fn in ("test_operation_answers_its_documented_success",
                                         "test_documented_422_message"):  # fmt: skip
        return True
    if fn == "test_schemathesis" and op_id.startswith(_LIVE_WRITE):
        return True
    return fn == "test_query_string_with_a_nul_byte_gets_a_documented_answer" and not (
        op_id.startswith(("get", "list", "find", "generate"))
    )


def _operation_setups(spec: Spec, op_id: str) -> tuple[float, frozenset[str], int]:
    """Extra requests, shared setups and finalised documents of calling `op_id` on existing
    resources (as `World.params_for` makes them)."""
    op = spec.operations[op_id]
    extra, setups, finals = 0.0, set(), 0
    dt = op.document_type or "invoices"
    if "{document-id}" in op.path:
        setups.add("series")
        if op_id in ("getReceipt",):
            setups.add("receipt")
        elif op_id in ("getQrCode", "listRelatedDocuments"):
            setups.add("final")
        elif op_id == "cancelReceipt":
            extra, finals = extra + 3, finals + 1
        elif op_id == "createPartialPayment":
            extra, finals = extra + 2, finals + 1
        elif op_id.startswith(_FRESH_DOCUMENT):
            finals += 1  # the example event finalises the new draft
            extra += 1 + (SETUP_COST["owner"] if dt in CORRECTING else 0)
        elif op.method != "GET":  # writes get a fresh draft (`World.document_for`)
            extra += 1 + (SETUP_COST["owner"] if dt in CORRECTING else 0)
        else:
            setups.add(f"draft:{_op_of(spec, dt, 'create')}")
    if "{client-id}" in op.path:
        setups.add("client")
    for param, cost in (("{item-id}", 1), ("{tax-id}", 1), ("{sequence-id}", 1),
                        ("{regularization-id}", 2), ("{movement-id}", 1)):  # fmt: skip
        if param in op.path:
            extra += cost
    if op.method == "POST" and op.family and op_id.startswith("create"):
        setups.add("series")
    return extra, frozenset(setups), finals


def steps_for(
    tests: Sequence[tuple[str, str, dict[str, Any]]],
    spec: Spec,
    profile: Profile,
    known_bugs: Iterable[str] = (),
) -> list[Step]:
    """A Step per test, from (node id, test function, its parameters); tests that skip in this
    profile before sending anything are left out."""
    bugs = frozenset(known_bugs)
    machines = {str(op.state_machine["document_type"]): op for op in spec if op.state_machine}
    walks = {dt: transition_walks(op.state_machine or {}) for dt, op in machines.items()}
    position: dict[tuple[str, str, str], tuple[int, int]] = {}
    for dt, ws in walks.items():
        for w, walk in enumerate(ws):
            for t in walk:
                position.setdefault((dt, t["from"], t["event"]), (w, 0))
            for n, t in enumerate(walk):
                if position[(dt, t["from"], t["event"])][0] == w:
                    position[(dt, t["from"], t["event"])] = (w, n)
    out: list[Step] = []
    for nodeid, fn, params in tests:
        op_id = str(params.get("operation_id", ""))
        dt = str(params.get("document_type", ""))
        op = spec.operations.get(op_id)
        op_path = op.path if op else ""
        if _skips(fn, op_id, profile, bugs, op_path) or _measured_skip(nodeid, profile):
            continue
        series = frozenset() if profile.live else frozenset({"series"})  # live: the account's
        test = f"test:{nodeid}"
        if fn == "test_allowed_transition_gives_documented_status":
            t = params["transition"]
            machine = machines[dt].state_machine or {}
            if profile.live and not any(_path(machine, t["to"], e) is not None
                                        for e in TERMINAL):  # fmt: skip
                continue
            w, n = position[(dt, t["from"], t["event"])]
            walk = walks[dt][w]
            change = machines[dt].operation_id
            ops = [change, _op_of(spec, dt, "get")]  # the event and its read-back
            setups: frozenset[str] = series
            finals = int(t["event"] == "finalized")
            before = walk[n - 1] if n else None  # the walk's previous test left its document
            if before is None or position[(dt, before["from"], before["event"])] != (w, n - 1):
                ops += RECEIPT_OPS if dt == "receipts" else [_op_of(spec, dt, "create")]
                path = _path(machine, machine["initial"], t["from"]) or []
                ops += [change] * len(path)
                finals += sum(1 for p in path if p["event"] == "finalized") + 2 * (dt == "receipts")
                if dt in CORRECTING:
                    setups = setups | {"owner"}
            last = n == len(walk) - 1
            leaves = int(last and t["to"] not in TERMINAL)
            if t["to"] == "settled" and t["from"] != machine["initial"]:
                # settling a final document issues a numbered receipt, which the clean-up
                # finds among its related documents and cancels (`_cleanup`)
                finals += 1
                leaves += SETTLE_CLEANUP
            out.append(Step(
                nodeid, len(ops), tuple(ops), setups,
                frozenset({f"transition:{dt}:{t['from']}:{t['event']}", test,
                           f"operation:{machines[dt].operation_id}"}),
                finals, leaves, walk=f"walk:{dt}:{w}", at=n,
            ))  # fmt: skip
            continue
        if fn == "test_operation_answers_its_documented_success":
            extra, setups, finals = _operation_setups(spec, op_id)
            setups = setups - {"series"} | series
            dtype = spec.operations[op_id].document_type
            # a document it makes (a create, or the fresh draft a write acts on) is retired
            writes = (
                spec.operations[op_id].method != "GET"
                and "{document-id}" in spec.operations[op_id].path
            )
            leaves = int((op_id.startswith("create") and bool(dtype)) or writes)
            made = (_op_of(spec, dtype, "create"),) if extra and dtype else ()
            out.append(Step(
                nodeid, 1 + extra, (op_id, *made), setups,
                frozenset({f"operation:{op_id}", f"status:{op_id}:2xx", test}),
                finals, min(1, leaves + finals),
            ))  # fmt: skip
            continue
        if fn == "test_forbidden_events_give_documented_422":
            requests, finals = _forbidden_cost(spec, machines[dt].state_machine or {}, dt,
                                               profile.quick or profile.budgeted)  # fmt: skip
            spread = _spread(nodeid, profile, requests)
            out.append(Step(
                nodeid, requests, (machines[dt].operation_id,), series,
                frozenset({f"oracle:{fn}", f"variant:{fn}:{dt}", *_judged(fn, spread),
                           f"status:{machines[dt].operation_id}:422", test}),
                finals, finals, spread=spread,
            ))  # fmt: skip
            continue
        costs = measured_costs("live" if profile.live else "full")
        known = costs.get(nodeid.split("::")[-1]) or costs.get(fn, {})  # the variant's, if any
        cost = float(known.get("requests", DEFAULT_COST))
        if fn == "test_schemathesis" and profile.quick:
            cost = QUICK_SCHEMATHESIS
        # an operation's probe sends to it; another test, where it was seen sending
        spread = () if op_id else tuple(sorted(known.get("ops", {}).items()))
        creates, numbers = float(known.get("made", 0)), float(known.get("finalised", 0))
        reveals = {f"oracle:{fn}", test}
        if params and fn not in STATUS_OF:  # a probe's news is its status, below
            reveals.add(f"variant:{fn}:{op_id or dt or nodeid}")
        reveals |= _judged(fn, spread)
        if fn in FIELD_ORACLES and dt:
            create = spec.operations.get(_op_of(spec, dt, "create"))
            fields = request_root(spec, create) if create else {}
            reveals |= {f"field:{fn}:{name}" for name in fields}
        if fn in INPUT_ORACLES and op:
            reveals |= {f"input:{fn}:{where}:{'.'.join(path)}"
                        for where, path, values in array_filters(spec, op)
                        if len(values) > 1}  # fmt: skip
        if op_id and fn in STATUS_OF:
            reveals.add(f"status:{op_id}:{STATUS_OF[fn]}")
        elif op_id and cost:
            reveals.add(f"operation:{op_id}")
        # a credit or debit note corrects a final invoice: the first to need it pays for it
        kind = dt or (op.document_type if op else "")
        owner = frozenset({"owner"}) if kind in CORRECTING else frozenset()
        out.append(Step(
            nodeid, cost, (op_id,) if op_id else (), owner, frozenset(reveals),
            numbers, creates if profile.live else 0, spread=spread,
        ))  # fmt: skip
    return [_measured_cleanup(step) for step in out] if profile.live else out


def _judged(fn: str, spread: Iterable[tuple[str, float]]) -> set[str]:
    """The oracle `fn` judging each operation it was measured sending to: news where it has
    not judged that operation yet."""
    return {f"{'kept' if op.startswith('delete') else 'judged'}:{fn}:{op}" for op, _n in spread}


def _measured_skip(nodeid: str, profile: Profile) -> bool:
    """A test whose every run in this profile skipped (`costs.json`: it ran 0 times), such as
    one whose key operation is a known live bug: it would send nothing and tell nothing."""
    name = nodeid.split("::")[-1]
    return measured_costs("live" if profile.live else "full").get(name, {}).get("ran") == 0


def _spread(nodeid: str, profile: Profile, requests: float) -> tuple[tuple[str, float], ...]:
    """The operations a modelled test was measured sending to, scaled to `requests`."""
    name = nodeid.split("::")[-1]
    ops = measured_costs("live" if profile.live else "full").get(name, {}).get("ops", {})
    seen = sum(ops.values())
    return tuple((op, n * requests / seen) for op, n in sorted(ops.items())) if seen else ()


def _measured_cleanup(step: Step) -> Step:
    """`step` with its test's measured clean-up requests, when measured (`costs.json`): they
    hold what a model misses (a state read again, the items documents' lines made)."""
    name = step.nodeid.split("::")[-1]
    costs = measured_costs("live")
    known = costs.get(name) or costs.get(name.split("[")[0], {})
    return replace(step, leaves=float(known["cleanup"])) if "cleanup" in known else step


def _op_of(spec: Spec, document_type: str, prefix: str) -> str:
    """The operation of `document_type` whose id starts with `prefix` (get, create)."""
    return next(
        (o.operation_id for o in spec if o.document_type == document_type
         and o.operation_id.startswith(prefix)),
        f"{prefix}:{document_type}",
    )  # fmt: skip


def _forbidden_cost(spec: Spec, machine: dict[str, Any], dt: str, quick: bool) -> tuple[float, int]:
    """Requests and finalised documents of trying every forbidden event from every reachable
    state (a document per state, walked there; each refusal read back)."""
    del spec
    events = {t["event"] for t in machine["transitions"]} | set(machine.get("aliases") or {})
    requests, finals = 0.0, 0
    for state in {machine["initial"], *(t["to"] for t in machine["transitions"])}:
        path = _path(machine, machine["initial"], state)
        if path is None:
            continue
        allowed = {t["event"] for t in machine["transitions"] if t["from"] == state}
        forbidden = len(events - allowed)
        if not forbidden:
            continue
        requests += (3 if dt == "receipts" else 1) + len(path)
        requests += 2 * (min(2, forbidden) if quick else forbidden)
        # a receipt is numbered, and so is the invoice it pays
        finals += 2 if dt == "receipts" else int(any(p["event"] == "finalized" for p in path))
    return requests, finals
