"""A corpus of single mutations of `spec/invoicexpress.yaml`, each with its expected verdict.

`breaking` means an existing client (or, for a request, an existing caller) can fail: the drift
report must hold an ERR. A safe mutation must hold none. An `equivalent` one rewrites the spec
so that every schema admits the same values (EQUIVALENTS): it must hold nothing above INFO.
`base`, when given, first edits both sides (a spelling our spec does not use yet). `rule`
names a rule that must be raised, so each rule has a before/after pair here or in
tests/drift/specs. The peer test
(tests/drift/test_drift_mutations.py) and `python -m benchmarks drift` both run it; it lives in
the package so both import it typed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]


@dataclass(frozen=True)
class Mutation:
    id: str
    breaking: bool
    rule: str
    apply: Callable[[Doc], None]
    equivalent: bool = False
    base: Callable[[Doc], None] | None = None


def op(doc: Doc, operation_id: str) -> Doc:
    for item in doc["paths"].values():
        for value in item.values():
            if isinstance(value, dict) and value.get("operationId") == operation_id:
                return value
    raise KeyError(operation_id)


def schema(doc: Doc, name: str) -> Doc:
    value: Doc = doc["components"]["schemas"][name]
    return value


def param(doc: Doc, operation_id: str, name: str) -> Doc:
    for p in op(doc, operation_id).get("parameters") or []:
        if p.get("name") == name:
            value: Doc = p
            return value
    raise KeyError(name)


def props(doc: Doc, name: str) -> Doc:
    value: Doc = schema(doc, name)["properties"]
    return value


def _move_path(doc: Doc) -> None:
    doc["paths"]["/clients/by-id/{client-id}.json"] = doc["paths"].pop("/clients/{client-id}.json")


def _move_method(doc: Doc) -> None:
    item = doc["paths"]["/invoices/{document-id}/change-state.json"]
    item["post"] = item.pop("put")


def _rename_path_param(doc: Doc) -> None:
    item = doc["paths"].pop("/api/pdf/{document-id}.json")
    item["get"]["parameters"][0] = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
    doc["paths"]["/api/pdf/{id}.json"] = item


def _api_key_to_header(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["apiKeyAuth"]["in"] = "header"


def _add_scheme_required(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["bearer"] = {"type": "http", "scheme": "bearer"}
    doc["security"] = [{"apiKeyAuth": [], "bearer": []}]


def _rename_scheme(doc: Doc) -> None:
    schemes = doc["components"]["securitySchemes"]
    schemes["ApiKey"] = schemes.pop("apiKeyAuth")
    doc["security"] = [{"ApiKey": []}]
    for item in doc["paths"].values():
        for value in item.values():
            if isinstance(value, dict) and "security" in value:
                value["security"] = [
                    {("ApiKey" if k == "apiKeyAuth" else k): v for k, v in alt.items()}
                    for alt in value["security"]
                ]


def _add_scheme_alternative(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["bearer"] = {"type": "http", "scheme": "bearer"}
    doc["security"] = [{"apiKeyAuth": []}, {"bearer": []}]


def _param_to_header(doc: Doc) -> None:
    param(doc, "generatePdf", "second_copy")["in"] = "header"


def _pdf_url(doc: Doc) -> Doc:
    body = op(doc, "generatePdf")["responses"]["200"]["content"]["application/json"]["schema"]
    value: Doc = body["properties"]["output"]["properties"]["pdfUrl"]
    return value


def _new_required_client_field(doc: Doc) -> None:
    props(doc, "DocumentClientInput")["vat_group"] = {"type": "string"}
    schema(doc, "DocumentClientInput")["required"].append("vat_group")


def _replace_api_key_by_bearer(doc: Doc) -> None:
    schemes = doc["components"]["securitySchemes"]
    del schemes["apiKeyAuth"]
    schemes["bearerAuth"] = {"type": "http", "scheme": "bearer"}
    doc["security"] = [{"bearerAuth": []}]
    for item in doc["paths"].values():
        for value in item.values():
            if isinstance(value, dict) and value.get("security"):
                value["security"] = [{"bearerAuth": []}]


def _set(path: list[Any], value: Any) -> Callable[[Doc], None]:
    """A mutation setting one nested key (path from the document root)."""

    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = value

    return apply


def _drop(path: list[Any]) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        if isinstance(node, list):
            node.remove(path[-1])
        else:
            del node[path[-1]]

    return apply


def _do(fn: Callable[[Doc], Any]) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        fn(doc)

    return apply


S = ["components", "schemas"]
P = ["components", "parameters"]
DMY = "^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/[12][0-9]{3}$"
DMY_INPUT_STRICT = DMY
DMY_LOOSE = "^(0?[1-9]|[12][0-9]|3[01])/(0?[1-9]|1[0-2])/[12][0-9]{3}$"


def _transition(family: str, event: str) -> Callable[[Doc], Doc]:
    def find(doc: Doc) -> Doc:
        sm = op(doc, f"change{family}State")["x-state-machine"]
        for t in sm["transitions"]:
            if t["event"] == event:
                value: Doc = t
                return value
        raise KeyError(event)

    return find


MUTATIONS: list[Mutation] = [
    # --- operations and paths
    Mutation("operation-moved-to-new-path", True, "api-operation-moved", _move_path),
    Mutation("operation-moved-to-new-method", True, "api-operation-moved", _move_method),
    Mutation("path-removed", True, "api-path-removed", _drop(["paths", "/taxes.json"])),
    Mutation(
        "operation-removed",
        True,
        "api-operation-removed",
        _drop(["paths", "/invoices.json", "get"]),
    ),
    Mutation(
        "path-added",
        False,
        "api-path-added",
        _do(
            lambda d: d["paths"].__setitem__(
                "/ping.json",
                {"get": {"operationId": "ping", "responses": {"200": {"description": "ok"}}}},
            )
        ),
    ),
    Mutation(
        "operation-id-renamed",
        False,
        "api-operation-id-changed",
        _do(lambda d: op(d, "getTax").__setitem__("operationId", "fetchTax")),
    ),
    Mutation("path-parameter-renamed", False, "", _rename_path_param),
    Mutation(
        "operation-deprecated",
        False,
        "deprecation-changed",
        _do(lambda d: op(d, "listTaxes").__setitem__("deprecated", True)),
    ),
    Mutation(
        "description-changed",
        False,
        "",
        _do(lambda d: op(d, "getInvoice").__setitem__("description", "Reworded.")),
    ),
    # --- security and servers
    Mutation("api-key-query-to-header", True, "security-scheme-changed", _api_key_to_header),
    Mutation(
        "api-key-renamed",
        True,
        "security-scheme-changed",
        _set(["components", "securitySchemes", "apiKeyAuth", "name"], "key"),
    ),
    Mutation("security-scheme-renamed", False, "", _rename_scheme),
    Mutation("second-scheme-required", True, "api-security-added", _add_scheme_required),
    Mutation(
        "second-scheme-as-alternative", False, "api-security-removed", _add_scheme_alternative
    ),
    Mutation(
        "security-dropped-on-operation",
        False,
        "api-security-removed",
        _do(lambda d: op(d, "listTaxes").__setitem__("security", [])),
    ),
    Mutation(
        "server-base-path-changed",
        True,
        "server-removed",
        _do(lambda d: d["servers"][0].__setitem__("url", d["servers"][0]["url"] + "/v3")),
    ),
    Mutation(
        "server-added",
        False,
        "server-added",
        _do(lambda d: d["servers"].append({"url": "https://mock.example.com"})),
    ),
    Mutation(
        "server-description-changed",
        False,
        "",
        _do(lambda d: d["servers"][0].__setitem__("description", "Live.")),
    ),
    # --- parameters
    Mutation(
        "query-maxlength-added",
        True,
        "request-constraint-tightened",
        _do(lambda d: param(d, "listInvoices", "text")["schema"].__setitem__("maxLength", 20)),
    ),
    Mutation(
        "query-minimum-raised",
        True,
        "request-constraint-tightened",
        _set([*P, "PerPage", "schema", "minimum"], 5),
    ),
    Mutation(
        "query-maximum-lowered",
        True,
        "request-constraint-tightened",
        _set([*P, "PerPage", "schema", "maximum"], 50),
    ),
    Mutation(
        "query-maximum-raised",
        False,
        "request-constraint-relaxed",
        _set([*P, "PerPage", "schema", "maximum"], 500),
    ),
    Mutation(
        "query-exclusive-minimum",
        True,
        "request-constraint-tightened",
        _set([*P, "PerPage", "schema", "exclusiveMinimum"], 1),
    ),
    Mutation(
        "query-multiple-of",
        True,
        "request-constraint-tightened",
        _set([*P, "PerPage", "schema", "multipleOf"], 5),
    ),
    Mutation(
        "query-style-changed",
        True,
        "request-parameter-style-changed",
        _do(lambda d: param(d, "listInvoices", "status[]").__setitem__("explode", False)),
    ),
    Mutation(
        "scalar-query-explode-changed",
        False,
        "",
        _do(lambda d: param(d, "listInvoices", "text").update({"explode": False})),
    ),
    Mutation(
        "path-param-style-label",
        True,
        "request-parameter-style-changed",
        _set([*P, "DocumentId", "style"], "label"),
    ),
    Mutation(
        "response-descriptive-format-removed",
        False,
        "",
        _do(lambda d: _pdf_url(d).pop("format")),
    ),
    Mutation(
        "query-style-spelled-out-as-default",
        False,
        "",
        _do(lambda d: param(d, "listInvoices", "text").update({"style": "form", "explode": True})),
    ),
    Mutation("query-param-to-header", True, "request-parameter-in-changed", _param_to_header),
    Mutation(
        "query-param-required",
        True,
        "request-parameter-became-required",
        _do(lambda d: param(d, "listInvoices", "text").__setitem__("required", True)),
    ),
    Mutation(
        "query-param-optional",
        False,
        "request-parameter-became-optional",
        _set([*P, "DocumentId", "required"], False),
    ),
    Mutation(
        "required-query-param-added",
        True,
        "new-required-request-parameter",
        _do(
            lambda d: (
                op(d, "listTaxes")
                .setdefault("parameters", [])
                .append(
                    {
                        "name": "region",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                )
            )
        ),
    ),
    Mutation(
        "optional-query-param-added",
        False,
        "new-optional-request-parameter",
        _do(
            lambda d: (
                op(d, "listTaxes")
                .setdefault("parameters", [])
                .append({"name": "region", "in": "query", "schema": {"type": "string"}})
            )
        ),
    ),
    Mutation(
        "query-enum-value-removed",
        True,
        "request-property-enum-value-removed",
        _do(
            lambda d: param(d, "listInvoices", "status[]")["schema"]["items"]["enum"].remove(
                "deleted"
            )
        ),
    ),
    Mutation(
        "query-enum-value-added",
        False,
        "request-property-enum-value-added",
        _do(
            lambda d: param(d, "listInvoices", "status[]")["schema"]["items"]["enum"].append(
                "archived"
            )
        ),
    ),
    Mutation(
        "query-type-narrowed",
        True,
        "request-parameter-type-changed",
        _do(
            lambda d: param(d, "listInvoices", "total_before_taxes[from]")["schema"].__setitem__(
                "type", "integer"
            )
        ),
    ),
    Mutation(
        "query-type-widened",
        False,
        "request-parameter-type-generalized",
        _do(
            lambda d: param(d, "listInvoices", "non_archived")["schema"].__setitem__(
                "type", ["boolean", "string"]
            )
        ),
    ),
    Mutation(
        "query-default-changed",
        True,
        "request-default-changed",
        _set([*P, "Page", "schema", "default"], 2),
    ),
    Mutation(
        "query-default-removed",
        False,
        "request-default-removed",
        _drop([*P, "PerPage", "schema", "default"]),
    ),
    Mutation(
        "body-default-changed",
        True,
        "request-default-changed",
        _set([*S, "InvoiceStateChange", "properties", "message", "default"], "n/a"),
        base=_set([*S, "InvoiceStateChange", "properties", "message", "default"], ""),
    ),
    Mutation(
        "body-default-added",
        False,
        "request-default-added",
        _set([*S, "InvoiceStateChange", "properties", "message", "default"], ""),
    ),
    Mutation(
        "error-status-removed",
        False,
        "response-non-success-status-removed",
        _drop(["paths", "/invoices/{document-id}.json", "get", "responses", "404"]),
    ),
    Mutation(
        "api-key-replaced-by-bearer",
        True,
        "security-scheme-replaced",
        _do(_replace_api_key_by_bearer),
    ),
    Mutation(
        "query-param-deprecated",
        False,
        "deprecation-changed",
        _do(lambda d: param(d, "listInvoices", "text").__setitem__("deprecated", True)),
    ),
    # --- shared DateDMY (query parameters and responses)
    Mutation(
        "shared-date-pattern-narrowed",
        True,
        "request-constraint-tightened",
        _set([*S, "DateDMY", "pattern"], "^(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/20[0-9]{2}$"),
    ),
    Mutation(
        "shared-date-pattern-widened",
        True,
        "response-constraint-relaxed",
        _set([*S, "DateDMY", "pattern"], DMY_LOOSE),
    ),
    Mutation(
        "request-date-pattern-widened",
        False,
        "request-constraint-relaxed",
        _set([*S, "DateDMYInput", "pattern"], DMY_LOOSE.replace("[12]", "[0-9]")),
    ),
    Mutation(
        "request-date-pattern-narrowed",
        True,
        "request-constraint-tightened",
        _set([*S, "DateDMYInput", "pattern"], DMY_INPUT_STRICT),
    ),
    # --- request bodies
    Mutation(
        "body-field-maxlength",
        True,
        "request-constraint-tightened",
        _set([*S, "DocumentClientInput", "properties", "fiscal_id", "maxLength"], 9),
    ),
    Mutation(
        "body-field-minimum",
        True,
        "request-constraint-tightened",
        _set([*S, "InvoicesFields", "properties", "retention", "minimum"], 1),
    ),
    Mutation(
        "body-field-minlength-lowered",
        False,
        "request-constraint-relaxed",
        _set([*S, "DocumentClientInput", "properties", "name", "minLength"], 0),
    ),
    Mutation(
        "body-pattern-tightened",
        True,
        "request-constraint-tightened",
        _set([*S, "DecimalValue", "pattern"], "^[0-9]+(\\.[0-9]+)?$"),
    ),
    Mutation(
        "body-format-added",
        True,
        "request-constraint-tightened",
        _set([*S, "DocumentClientInput", "properties", "website", "format"], "uri"),
    ),
    Mutation(
        "body-format-removed",
        False,
        "request-constraint-relaxed",
        _drop([*S, "DocumentClientInput", "properties", "email", "format"]),
    ),
    Mutation(
        "body-new-required-field",
        True,
        "new-required-request-property",
        _new_required_client_field,
    ),
    Mutation(
        "body-new-optional-field",
        False,
        "new-optional-request-property",
        _do(lambda d: props(d, "DocumentClientInput").__setitem__("vat_group", {"type": "string"})),
    ),
    Mutation(
        "body-field-required",
        True,
        "request-property-became-required",
        _do(lambda d: schema(d, "DocumentClientInput")["required"].append("email")),
    ),
    Mutation(
        "body-field-optional",
        False,
        "request-property-became-optional",
        _do(lambda d: schema(d, "DocumentClientInput")["required"].remove("code")),
    ),
    Mutation(
        "body-enum-value-removed",
        True,
        "request-property-enum-value-removed",
        _do(lambda d: props(d, "InvoiceStateChange")["state"]["enum"].remove("settled")),
    ),
    Mutation(
        "body-enum-value-added",
        False,
        "request-property-enum-value-added",
        _do(lambda d: props(d, "InvoiceStateChange")["state"]["enum"].append("archived")),
    ),
    Mutation(
        "body-type-narrowed",
        True,
        "request-property-type-changed",
        _set([*S, "DecimalValue", "type"], "string"),
    ),
    Mutation(
        "body-nullable-allowed",
        False,
        "request-property-type-generalized",
        _set([*S, "DocumentClientInput", "properties", "address", "type"], ["string", "null"]),
    ),
    Mutation(
        "body-field-removed-from-closed-object",
        True,
        "request-property-removed-closed",
        _drop([*S, "DocumentClientInput", "properties", "fax"]),
    ),
    Mutation(
        "body-additional-properties-opened",
        False,
        "request-constraint-relaxed",
        _drop([*S, "DocumentClientInput", "additionalProperties"]),
    ),
    Mutation(
        "body-field-read-only",
        False,
        "request-property-removed",
        _set([*S, "DocumentClientInput", "properties", "fax", "readOnly"], True),
    ),
    Mutation(
        "body-media-type-removed",
        True,
        "request-body-media-type-removed",
        _do(
            lambda d: op(d, "createClient")["requestBody"].__setitem__(
                "content",
                {
                    "application/xml": op(d, "createClient")["requestBody"]["content"][
                        "application/json"
                    ]
                },
            )
        ),
    ),
    Mutation(
        "body-media-type-added",
        False,
        "request-body-media-type-added",
        _do(
            lambda d: op(d, "createClient")["requestBody"]["content"].__setitem__(
                "application/x-www-form-urlencoded",
                op(d, "createClient")["requestBody"]["content"]["application/json"],
            )
        ),
    ),
    Mutation(
        "body-became-required",
        True,
        "request-body-became-required",
        _do(lambda d: op(d, "listClientInvoices")["requestBody"].__setitem__("required", True)),
    ),
    Mutation(
        "transition-requires-message",
        True,
        "state-transition-requires-added",
        _do(lambda d: _transition("Invoice", "deleted")(d).__setitem__("requires", ["message"])),
    ),
    Mutation(
        "state-machine-initial-changed",
        True,
        "state-machine-initial-changed",
        _do(
            lambda d: op(d, "changeInvoiceState")["x-state-machine"].__setitem__("initial", "final")
        ),
    ),
    Mutation(
        "generic-root-key-dropped",
        True,
        "request-constraint-tightened",
        _do(
            lambda d: schema(d, "CreditNoteCreateRequest")["x-accepted-root-keys"].remove("invoice")
        ),
    ),
    Mutation(
        "transition-no-longer-requires",
        False,
        "state-transition-requires-removed",
        _do(lambda d: _transition("Invoice", "canceled")(d).pop("requires")),
    ),
    Mutation(
        "transition-removed",
        True,
        "state-transition-removed",
        _do(
            lambda d: op(d, "changeInvoiceState")["x-state-machine"]["transitions"].remove(
                _transition("Invoice", "settled")(d)
            )
        ),
    ),
    Mutation(
        "transition-added",
        False,
        "state-transition-added",
        _do(
            lambda d: op(d, "changeInvoiceState")["x-state-machine"]["transitions"].append(
                {"from": "settled", "event": "canceled", "to": "canceled", "requires": ["message"]}
            )
        ),
    ),
    Mutation(
        "request-field-narrowed-to-one-branch-choice",
        True,
        "request-property-type-changed",
        _set(  # the id branch of `anyOf: [IdLike, Unset]` (an unset id may be sent as "")
            [*S, "InvoicesFields", "properties", "sequence_id", "anyOf", 0],
            {"oneOf": [{"type": "integer"}]},
        ),
    ),
    # --- responses
    Mutation(
        "response-field-removed",
        True,
        "response-property-removed",
        _drop([*S, "Invoice", "properties", "currency"]),
    ),
    Mutation(
        "response-optional-field-removed",
        True,
        "response-property-removed",
        _drop([*S, "Invoice", "properties", "mb_reference"]),
    ),
    Mutation(
        "response-field-renamed",
        True,
        "response-property-renamed",
        _do(lambda d: props(d, "Tax").__setitem__("region_name", props(d, "Tax").pop("region"))),
    ),
    Mutation(
        "response-field-optional",
        True,
        "response-property-became-optional",
        _do(lambda d: schema(d, "Invoice")["required"].remove("total")),
    ),
    Mutation(
        "response-field-required",
        False,
        "response-property-became-required",
        _do(lambda d: schema(d, "Invoice")["required"].append("reference")),
    ),
    Mutation(
        "response-field-added",
        False,
        "response-property-added",
        _set([*S, "Invoice", "properties", "qr_code"], {"type": "string"}),
    ),
    Mutation(
        "response-enum-value-added",
        True,
        "response-property-enum-value-added",
        _do(lambda d: props(d, "Invoice")["status"]["enum"].append("archived")),
    ),
    Mutation(
        "response-enum-value-removed",
        False,
        "response-property-enum-value-removed",
        _do(lambda d: props(d, "Invoice")["status"]["enum"].remove("deleted")),
    ),
    Mutation(
        "response-nullable-added",
        True,
        "response-property-type-changed",
        _set([*S, "Invoice", "properties", "currency", "type"], ["string", "null"]),
    ),
    Mutation(
        "response-nullable-removed",
        False,
        "response-property-type-narrowed",
        _set([*S, "Invoice", "properties", "reference", "type"], "string"),
    ),
    Mutation(
        "response-type-changed",
        True,
        "response-property-type-changed",
        _set([*S, "Invoice", "properties", "total", "type"], "string"),
    ),
    Mutation(
        "response-maxlength-removed",
        True,
        "response-constraint-relaxed",
        _set([*S, "Invoice", "properties", "atcud", "pattern"], "^.*$"),
    ),
    Mutation(
        "response-minimum-raised",
        False,
        "response-constraint-tightened",
        _set([*S, "Invoice", "properties", "id", "minimum"], 1000),
    ),
    Mutation(
        "response-oneof-branch-added",
        True,
        "response-constraint-relaxed",
        _do(
            lambda d: props(d, "Invoice")["owner_invoice_id"]["oneOf"].append(
                {"type": "object", "properties": {"id": {"type": "integer"}}}
            )
        ),
    ),
    Mutation(
        "response-oneof-branch-removed",
        False,
        "response-constraint-tightened",
        _do(lambda d: props(d, "Invoice")["owner_invoice_id"]["oneOf"].pop()),
    ),
    Mutation(
        "response-nullable-spelled-as-oneof",
        False,
        "",
        _set(
            [*S, "Invoice", "properties", "reference"],
            {"oneOf": [{"type": "string"}, {"type": "null"}]},
        ),
    ),
    Mutation(
        "response-field-wrapped-in-nullable-oneof",
        True,
        "response-property-type-changed",
        _set(
            [*S, "Invoice", "properties", "currency"],
            {"oneOf": [{"type": "string"}, {"type": "null"}]},
        ),
    ),
    Mutation(
        "response-oneof-inner-type-changed",
        True,
        "response-property-type-changed",
        _set([*S, "Invoice", "properties", "sequence_id", "oneOf", 1], {"type": "boolean"}),
    ),
    Mutation(
        "response-success-status-removed",
        True,
        "response-success-status-removed",
        _do(
            lambda d: op(d, "createInvoice")["responses"].__setitem__(
                "200", op(d, "createInvoice")["responses"].pop("201")
            )
        ),
    ),
    Mutation(
        "response-error-status-added",
        False,
        "response-non-success-status-added",
        _do(
            lambda d: op(d, "getInvoice")["responses"].__setitem__(
                "503", {"description": "Down for maintenance."}
            )
        ),
    ),
    Mutation(
        "response-media-type-removed",
        True,
        "response-media-type-removed",
        _do(
            lambda d: op(d, "getTax")["responses"]["200"].__setitem__(
                "content",
                {
                    "application/xml": op(d, "getTax")["responses"]["200"]["content"][
                        "application/json"
                    ]
                },
            )
        ),
    ),
    Mutation(
        "response-header-removed",
        False,
        "response-optional-header-removed",
        _drop(["components", "responses", "TooManyRequests", "headers"]),
    ),
    Mutation(
        "response-header-widened",
        True,
        "response-property-type-changed",
        _set(
            [
                "components",
                "responses",
                "TooManyRequests",
                "headers",
                "Retry-After",
                "schema",
                "type",
            ],
            ["integer", "string"],
        ),
    ),
    Mutation(
        "response-header-added",
        False,
        "response-header-added",
        _do(
            lambda d: op(d, "getInvoice")["responses"]["200"].__setitem__(
                "headers", {"X-Request-Id": {"schema": {"type": "string"}}}
            )
        ),
    ),
    Mutation(
        "response-additional-properties-closed",
        False,
        "response-additional-properties-changed",
        _set([*S, "Invoice", "additionalProperties"], False),
    ),
    Mutation(
        "response-default-added",
        False,
        "",
        _set([*S, "Invoice", "properties", "archived", "default"], False),
    ),
    Mutation(
        "response-write-only-field",
        True,
        "response-property-removed",
        _set([*S, "Invoice", "properties", "currency", "writeOnly"], True),
    ),
    Mutation(
        "component-examples-changed", False, "", _set([*S, "DecimalValue", "examples"], ["1.5"])
    ),
]


# --- equivalent rewrites: the same values admitted, spelled otherwise (0 findings above INFO)

INV = "/invoices/{document-id}.json"


def _reverse(path: list[Any]) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path:
            node = node[part]
        node.reverse()

    return apply


def _wrap_all_of(path: list[Any]) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        node[path[-1]] = {"allOf": [node[path[-1]]]}

    return apply


def _inline_component(path: list[Any], extra: Doc | None = None) -> Callable[[Doc], None]:
    """Replace a `$ref` at `path` by a copy of what it names (plus `extra` keys)."""

    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path[:-1]:
            node = node[part]
        ref = node[path[-1]]["$ref"]
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target[part]
        copy = json.loads(json.dumps(target))
        node[path[-1]] = {**copy, **(extra or {})}

    return apply


def _page_as_component_schema(doc: Doc) -> None:
    schema(doc, "PageNumber")  # raises unless `base` added it
    doc["components"]["parameters"]["Page"]["schema"] = {"$ref": "#/components/schemas/PageNumber"}


def _add_page_number(doc: Doc) -> None:
    doc["components"]["schemas"]["PageNumber"] = {"type": "integer", "minimum": 1, "default": 1}


def _parameters_to_path_level(doc: Doc) -> None:
    item = doc["paths"][INV]
    ref = {"$ref": "#/components/parameters/DocumentId"}
    for method in ("get", "put"):
        item[method]["parameters"].remove(ref)
        if not item[method]["parameters"]:
            del item[method]["parameters"]
    item["parameters"] = [ref]


def _inline_parameter(doc: Doc) -> None:
    params = op(doc, "listInvoices")["parameters"]
    i = params.index({"$ref": "#/components/parameters/Page"})
    params[i] = json.loads(json.dumps(doc["components"]["parameters"]["Page"]))


def _global_security_on_operation(doc: Doc) -> None:
    op(doc, "listTaxes")["security"] = [{"apiKeyAuth": []}]


def _charset_media_type(doc: Doc) -> None:
    content = op(doc, "createClient")["requestBody"]["content"]
    content["application/json; charset=utf-8"] = content.pop("application/json")


def _inline_response(doc: Doc) -> None:
    responses = op(doc, "getTax")["responses"]
    name = responses["429"]["$ref"].rsplit("/", 1)[-1]
    responses["429"] = json.loads(json.dumps(doc["components"]["responses"][name]))


def _const(path: list[Any], value: Any) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path:
            node = node[part]
        node.pop("enum", None)
        node["const"] = value

    return apply


def _edit(path: list[Any], **changes: Any) -> Callable[[Doc], None]:
    """Set several keys of the node at `path`; a value of `_DEL` deletes the key."""

    def apply(doc: Doc) -> None:
        node: Any = doc
        for part in path:
            node = node[part]
        for key, value in changes.items():
            if value is _DEL:
                node.pop(key, None)
            else:
                node[key] = value

    return apply


def _spell_out_defaults(doc: Doc) -> None:
    param(doc, "listInvoices", "text").update({"required": False, "deprecated": False})
    schema(doc, "Invoice")["additionalProperties"] = True


_DEL = object()
PAGE = [*P, "Page", "schema"]
PER_PAGE = [*P, "PerPage", "schema"]
DOC_ID = [*P, "DocumentId", "schema"]
TAX = [*S, "Tax", "properties"]
STATE = [*S, "InvoiceStateChange", "properties", "state"]
CLIENT_IN = [*S, "DocumentClientInput"]

EQUIVALENTS: list[Mutation] = [
    Mutation(
        "integer-minimum-as-exclusive-minimum",
        False,
        "",
        _edit(PAGE, minimum=_DEL, exclusiveMinimum=0),
        True,
    ),
    Mutation(
        "integer-maximum-as-exclusive-maximum",
        False,
        "",
        _edit(PER_PAGE, maximum=_DEL, exclusiveMaximum=101),
        True,
    ),
    Mutation(
        "integer-exclusive-minimum-3.0-spelling",
        False,
        "",
        _edit(DOC_ID, minimum=0, exclusiveMinimum=True),
        True,
    ),
    Mutation(
        "integer-exclusive-maximum-3.0-spelling",
        False,
        "",
        _edit(PER_PAGE, maximum=101, exclusiveMaximum=True),
        True,
    ),
    Mutation(
        "exclusive-minimum-false-spelled-out",
        False,
        "",
        _edit(PAGE, exclusiveMinimum=False),
        True,
    ),
    Mutation(
        "exclusive-3.0-to-3.1-spelling",
        False,
        "",
        _edit(PAGE, minimum=_DEL, exclusiveMinimum=0.5),
        True,
        base=_edit(PAGE, minimum=0.5, exclusiveMinimum=True),
    ),
    Mutation(
        "integer-fractional-minimum",
        False,
        "",
        _edit(DOC_ID, minimum=0.5),
        True,
    ),
    Mutation(
        "enum-of-one-as-const-request",
        False,
        "",
        _const(STATE, "settled"),
        True,
        base=_edit(STATE, enum=["settled"]),
    ),
    Mutation(
        "enum-of-one-as-const-response",
        False,
        "",
        _const([*TAX, "default_tax"], 1),
        True,
        base=_edit([*TAX, "default_tax"], enum=[1]),
    ),
    Mutation(
        "const-as-enum-of-one",
        False,
        "",
        _edit([*TAX, "default_tax"], const=_DEL, enum=[1]),
        True,
        base=_const([*TAX, "default_tax"], 1),
    ),
    Mutation(
        "nullable-3.0-spelling-response",
        False,
        "",
        _edit([*S, "Invoice", "properties", "reference"], type="string", nullable=True),
        True,
    ),
    Mutation(
        "nullable-3.1-spelling-request",
        False,
        "",
        _edit([*CLIENT_IN, "properties", "address"], type=["string", "null"], nullable=_DEL),
        True,
        base=_edit([*CLIENT_IN, "properties", "address"], nullable=True),
    ),
    Mutation(
        "nullable-as-any-of",
        False,
        "",
        _set([*TAX, "region"], {"anyOf": [{"type": "string"}, {"type": "null"}]}),
        True,
    ),
    Mutation(
        "type-list-of-one",
        False,
        "",
        _set([*S, "Invoice", "properties", "status", "type"], ["string"]),
        True,
    ),
    Mutation(
        "integer-inside-number",
        False,
        "",
        _set([*S, "DecimalValue", "type"], ["string", "number", "integer"]),
        True,
    ),
    Mutation(
        "type-list-as-one-of-bare-types",
        False,
        "",
        _edit([*S, "DecimalValue"], type=_DEL, oneOf=[{"type": "string"}, {"type": "number"}]),
        True,
    ),
    Mutation(
        "response-enum-reordered",
        False,
        "",
        _reverse([*S, "Invoice", "properties", "status", "enum"]),
        True,
    ),
    Mutation("request-enum-reordered", False, "", _reverse([*STATE, "enum"]), True),
    Mutation("required-reordered", False, "", _reverse([*CLIENT_IN, "required"]), True),
    Mutation(
        "one-of-reordered",
        False,
        "",
        _reverse([*S, "Invoice", "properties", "owner_invoice_id", "oneOf"]),
        True,
    ),
    Mutation(
        "ref-wrapped-in-all-of-request",
        False,
        "",
        _wrap_all_of([*CLIENT_IN, "properties", "country"]),
        True,
    ),
    Mutation("ref-wrapped-in-all-of-response", False, "", _wrap_all_of([*TAX, "value"]), True),
    Mutation(
        "inline-schema-wrapped-in-all-of",
        False,
        "",
        _wrap_all_of([*S, "Invoice", "properties", "total"]),
        True,
    ),
    Mutation("ref-inlined-response", False, "", _inline_component([*TAX, "value"]), True),
    Mutation(
        "ref-inlined-request",
        False,
        "",
        _inline_component([*CLIENT_IN, "properties", "country", "anyOf", 0]),
        True,
    ),
    Mutation(
        "inline-schema-as-ref",
        False,
        "",
        _do(_page_as_component_schema),
        True,
        base=_add_page_number,
    ),
    Mutation("parameter-moved-to-path-level", False, "", _do(_parameters_to_path_level), True),
    Mutation("parameter-ref-inlined", False, "", _do(_inline_parameter), True),
    Mutation("response-ref-inlined", False, "", _do(_inline_response), True),
    Mutation(
        "global-security-repeated-on-operation",
        False,
        "",
        _do(_global_security_on_operation),
        True,
    ),
    Mutation("media-type-with-charset", False, "", _do(_charset_media_type), True),
    Mutation(
        "min-length-zero-spelled-out",
        False,
        "",
        _edit([*CLIENT_IN, "properties", "address"], minLength=0),
        True,
    ),
    Mutation(
        "defaults-spelled-out",
        False,
        "",
        _do(_spell_out_defaults),
        True,
    ),
]

# Breaking near-misses of the rewrites above: one step further, and an ERR is due.
NEAR_MISSES: list[Mutation] = [
    Mutation(
        "integer-exclusive-minimum-at-old-minimum",
        True,
        "request-constraint-tightened",
        _edit(PAGE, minimum=_DEL, exclusiveMinimum=1),
    ),
    Mutation(
        "integer-exclusive-maximum-at-old-maximum",
        True,
        "request-constraint-tightened",
        _edit(PER_PAGE, maximum=_DEL, exclusiveMaximum=100),
    ),
    Mutation(
        "number-minimum-as-exclusive-minimum-response",
        True,
        "response-constraint-relaxed",
        _edit([*S, "Invoice", "properties", "total"], minimum=_DEL, exclusiveMinimum=0),
        base=_edit([*S, "Invoice", "properties", "total"], minimum=1),
    ),
    Mutation(
        "enum-of-one-as-other-const",
        True,
        "request-property-enum-value-removed",
        _const(STATE, "canceled"),
        base=_edit(STATE, enum=["settled"]),
    ),
    Mutation(
        "nullable-dropped-request",
        True,
        "request-property-type-changed",
        _edit([*CLIENT_IN, "properties", "address"], type="string", nullable=_DEL),
        base=_edit([*CLIENT_IN, "properties", "address"], nullable=True),
    ),
    Mutation(
        "nullable-3.0-spelling-added-response",
        True,
        "response-property-type-changed",
        _edit([*S, "Invoice", "properties", "currency"], nullable=True),
    ),
    Mutation(
        "all-of-with-a-constraint",
        True,
        "request-constraint-tightened",
        _set(
            [*CLIENT_IN, "properties", "address"],
            {"allOf": [{"type": "string", "maxLength": 100}, {"maxLength": 40}]},
        ),
    ),
    Mutation(
        "ref-inlined-with-a-wider-pattern",
        True,
        "response-constraint-relaxed",
        _inline_component([*TAX, "value"], {"pattern": "^.*$"}),
    ),
    Mutation(
        "type-list-as-one-of-losing-a-type",
        True,
        "request-property-type-changed",
        _edit([*S, "DecimalValue"], type=_DEL, oneOf=[{"type": "string"}]),
    ),
]
