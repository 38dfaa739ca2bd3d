"""The one place where faults (the mutation catalogue of `_faults`) meet the request path.

The honest path turns a `Call` into an outcome (a `Reply` or a refusal). A `FaultPlan` stands
around it: it rewrites the call as a faulty server would read it (the key it accepts, the
query and body its handler sees, the state machine it obeys, whether the write is kept),
lets the honest path answer that call, and rewrites the outcome as a faulty server would send
it (status, body, content type, error wording, headers). Nothing else in the sandbox knows a
fault's name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import _mutations as m
from ._call import Call, Outcome, Reply
from ._errors import ApiError
from ._shared import JSON_TYPE
from .handlers import RawJson


@dataclass(frozen=True)
class FaultPlan:
    faults: frozenset[str]

    def apply(
        self, call: Call, serve: Callable[[Call], Outcome], keys: Mapping[str, Any]
    ) -> Outcome:
        """`serve`'s answer to the call as read by the faulty server, as it would send it."""
        return self._answer(call, serve(self._read(call, keys)))

    def _read(self, call: Call, keys: Mapping[str, Any]) -> Call:
        faults = self.faults
        key = call.api_key
        if (not key and "skip_auth" in faults) or (
            key and key not in keys and "wrong_key_accepted" in faults
        ):
            call.api_key = next(iter(keys))  # served as the demo account
        req = call.req
        req.query, req.body = m.before(req.operation_id, req.query, req.body, faults)
        op_id = req.operation_id
        if "allow_forbidden_transition" in faults and req.machine is not None:
            req.machine = m.any_state(req.machine)  # every state move (cancelReceipt too)
        if m.forgets(op_id, faults):
            call.commit = False
        return call

    def _answer(self, call: Call, outcome: Outcome) -> Outcome:
        faults = self.faults
        if isinstance(outcome, ApiError):
            outcome.status, outcome.message = m.on_error(outcome.status, outcome.message, faults)
            outcome.headers = m.headers(outcome.status, faults, outcome.headers)
            return outcome
        op = call.bound.op
        payload = outcome.payload
        if isinstance(payload, RawJson):
            payload = json.loads(payload.data)
        payload, status = m.mutate(payload, faults, outcome.status, op.method, op.operation_id)
        return Reply(status, payload, m.media_type(faults, JSON_TYPE))
