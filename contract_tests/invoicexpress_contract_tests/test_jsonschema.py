"""Suite 4: jsonschema. Every documented example validates against the schema it illustrates
(compiled validators from `Spec.validator_at`, reused). Every response of the run is validated
as it arrives (`_client.violations`) and once more from the recording at the end of the run
(`_summary.revalidate`), which also covers the exchanges schemathesis made."""

from __future__ import annotations

from typing import Any

import pytest

from invoicexpress_core.spec import escape_pointer, load_spec

SPEC = load_spec()


def _examples() -> list[Any]:
    cases = []
    for op in SPEC:
        body = op.raw.get("requestBody")
        pointer = SPEC.request_schema_pointer(op)
        if body and pointer:
            media = SPEC.resolve(body)["content"]["application/json"]
            for name, ex in (media.get("examples") or {}).items():
                cases.append(
                    pytest.param(
                        op.operation_id,
                        "request",
                        pointer,
                        ex,
                        id=f"{op.operation_id}-request-{name}",
                    )
                )
        for status, raw in op.responses.items():
            resp = SPEC.resolve(raw)
            for media_type, media in (resp.get("content") or {}).items():
                rp = SPEC.response_schema_pointer(op, status, media_type)
                for name, ex in (media.get("examples") or {}).items():
                    if rp:
                        cases.append(
                            pytest.param(
                                op.operation_id,
                                f"{status} {media_type}",
                                rp,
                                ex,
                                id=f"{op.operation_id}-{status}-{escape_pointer(name)}",
                            )
                        )
    return cases


@pytest.mark.parametrize(("operation_id", "where", "pointer", "example"), _examples())
def test_documented_example_validates(
    operation_id: str, where: str, pointer: str, example: Any
) -> None:
    value = SPEC.resolve(example).get("value")
    errors = [
        f"{e.json_path}: {e.message[:200]}" for e in SPEC.validator_at(pointer).iter_errors(value)
    ][:5]
    assert not errors, f"[{operation_id}] {where} example breaks its schema: {errors}"
