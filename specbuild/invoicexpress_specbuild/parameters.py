"""The parameters operations share (`components.parameters`), and paging."""

from __future__ import annotations

from typing import Any

from invoicexpress_specbuild.nodes import Node, array, obj, param, ref


def _path_id(name: str, what: str) -> Node:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"Id of the {what}.",
        "schema": {"type": "integer", "minimum": 1},
        "example": 1001,
    }


def components() -> dict[str, Node]:
    return {
        "DocumentId": _path_id("document-id", "document (ids are unique across types)"),
        "ClientId": _path_id("client-id", "client"),
        "ItemId": _path_id("item-id", "item"),
        "TaxId": _path_id("tax-id", "tax"),
        "SequenceId": _path_id("sequence-id", "sequence (series)"),
        "AccountId": _path_id("account-id", "account"),
        "RegularizationId": _path_id("regularization-id", "regularization"),
        "MovementId": _path_id("movement-id", "treasury movement"),
        "Page": {
            "name": "page",
            "in": "query",
            "required": False,
            "description": "Page number, from 1.",
            "schema": {"type": "integer", "minimum": 1, "default": 1},
        },
        "PerPage": {
            "name": "per_page",
            "in": "query",
            "required": False,
            "description": "Entries per page (the account's setting by default).",
            "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
        },
    }


def paging() -> list[Node]:
    return [param("Page"), param("PerPage")]


def schemas() -> dict[str, Node]:
    return {
        "Pagination": obj(
            {
                "total_entries": {"type": "integer", "minimum": 0},
                "per_page": {"type": "integer", "minimum": 1},
                "current_page": {"type": "integer", "minimum": 1},
                "total_pages": {"type": "integer", "minimum": 0},
            },
            ["total_entries", "per_page", "current_page", "total_pages"],
            description="Where a page sits in a paginated list.",
        )
    }


PAGINATION: dict[str, Any] = {
    "total_entries": 1,
    "per_page": 10,
    "current_page": 1,
    "total_pages": 1,
}


def page_of(key: str, item_schema: Node) -> Node:
    """A list response: the entries under `key`, and where the page sits."""
    return obj({key: array(item_schema), "pagination": ref("Pagination")}, [key, "pagination"])


def page_example(key: str, entry: Any) -> Node:
    return {key: [entry], "pagination": PAGINATION}
