"""What every handler shares: the request a handler reads, its reply, the registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from invoicexpress_core.machines import StateMachine

from .._catalog import DocType
from .._errors import ApiError, not_found
from .._money import parse_int
from ..areas._base import Ctx, is_object, paginate, public
from ..areas.documents import filter_documents


@dataclass
class Req:
    """The parts of a request a handler reads."""

    operation_id: str
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    document_type: DocType | None = None
    machine: StateMachine | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def int_param(self, *names: str) -> int:
        """The path id named first in `names` (else the first path parameter): an id other
        than ASCII digits within 64 bits names no record, so it is the documented 404."""
        raw = next((self.params[n] for n in names if n in self.params), None)
        if raw is None:
            raw = next(iter(self.params.values()), "")
        value = parse_int(raw)
        if value is None:
            raise not_found()
        return value

    def q(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def state_machine(self) -> StateMachine:
        """The operation's `x-state-machine` (a 500 when the spec gives it none)."""
        if self.machine is None:
            raise ApiError(500, f"the spec gives {self.operation_id} no x-state-machine")
        return self.machine

    @property
    def json(self) -> Mapping[str, Any]:
        return self.body if is_object(self.body) else {}


@dataclass(frozen=True)
class RawJson:
    """A body already serialised (a stored record's public JSON): sent without re-encoding."""

    data: bytes


Reply = tuple[int, Any]


Handler = Callable[[Ctx, Req], Reply]


@dataclass(frozen=True)
class HandlerSpec:
    fn: Handler
    writes: bool  # needs a write transaction (also for GETs that advance async jobs)
    doc_type: DocType | None = None


HANDLERS: dict[str, HandlerSpec] = {}


def register(op_id: str, fn: Handler, *, writes: bool, dt: DocType | None = None) -> None:
    HANDLERS[op_id] = HandlerSpec(fn, writes, dt)


def handles(op_id: str, *, writes: bool) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of `op_id`."""

    def decorate(fn: Handler) -> Handler:
        register(op_id, fn, writes=writes)
        return fn

    return decorate


def pascal(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


def doc_reply(dt: DocType, doc: Mapping[str, Any]) -> Any:
    return {dt.key: public(doc)}


def saved_reply(ctx: Ctx, dt: DocType, doc: Mapping[str, Any]) -> Any:
    """`doc_reply` of a document just saved: the public JSON the store rendered for it (what a
    GET of it sends), not rendered again."""
    stored = ctx.tx.rendered("document", int(doc["id"]))
    if stored is None:
        return doc_reply(dt, doc)
    return RawJson(b'{"' + dt.key.encode() + b'":' + stored.encode() + b"}")


def list_reply(ctx: Ctx, req: Req, key: str, rows: list[Any]) -> Any:
    rows = filter_documents(ctx, rows, req.query)
    rows.sort(key=lambda r: int(r["id"]), reverse=True)
    page, pagination = paginate(rows, req.query)
    return {key: [public(r) for r in page], "pagination": pagination}
