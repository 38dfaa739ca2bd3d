"""Handlers of the client operations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import invalid, not_found
from ..areas._base import Ctx, doc_type_of, documents, paginate, public
from ..areas.clients import client_by, clients, get_client, save_client
from ._base import Handler, Reply, Req, handles, register


def _client_reply(client: Mapping[str, Any]) -> Any:
    return {"client": public(client)}


@handles("listClients", writes=False)
def _list_clients(ctx: Ctx, req: Req) -> Reply:
    rows = sorted(clients(ctx), key=lambda c: int(c["id"]))
    page, pagination = paginate(rows, req.query)
    return 200, {"clients": [public(c) for c in page], "pagination": pagination}


@handles("createClient", writes=True)
def _create_client(ctx: Ctx, req: Req) -> Reply:
    root = req.json.get("client")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    return 201, _client_reply(save_client(ctx, root))


@handles("getClient", writes=False)
def _get_client(ctx: Ctx, req: Req) -> Reply:
    return 200, _client_reply(get_client(ctx, req.int_param("client_id", "id")))


@handles("updateClient", writes=True)
def _update_client(ctx: Ctx, req: Req) -> Reply:
    current = get_client(ctx, req.int_param("client_id", "id"))
    root = req.json.get("client")
    if not isinstance(root, Mapping):
        raise invalid("blank", what="Name", field="name")
    save_client(ctx, root, current)
    return 200, None


def _find_client(key: str, param: str) -> Handler:
    def find(ctx: Ctx, req: Req) -> Reply:
        value = req.q(param) or ""
        client = client_by(ctx, key, value)
        if client is None:
            raise not_found("Client")
        return 200, _client_reply(client)

    return find


@handles("listClientInvoices", writes=False)
def _client_invoices(ctx: Ctx, req: Req) -> Reply:
    client_id = req.int_param("client_id", "id")
    get_client(ctx, client_id)
    flt = req.json.get("filter") if isinstance(req.json.get("filter"), Mapping) else {}
    assert isinstance(flt, Mapping)
    rows = [
        r
        for r in documents(ctx)
        if int(r["client"]["id"]) == client_id and doc_type_of(r).family == "invoices"
    ]

    def wanted(name: str) -> set[str]:
        raw = flt.get(name) or []
        return {str(v) for v in (raw if isinstance(raw, list) else [raw])}

    statuses = wanted("status")
    if "sent" in statuses:
        statuses.add("final")
    types = wanted("by_type")
    archived = wanted("archived")
    rows = [
        r
        for r in rows
        if (not statuses or r["status"] in statuses)
        and (not types or r["type"] in types)
        and (not archived or ("archived" if r["archived"] else "non_archived") in archived)
    ]
    rows.sort(key=lambda r: int(r["id"]), reverse=True)
    page, pagination = paginate(rows, req.query)
    return 200, {"invoices": [public(r) for r in page], "pagination": pagination}


register("findClientByName", _find_client("name", "client_name"), writes=False)
register("findClientByCode", _find_client("code", "client_code"), writes=False)
