"""Named switches: faults (deliberate contract breaks) and known live quirks.

Faults exist to prove that the contract suites catch a misbehaving server; each one breaks one
promise of the spec in responses. Quirks reproduce server bugs of the live API (api-surface §8)
so users can test their code against them. Both are off by default.
"""

from __future__ import annotations

import re
from typing import Any

FAULTS: dict[str, str] = {
    "rename_field": "document responses carry `sequence_num` instead of `sequence_number` "
    "(other responses: `ident` instead of `id`)",
    "wrong_type": "`total` (or the first number field) is sent as a non-numeric string",
    "drop_required": "the required `id` is missing from every response object",
    "wrong_status": "creates answer 200 instead of 201, and 200 answers become 201",
    "allow_forbidden_transition": "change-state applies an event from any state",
    "skip_auth": "a request without api_key is served as the demo account instead of 401",
    "totals_off_by_cent": "document `total` is one cent more than `before_taxes + taxes`",
    "iso_dates": "document dates are sent as yyyy-mm-dd instead of dd/mm/yyyy",
    "enum_changed": "status values are sent in upper case (`FINAL` instead of `final`)",
    "wrong_content_type": "JSON responses are labelled text/html",
}

QUIRKS: dict[str, str] = {
    "guide_update_500": "PUT of a guide (shippings, transports, devolutions) answers 500",
    "treasury_delete_500": "DELETE of a treasury movement is applied, then answers 500 "
    "(a retry gets 404)",
    "tax_numeric_value_500": "creating or updating a tax with a JSON-number `value` answers 500",
    "uid_replay": "a create reusing the `proprietary_uid` of a finished create answers 201 with "
    "that document instead of 409 (the other plausible reading of the docs)",
    # Documented behaviours where live evidence says otherwise (spec/CHANGELOG.md, issue 13):
    # the sandbox follows the evidence by default; these switch to the documentation.
    "exemption_required": "a 0 % line without `tax_exemption` answers 422 (as documented) "
    "instead of being stamped M99 (as observed live)",
    "bad_date_today": "a badly formatted document `date` becomes today's date (as documented) "
    "instead of 422 `Date is not valid`",
    "quote_dates_required": "estimates without `date` or `due_date` answer 422 (as the issue "
    "reads the docs) instead of defaulting to today",
}

_DMY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_DATE_KEYS = frozenset({"date", "due_date"})


def unknown(names: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    return sorted(n for n in names if n not in FAULTS and n not in QUIRKS)


def mutate(body: Any, faults: frozenset[str], status: int, method: str) -> tuple[Any, int]:
    """Apply the response-shaped faults to a successful JSON body and its status."""
    if "wrong_status" in faults:
        if status == 201:
            status = 200
        elif status == 200 and method != "GET":
            status = 201
    if body is None:
        return body, status
    for name in (
        "rename_field",
        "wrong_type",
        "drop_required",
        "totals_off_by_cent",
        "iso_dates",
        "enum_changed",
    ):
        if name in faults:
            body = _walk(body, name, top=True)
    return body, status


def _walk(node: Any, fault: str, *, top: bool = False) -> Any:
    if isinstance(node, list):
        return [_walk(v, fault) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _walk(v, fault) for k, v in node.items()}
    is_object = "id" in out
    if fault == "rename_field" and is_object:
        if "sequence_number" in out:
            out["sequence_num"] = out.pop("sequence_number")
        else:
            out["ident"] = out.pop("id")
    elif fault == "wrong_type" and is_object:
        key = (
            "total"
            if "total" in out
            else next(
                (
                    k
                    for k, v in out.items()
                    if isinstance(v, int | float) and not isinstance(v, bool)
                ),
                None,
            )
        )
        if key is not None:
            out[key] = f"{out[key]} EUR"
    elif fault == "drop_required" and is_object:
        out.pop("id", None)
    elif fault == "totals_off_by_cent" and "total" in out and "before_taxes" in out:
        out["total"] = round(float(out["total"]) + 0.01, 2)
    elif fault == "iso_dates":
        for key in _DATE_KEYS & out.keys():
            match = _DMY.match(str(out[key]))
            if match:
                out[key] = f"{match[3]}-{match[2]}-{match[1]}"
    elif fault == "enum_changed" and isinstance(out.get("status"), str):
        out["status"] = out["status"].upper()
    return out
