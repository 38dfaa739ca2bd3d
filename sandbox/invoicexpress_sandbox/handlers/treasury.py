"""Handlers of the client treasury operations."""

from __future__ import annotations

from .._errors import not_found
from ..areas._base import Ctx, paginate
from ..areas.clients import get_client
from ..areas.treasury import (
    add_movement,
    add_regularization,
    balance,
    delete_movement,
    delete_regularization,
    set_initial_balance,
)
from ._base import Reply, Req, handles


def _client_id(req: Req) -> int:
    return req.int_param("client_id", "id")


@handles("getClientBalance", writes=False)
def _get_balance(ctx: Ctx, req: Req) -> Reply:
    return 200, balance(ctx, _client_id(req))


@handles("updateClientInitialBalance", writes=True)
def _initial_balance(ctx: Ctx, req: Req) -> Reply:
    return 200, {"initial_balance": set_initial_balance(ctx, _client_id(req), req.json)}


@handles("listClientRegularizations", writes=False)
def _list_regularizations(ctx: Ctx, req: Req) -> Reply:
    client = get_client(ctx, _client_id(req))
    rows = list(client.get("_regularizations", []))
    page, pagination = paginate(rows, req.query)
    return 200, {"regularization": page, "pagination": pagination}


@handles("createClientRegularization", writes=True)
def _create_regularization(ctx: Ctx, req: Req) -> Reply:
    record = add_regularization(ctx, _client_id(req), req.json)
    return 201, {"regularization": [record]}


@handles("deleteClientRegularization", writes=True)
def _delete_regularization(ctx: Ctx, req: Req) -> Reply:
    reg_id = _other_id(req, "regularization_id")
    delete_regularization(ctx, _client_id(req), reg_id)
    return 200, None


@handles("createClientTreasuryMovement", writes=True)
def _create_movement(ctx: Ctx, req: Req) -> Reply:
    return 201, {"treasury_movement": add_movement(ctx, _client_id(req), req.json)}


@handles("deleteClientTreasuryMovement", writes=True)
def _delete_movement(ctx: Ctx, req: Req) -> Reply:
    delete_movement(ctx, _client_id(req), _other_id(req, "treasury_movement_id", "movement_id"))
    if "treasury_delete_500" in ctx.quirks:  # applied (committed), then a 500 as live
        return 500, {"errors": {"error": "undefined method 'invoice' for nil"}}
    return 204, None


def _other_id(req: Req, *names: str) -> int:
    """The second id of the path (regularization or movement), parsed as `int_param` does."""
    if not any(name in req.params for name in names):
        ids = [k for k in req.params if k != "client_id"]
        if not ids:
            raise not_found()
        names = (ids[-1],)
    return req.int_param(*names)
