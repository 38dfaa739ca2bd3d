"""The live clean-up: what this run made is retired, nothing else is touched.

Drafts are deleted, finals cancelled with a message, items and taxes deleted, each from the
state its last answer stated; clients cannot be deleted through the API (ours carry the run
marker in their name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._world import World


def cleanup(world: World) -> None:
    """Items and taxes by their deletes, documents (`_cleanup_documents`), then the items our
    documents' lines made."""
    others = [*world.created_other, *world.api.created_other]
    for delete_op, params in reversed(list({str(o): o for o in others}.values())):
        world.api.call(delete_op, params, check=False)
    _cleanup_documents(world)
    # items made by our documents' lines carry the marker in their name
    page = 1
    while True:
        listed = world.api.call("listItems", query={"per_page": 100, "page": page}).json()
        rows = listed.get("items") or []
        for row in rows:
            if world.target.marker in str(row.get("name", "")):
                world.api.call("deleteItem", {"item-id": row["id"]}, check=False)
        if len(rows) < 100:
            break
        page += 1


def _cleanup_documents(world: World) -> None:
    """Receipts first (cancelling one frees its invoice), newest first. A document's state
    is the one its last answer stated (`ContractClient.states`): only those no answer
    told are read, one request each."""
    made = {
        doc_id: document_type
        for document_type, doc_id in [*world.created_documents, *world.api.created_documents]
    }
    issued = _settle_receipts(world)
    made.update(dict.fromkeys(issued, "receipts"))
    order = sorted(made, key=lambda i: (made[i] != "receipts", -i))
    for doc_id in order:
        known = world.api.states.get(doc_id)
        if known is not None and known[0] == "settled" and "receipts" in made.values():
            known = None  # a cancelled receipt may have moved it back to final
        if doc_id in issued:  # ours, though unmarked: the server wrote its observations
            doc = {"status": issued[doc_id], "observations": world.target.marker}
        elif known is not None:
            doc = {"status": known[0], "observations": world.target.marker * known[1]}
        else:
            get = world.op_for(made[doc_id], "get")
            response = world.api.call(get.operation_id, {"document-id": doc_id}, check=False)
            if response.status_code != 200:
                continue
            doc = next(iter(response.json().values()))
        _retire(world, made[doc_id], doc_id, doc)


def _settle_receipts(world: World) -> dict[int, str]:
    """Receipt id -> status, of the receipts issued by settling our documents through
    change-state: among their related documents (ours, since the documents are)."""
    out: dict[int, str] = {}
    for doc_id in sorted(world.api.settled):
        response = world.api.call("listRelatedDocuments", {"document-id": doc_id}, check=False)
        rows = response.json().get("documents") if response.status_code == 200 else None
        for row in rows or []:
            if isinstance(row, dict) and row.get("type") == "Receipt" and "id" in row:
                out[int(row["id"])] = str(row.get("status"))
    return out


def _retire(world: World, document_type: str, doc_id: int, doc: dict[str, Any]) -> None:
    if world.target.marker not in str(doc.get("observations", "")):
        return  # never touch what this run did not create
    for event in world.way_out(document_type, str(doc.get("status"))) or []:
        message = f"{world.target.marker}: contract test clean-up"
        world.change_state(document_type, doc_id, event, check=False, message=message)
