"""A corpus of single mutations of `spec/invoicexpress.yaml`, each with its expected verdict.

`breaking` means an existing client (or, for a request, an existing caller) can fail: the drift
report must hold an ERR. A safe mutation must hold none. An `equivalent` one rewrites the spec
so that every schema admits the same values (EQUIVALENTS): it must hold nothing above INFO.
`base`, when given, first edits both sides (a spelling our spec does not use yet). `rule`
names a rule that must be raised, so each rule has a before/after pair here or in
tests/drift/specs. The peer test (tests/drift/test_drift_mutations.py) and `python -m
benchmarks drift` both run it; it lives in the package so both import it typed.

The corpus is data (`corpus_data/*.yaml`, read at import): each mutation is a list of steps, a
verb naming a path from the document root and its arguments. A path may start at a locator,
`op:<operationId>`, `param:<operationId>:<name>` or `transition:<Family>:<event>`. Edits
that are several steps of structure at once are named functions here (`call`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from invoicexpress_core.spec import parse_yaml

Doc = dict[str, Any]
Step = dict[str, Any]
DATA = Path(__file__).with_name("corpus_data")


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


def transition(doc: Doc, family: str, event: str) -> Doc:
    for t in op(doc, f"change{family}State")["x-state-machine"]["transitions"]:
        if t["event"] == event:
            value: Doc = t
            return value
    raise KeyError(event)


def _locate(doc: Doc, head: str) -> Any:
    kind, _, rest = head.partition(":")
    if kind == "op":
        return op(doc, rest)
    if kind == "param":
        return param(doc, *rest.split(":", 1))
    if kind == "transition":
        return transition(doc, *rest.split(":", 1))
    return doc[head]


def node(doc: Doc, path: list[Any]) -> Any:
    """The node at `path` (its first element may be a locator)."""
    if not path:
        return doc
    found: Any = _locate(doc, path[0]) if isinstance(path[0], str) else doc[path[0]]
    for part in path[1:]:
        found = found[part]
    return found


def _pointer(doc: Doc, ref: str) -> Any:
    return node(doc, [p.replace("~1", "/").replace("~0", "~") for p in ref[2:].split("/")])


def _step(doc: Doc, step: Step) -> None:
    """One edit; the verb is the step's first key, its path that key's value."""
    verb, path = next(iter(step.items()))
    value = copy.deepcopy(step.get("value"))
    if verb == "call":
        CALLS[path](doc)
        return
    if verb in ("set", "drop", "append", "wrap_all_of", "inline", "suffix"):
        parent, key = node(doc, path[:-1]), path[-1]
        if verb == "set":
            parent[key] = value
        elif verb == "drop" and isinstance(parent, list):  # the element equal to the key
            parent.remove(key)
        elif verb == "drop":
            del parent[key]
        elif verb == "append":
            parent.setdefault(key, []).append(value)
        elif verb == "wrap_all_of":
            parent[key] = {"allOf": [parent[key]]}
        elif verb == "inline":  # a `$ref` replaced by a copy of what it names
            target = copy.deepcopy(_pointer(doc, parent[key]["$ref"]))
            parent[key] = {**target, **step.get("extra", {})}
        else:
            parent[key] += value
        return
    target = node(doc, path)
    if verb == "pop":
        target.pop()
    elif verb == "remove":
        target.remove(value)
    elif verb == "remove_first":
        match = step["match"]
        target.remove(next(x for x in target if all(x.get(k) == v for k, v in match.items())))
    elif verb == "edit":
        target.update(copy.deepcopy(step.get("set", {})))
        for key in step.get("delete", []):
            target.pop(key, None)
    elif verb == "reverse":
        target.reverse()
    elif verb == "const":
        target.pop("enum", None)
        target["const"] = value
    elif verb == "rename":
        target[step["to"]] = target.pop(step["from"])
    elif verb == "copy":
        target[step["to"]] = copy.deepcopy(target[step["from"]])
    else:
        raise ValueError(f"unknown corpus step {verb!r}")


def _steps(steps: list[Step]) -> Callable[[Doc], None]:
    def apply(doc: Doc) -> None:
        for step in steps:
            _step(doc, step)

    return apply


def _load(name: str) -> list[Mutation]:
    entries = parse_yaml((DATA / f"{name}.yaml").read_bytes())
    return [
        Mutation(
            e["id"],
            e["breaking"],
            e.get("rule", ""),
            _steps(e["apply"]),
            e.get("equivalent", False),
            _steps(e["base"]) if "base" in e else None,
        )
        for e in entries
    ]


# --- edits of several steps of structure at once (`call: <name>`)


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


def _page_as_component_schema(doc: Doc) -> None:
    schema(doc, "PageNumber")  # raises unless `base` added it
    doc["components"]["parameters"]["Page"]["schema"] = {"$ref": "#/components/schemas/PageNumber"}


def _add_page_number(doc: Doc) -> None:
    doc["components"]["schemas"]["PageNumber"] = {"type": "integer", "minimum": 1, "default": 1}


def _parameters_to_path_level(doc: Doc) -> None:
    item = doc["paths"]["/invoices/{document-id}.json"]
    ref = {"$ref": "#/components/parameters/DocumentId"}
    for method in ("get", "put"):
        item[method]["parameters"].remove(ref)
        if not item[method]["parameters"]:
            del item[method]["parameters"]
    item["parameters"] = [ref]


def _inline_parameter(doc: Doc) -> None:
    params = op(doc, "listInvoices")["parameters"]
    i = params.index({"$ref": "#/components/parameters/Page"})
    params[i] = copy.deepcopy(doc["components"]["parameters"]["Page"])


def _global_security_on_operation(doc: Doc) -> None:
    op(doc, "listTaxes")["security"] = [{"apiKeyAuth": []}]


def _charset_media_type(doc: Doc) -> None:
    content = op(doc, "createClient")["requestBody"]["content"]
    content["application/json; charset=utf-8"] = content.pop("application/json")


def _inline_response(doc: Doc) -> None:
    responses = op(doc, "getTax")["responses"]
    name = responses["429"]["$ref"].rsplit("/", 1)[-1]
    responses["429"] = copy.deepcopy(doc["components"]["responses"][name])


def _spell_out_defaults(doc: Doc) -> None:
    param(doc, "listInvoices", "text").update({"required": False, "deprecated": False})
    schema(doc, "Invoice")["additionalProperties"] = True


CALLS: dict[str, Callable[[Doc], None]] = {
    "move_path": _move_path,
    "move_method": _move_method,
    "rename_path_param": _rename_path_param,
    "api_key_to_header": _api_key_to_header,
    "add_scheme_required": _add_scheme_required,
    "rename_scheme": _rename_scheme,
    "add_scheme_alternative": _add_scheme_alternative,
    "param_to_header": _param_to_header,
    "new_required_client_field": _new_required_client_field,
    "replace_api_key_by_bearer": _replace_api_key_by_bearer,
    "page_as_component_schema": _page_as_component_schema,
    "add_page_number": _add_page_number,
    "parameters_to_path_level": _parameters_to_path_level,
    "inline_parameter": _inline_parameter,
    "global_security_on_operation": _global_security_on_operation,
    "charset_media_type": _charset_media_type,
    "inline_response": _inline_response,
    "spell_out_defaults": _spell_out_defaults,
}

MUTATIONS = _load("mutations")
# the same values admitted, spelled otherwise (0 findings above INFO)
EQUIVALENTS = _load("equivalents")
# breaking near-misses of the rewrites above: one step further, and an ERR is due
NEAR_MISSES = _load("near_misses")
