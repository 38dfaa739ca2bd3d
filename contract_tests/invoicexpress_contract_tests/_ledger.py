"""What a run exercised: operations, (operation, status) pairs and state transitions.

Each pytest process (one per xdist worker) keeps one `Ledger`, writes it to the run directory at
the end, and the controller merges them into the summary. Coverage is measured against the
spec, so the summary can say exactly what was not exercised.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from invoicexpress_core.spec import Spec


@dataclass
class Ledger:
    """Counters of one process; merged by `merge`."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    transitions: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    forbidden: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    messages: Counter[tuple[str, str]] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)  # reported, not failures
    requests: int = 0
    throttled: int = 0  # 429s waited out and retried

    def to_json(self) -> dict[str, Any]:
        return {
            "statuses": [[op, st, n] for (op, st), n in self.statuses.items()],
            "transitions": [[*k, n] for k, n in self.transitions.items()],
            "forbidden": [[*k, n] for k, n in self.forbidden.items()],
            "messages": [[*k, n] for k, n in self.messages.items()],
            "findings": dict(self.findings),
            "requests": self.requests,
            "throttled": self.throttled,
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json()), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Ledger:
        data = json.loads(path.read_text(encoding="utf-8"))
        led = cls(requests=int(data.get("requests", 0)), throttled=int(data.get("throttled", 0)))
        led.findings.update(data.get("findings", {}))
        for op, st, n in data["statuses"]:
            led.statuses[(op, int(st))] += n
        for dt, frm, ev, to, n in data["transitions"]:
            led.transitions[(dt, frm, ev, to)] += n
        for dt, frm, ev, n in data["forbidden"]:
            led.forbidden[(dt, frm, ev)] += n
        for op, msg, n in data["messages"]:
            led.messages[(op, msg)] += n
        return led

    def merge(self, other: Ledger) -> None:
        self.statuses.update(other.statuses)
        self.transitions.update(other.transitions)
        self.forbidden.update(other.forbidden)
        self.messages.update(other.messages)
        self.findings.update(other.findings)
        self.requests += other.requests
        self.throttled += other.throttled


def documented_statuses(spec: Spec) -> dict[str, list[int]]:
    """Per operation, the documented statuses a faithful server can give (not x-server-fault)."""
    out: dict[str, list[int]] = {}
    for op in spec:
        codes = []
        for code in op.status_codes:
            resp = spec.resolve(op.responses[str(code)])
            if isinstance(resp, dict) and resp.get("x-server-fault"):
                continue
            codes.append(code)
        out[op.operation_id] = codes
    return out


def documented_transitions(spec: Spec) -> dict[str, list[tuple[str, str, str]]]:
    """Per document type, the (from, event, to) transitions of its x-state-machine."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for op in spec:
        sm = op.state_machine
        if sm:
            out[str(sm["document_type"])] = [
                (str(t["from"]), str(t["event"]), str(t["to"])) for t in sm["transitions"]
            ]
    return out


def documented_messages(spec: Spec) -> dict[str, list[str]]:
    """Per operation, the documented 422 messages (x-error-messages)."""
    out: dict[str, list[str]] = {}
    for op in spec:
        resp = spec.resolve(op.responses.get("422"))
        if isinstance(resp, dict) and resp.get("x-error-messages"):
            out[op.operation_id] = [str(m) for m in resp["x-error-messages"]]
    return out
