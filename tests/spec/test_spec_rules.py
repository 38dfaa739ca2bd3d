"""Our own rules for spec/invoicexpress.yaml. Each failure names the operation and the rule."""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import invoicexpress_specbuild as specbuild
from invoicexpress_core.spec import Operation, Spec, escape_pointer, load_spec
from invoicexpress_specbuild import vendor_ops

SPEC = load_spec(specbuild.SPEC_FILE)
OPS = sorted(SPEC, key=lambda op: op.operation_id)
OP_IDS = [op.operation_id for op in OPS]
BUNDLE = (
    Path(__file__).resolve().parents[3] / "shared" / "api-docs" / "official-openapi-bundle.yaml"
)
TEMPLATE_PARAMS = {"invoices-type", "estimates-type", "guides-type"}


def by_kind(kind: str) -> list[Operation]:
    prefixes = {"create": "create", "change-state": "change"}
    return [
        op
        for op in OPS
        if op.operation_id.startswith(prefixes[kind])
        and (kind != "change-state" or op.path.endswith("/change-state.json"))
    ]


CREATES = [op for op in by_kind("create") if op.method == "POST"]
CHANGE_STATES = by_kind("change-state")


def test_the_committed_spec_is_what_the_builder_writes() -> None:
    assert specbuild.build(check=True), "run `ixc spec build` and commit spec/invoicexpress.yaml"


def test_the_spec_is_valid_openapi_3_1() -> None:
    from openapi_spec_validator import validate

    validate(SPEC.document)
    assert SPEC.document["openapi"].startswith("3.1")


def test_operation_ids_are_unique() -> None:
    seen: list[str] = []
    for item in SPEC.document["paths"].values():
        seen += [op["operationId"] for m, op in item.items() if isinstance(op, dict)]
    assert len(seen) == len(set(seen)), sorted(x for x in seen if seen.count(x) > 1)


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_operation_is_described(op: Operation) -> None:
    raw = op.raw
    missing = [k for k in ("operationId", "summary", "description", "tags") if not raw.get(k)]
    assert not missing, f"{op.operation_id}: rule 'described' - missing {missing}"
    assert "401" in op.responses, f"{op.operation_id}: rule 'has-401' - no 401 response"
    assert "429" in op.responses, f"{op.operation_id}: rule 'has-429' - no 429 response"
    successes = [c for c in op.status_codes if 200 <= c < 300]
    assert successes, f"{op.operation_id}: rule 'has-success' - no 2xx response"


def _examples(content: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, example in content.get("examples", {}).items():
        resolved = SPEC.resolve(example)
        yield name, resolved["value"]
    if "example" in content:
        yield "example", content["example"]


def _error_text(spec: Spec, pointer: str, value: Any) -> str:
    errors = sorted(spec.validator_at(pointer).iter_errors(value), key=lambda e: e.path)
    return "; ".join(
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:160]}" for e in errors[:5]
    )


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_request_examples_exist_and_validate(op: Operation) -> None:
    pointer = SPEC.request_schema_pointer(op)
    if pointer is None:
        assert "requestBody" not in op.raw, f"{op.operation_id}: body without JSON content"
        return
    content = op.raw["requestBody"]["content"]["application/json"]
    examples = list(_examples(content))
    assert examples, f"{op.operation_id}: rule 'request-example' - none"
    for name, value in examples:
        problems = _error_text(SPEC, pointer, value)
        assert not problems, f"{op.operation_id}: rule 'request-example-valid' - {name}: {problems}"


@pytest.mark.parametrize("op", OPS, ids=OP_IDS)
def test_response_examples_exist_and_validate(op: Operation) -> None:
    with_example = 0
    for status in op.responses:
        pointer = SPEC.response_schema_pointer(op, status)
        if pointer is None:
            continue
        response = SPEC.resolve(op.responses[status])
        examples = list(_examples(response["content"]["application/json"]))
        assert examples, f"{op.operation_id}: rule 'response-example' - {status} has none"
        with_example += 1
        for name, value in examples:
            problems = _error_text(SPEC, pointer, value)
            assert not problems, (
                f"{op.operation_id}: rule 'response-example-valid' - {status} {name}: {problems}"
            )
    assert with_example, f"{op.operation_id}: rule 'response-example' - no response example"


def _walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{escape_pointer(str(key))}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{i}")


def test_every_ref_resolves() -> None:
    broken = []
    for pointer, node in _walk(SPEC.document):
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            try:
                SPEC.pointer(node["$ref"])
            except (KeyError, IndexError, ValueError):
                broken.append(f"{pointer} -> {node['$ref']}")
    assert not broken, broken


def test_every_component_schema_is_used() -> None:
    text = json.dumps(SPEC.document["paths"]) + json.dumps(SPEC.document["components"]["responses"])
    schemas = SPEC.document["components"]["schemas"]
    for _ in range(5):  # follow schema-to-schema references
        text += json.dumps([schemas[name] for name in schemas if f'schemas/{name}"' in text])
    orphans = [name for name in schemas if f'#/components/schemas/{name}"' not in text]
    assert not orphans, f"rule 'no-orphan-schemas': {orphans}"


@pytest.mark.parametrize("op", CHANGE_STATES, ids=[o.operation_id for o in CHANGE_STATES])
def test_change_state_has_a_consistent_state_machine(op: Operation) -> None:
    sm = op.state_machine
    assert sm, f"{op.operation_id}: rule 'state-machine' - no x-state-machine"
    states = set(sm["states"])
    events = {t["event"] for t in sm["transitions"]}
    aliases = sm.get("aliases", {})
    body = SPEC.resolve(op.raw["requestBody"]["content"]["application/json"]["schema"])
    roots = [k for k in body["properties"] if k != "proprietary_uid"]
    primary = body.get("x-accepted-root-keys", roots)[0]  # the generic key carries the same
    inner = SPEC.resolve(body["properties"][primary])
    enum = set(SPEC.resolve(inner["properties"]["state"])["enum"])
    assert enum == events | set(aliases), (
        f"{op.operation_id}: rule 'events-equal-enum' - enum {sorted(enum)} vs events "
        f"{sorted(events)} + aliases {sorted(aliases)}"
    )
    assert set(aliases.values()) <= events, f"{op.operation_id}: alias to an unknown event"
    for t in sm["transitions"]:
        assert {t["from"], t["to"]} <= states, f"{op.operation_id}: transition {t} leaves states"
    assert sm["initial"] in states
    reachable, queue = {sm["initial"]}, deque([sm["initial"]])
    while queue:
        here = queue.popleft()
        for t in sm["transitions"]:
            if t["from"] == here and t["to"] not in reachable:
                reachable.add(t["to"])
                queue.append(t["to"])
    assert reachable == states, f"{op.operation_id}: unreachable states {states - reachable}"
    pairs = [(t["from"], t["event"]) for t in sm["transitions"]]
    assert len(pairs) == len(set(pairs)), f"{op.operation_id}: non-deterministic transitions"
    assert "422" in op.responses, f"{op.operation_id}: forbidden events need a 422"


@pytest.mark.parametrize("op", CREATES, ids=[o.operation_id for o in CREATES])
def test_create_operations_link_to_what_follows(op: Operation) -> None:
    success = next(str(c) for c in op.status_codes if 200 <= c < 300)
    links = op.responses[success].get("links")
    assert links, f"{op.operation_id}: rule 'create-has-links' - none"
    for name, link in links.items():
        target = SPEC.operations.get(link["operationId"])
        assert target, f"{op.operation_id}: link {name} targets unknown {link['operationId']}"
        params = {p["name"] for p in (SPEC.resolve(p) for p in target.raw.get("parameters", []))}
        assert set(link["parameters"]) <= params, f"{op.operation_id}: link {name} parameters"


VENDOR_OPS = [
    (row["operationId"], row["method"], row["path"], row["types"]) for row in vendor_ops.read()
]


def _shape(path: str) -> str:
    """A path with its parameter names erased (the vendor spells them differently)."""
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.mark.parametrize(
    ("vendor_id", "method", "path", "types"), VENDOR_OPS, ids=[v[0] for v in VENDOR_OPS]
)
def test_every_vendor_operation_maps_to_ours(
    vendor_id: str, method: str, path: str, types: list[str]
) -> None:
    ours = [op for op in OPS if op.raw.get("x-vendor-operation") == vendor_id]
    assert ours, f"vendor operation {vendor_id} ({method} {path}) was dropped"
    assert {op.method for op in ours} == {method}, f"{vendor_id}: method differs"
    if types:
        covered = {str(op.document_type) for op in ours}
        assert covered == set(types), (
            f"{vendor_id}: document types {sorted(set(types) - covered)} have no concrete "
            f"operation (extra: {sorted(covered - set(types))})"
        )
        for op in ours:
            concrete = path
            for placeholder in TEMPLATE_PARAMS:
                concrete = concrete.replace("{" + placeholder + "}", str(op.document_type))
            assert op.path == concrete, f"{op.operation_id}: path {op.path} != {concrete}"
    else:
        assert len(ours) == 1, f"{vendor_id}: expected one operation, got {len(ours)}"
        assert _shape(ours[0].path) == _shape(path), f"{vendor_id}: {ours[0].path} != {path}"


def test_vendor_bundle_has_58_operations_all_mapped() -> None:
    assert len(VENDOR_OPS) == 58


if BUNDLE.exists():  # where the bundle is at hand, the committed list must be what it says

    def test_committed_vendor_operations_match_the_bundle() -> None:
        document = yaml.safe_load(BUNDLE.read_text(encoding="utf-8"))
        expected = vendor_ops.render(vendor_ops.extract(document))
        committed = vendor_ops.VENDOR_OPS_FILE.read_text(encoding="utf-8")
        assert committed == expected, (
            "run `python -m invoicexpress_specbuild.vendor_ops <bundle>` + commit"
        )


def test_every_vendor_example_is_referenced_by_the_spec() -> None:
    examples = SPEC.document["components"].get("examples", {})
    text = json.dumps(SPEC.document["paths"])
    unreferenced = [n for n in examples if f'#/components/examples/{n}"' not in text]
    assert not unreferenced, f"rule 'vendor-example-used': {unreferenced}"
    index = yaml.safe_load((specbuild.VENDOR_DIR / "index.yaml").read_text(encoding="utf-8"))
    assert len(examples) == len(index["entries"])


def test_spec_loads_in_schemathesis() -> None:
    import schemathesis
    from schemathesis.config import SchemathesisConfig

    # An empty config: loading must not depend on the project's schemathesis.toml or its env.
    schema = schemathesis.openapi.from_path(str(specbuild.SPEC_FILE), config=SchemathesisConfig())
    results: list[Any] = list(schema.get_all_operations())
    failures = [str(r.err()) for r in results if isinstance(r, schemathesis.core.result.Err)]
    assert len(results) == len(OPS)
    assert not failures, failures


@pytest.mark.parametrize("op_id", ["createCreditNote", "changeCreditNoteState", "createProforma"])
def test_generic_root_key_is_accepted_by_the_schema_and_both_keys_are_not(op_id: str) -> None:
    """The vendor sends a credit note under `invoice` (surface §3): the request schema accepts
    either key, not both and not neither, and keeps a typed model (no `oneOf`)."""
    op = SPEC.operations[op_id]
    pointer = f"{op.pointer}/requestBody/content/application~1json/schema"
    schema = SPEC.resolve(op.raw["requestBody"]["content"]["application/json"]["schema"])
    primary, generic = schema["x-accepted-root-keys"]
    assert "oneOf" not in schema
    assert "anyOf" not in schema
    example = SPEC.resolve(
        SPEC.resolve(op.raw["requestBody"])["content"]["application/json"]["examples"]["sandbox"]
    )["value"]
    inner = example[primary]
    validator = SPEC.validator_at(pointer)
    assert validator.is_valid({primary: inner})
    assert validator.is_valid({generic: inner})
    assert not validator.is_valid({primary: inner, generic: inner})
    assert not validator.is_valid({})
