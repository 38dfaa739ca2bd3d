"""The Server Object: where an operation is served."""

from __future__ import annotations

import re
from typing import Any

from invoicexpress_drift._model import join_pointer
from invoicexpress_drift.spec_diff._context import _Ctx
from invoicexpress_drift.spec_diff._values import _names
from invoicexpress_drift.spec_diff.operations import _Op


def _servers(doc: dict[str, Any], op: _Op) -> tuple[str, list[dict[str, Any]]]:
    for where, holder in (("operation", op.raw), ("path", op.path_item), ("document", doc)):
        servers = holder.get("servers")
        if isinstance(servers, list) and servers:
            return where, [s for s in servers if isinstance(s, dict)]
    return "document", [{"url": "/"}]


def _server_url(server: dict[str, Any]) -> str:
    return re.sub(r"\{[^}]+\}", "{}", str(server.get("url", "")).rstrip("/"))


def _diff_servers(ctx: _Ctx, o: _Op, n: _Op) -> None:
    where_a, sa = _servers(ctx.old_doc, o)
    where_b, sb = _servers(ctx.new_doc, n)
    cause = "#/servers" if where_a == where_b == "document" else ""
    by_a = {_server_url(s): s for s in sa}
    by_b = {_server_url(s): s for s in sb}
    for url in sorted(by_a.keys() - by_b.keys()):
        msg = f"server `{by_a[url].get('url')}` removed"
        ctx.emit(
            "server-removed", join_pointer("/servers", url), msg, cause=cause, cause_message=msg
        )
    for url in sorted(by_b.keys() - by_a.keys()):
        msg = f"server `{by_b[url].get('url')}` added"
        ctx.emit("server-added", join_pointer("/servers", url), msg, cause=cause, cause_message=msg)
    for url in sorted(by_a.keys() & by_b.keys()):
        va = by_a[url].get("variables") or {}
        vb = by_b[url].get("variables") or {}
        for name in sorted(set(va) & set(vb)):
            ea, eb = va[name].get("enum"), vb[name].get("enum")
            lost = [v for v in ea or [] if v not in (eb or [])] if eb else []
            if lost or (eb and not ea):
                accepted = _names(lost) if lost else "any value"
                msg = f"server `{url}` variable `{name}` no longer accepts {accepted}"
                ctx.emit(
                    "server-variable-narrowed",
                    join_pointer("/servers", url, "variables", name),
                    msg,
                    cause=cause,
                    cause_message=msg,
                )
