"""Text limits on requests: every free-text string a request can carry gets a `maxLength`, so
servers, clients and drift all see the same limits.

The vendor documents none; every document ends up in the SAF-T (PT) file, whose XSD
(Portaria 302/2016, SAF-T PT 1.04_01) caps these fields, so a longer value cannot be
exported: CustomerID 30, CompanyName 100, AddressDetail 100, City 50, PostalCode 20,
Telephone/Fax 20, Email 254, Website 60, ProductCode 60, ProductDescription 200,
CustomerTaxID 30. Any other text field gets a stated limit: 255 characters, or 5,000 for free
text (observations, e-mail bodies, messages).
"""

from __future__ import annotations

from typing import Any

from invoicexpress_specbuild.nodes import Node

TEXT_LIMIT_EVIDENCE = "SAF-T PT 1.04_01 XSD field lengths; otherwise a stated sandbox limit"
TEXT_LIMITS = {
    "code": 30,
    "name": 100,
    "address": 100,
    "city": 50,
    "postal_code": 20,
    "phone": 20,
    "fax": 20,
    "email": 254,
    "website": 60,
    "fiscal_id": 30,
    "description": 200,
    "observations": 5000,
    "body": 5000,
    "message": 5000,
    "subject": 255,
    "cc": 1000,
    "bcc": 1000,
}
TEXT_LIMITS_BY_SCHEMA = {("DocumentItemInput", "name"): 60, ("ItemRequest", "name"): 60}
TEXT_LIMIT_DEFAULT = 255
_BOUNDED = {"maxLength", "enum", "pattern", "const", "$ref"}


def apply(paths: dict[str, Node], comps: dict[str, Any]) -> None:
    """Bound the strings of every schema reached from a request body, wherever it is used.
    Enums, patterns and dates are bounded already."""
    schemas = comps["schemas"]
    seen: set[str] = set()
    todo: list[str] = []

    def refs_in(node: Any) -> None:
        if isinstance(node, dict):
            target = node.get("$ref")
            if isinstance(target, str) and target.startswith("#/components/schemas/"):
                name = target.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    todo.append(name)
            for value in node.values():
                refs_in(value)
        elif isinstance(node, list):
            for value in node:
                refs_in(value)

    for item in paths.values():
        for op in item.values():
            refs_in(op.get("requestBody"))
    while todo:
        name = todo.pop()
        refs_in(schemas[name])
        _limit_strings(name, schemas[name])


def _limit_strings(component: str, node: Any) -> None:
    if not isinstance(node, dict):
        return
    for prop, sub in (node.get("properties") or {}).items():
        kinds = sub.get("type") if isinstance(sub, dict) else None
        kinds = [kinds] if isinstance(kinds, str) else kinds or []
        if (
            "string" in kinds
            and "number" not in kinds
            and not _BOUNDED & sub.keys()
            and sub.get("format") in (None, "email")
        ):
            sub["maxLength"] = TEXT_LIMITS_BY_SCHEMA.get(
                (component, prop), TEXT_LIMITS.get(prop, TEXT_LIMIT_DEFAULT)
            )
        _limit_strings(component, sub)
    for key in ("items", "additionalProperties"):
        _limit_strings(component, node.get(key))
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key) or []:
            _limit_strings(component, sub)
