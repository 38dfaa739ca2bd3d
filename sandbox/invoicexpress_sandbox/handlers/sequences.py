"""Handlers of the sequence operations."""

from __future__ import annotations

from collections.abc import Mapping

from .._errors import invalid
from ..areas._base import Ctx
from ..areas.sequences import (
    get_sequence,
    new_sequence,
    register_sequence,
    render_sequence,
    sequences,
    set_current_sequence,
)
from ._base import Reply, Req, handles


def _sequence_key(req: Req) -> str:
    return str(req.extra.get("sequence_key", "sequence"))


@handles("listSequences", writes=False)
def _list_sequences(ctx: Ctx, req: Req) -> Reply:
    return 200, {"sequences": [render_sequence(s) for s in sequences(ctx)]}


@handles("createSequence", writes=True)
def _create_sequence(ctx: Ctx, req: Req) -> Reply:
    root = req.json.get("sequence") or req.json.get("sequences")
    if not isinstance(root, Mapping):
        raise invalid("sequence_name_invalid", field="serie", code="001")
    seq = new_sequence(ctx, root)
    return 201, {_sequence_key(req): render_sequence(seq)}


@handles("getSequence", writes=False)
def _get_sequence(ctx: Ctx, req: Req) -> Reply:
    seq = get_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, {_sequence_key(req): render_sequence(seq)}


@handles("registerSequence", writes=True)
def _register_sequence(ctx: Ctx, req: Req) -> Reply:
    register_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, {"sequences": [render_sequence(s) for s in sequences(ctx)]}


@handles("setCurrentSequence", writes=True)
def _set_current(ctx: Ctx, req: Req) -> Reply:
    set_current_sequence(ctx, req.int_param("sequence_id", "id"))
    return 200, None
