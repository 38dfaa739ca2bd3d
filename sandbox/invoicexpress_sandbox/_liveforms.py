"""The forms the live API was recorded answering, where they differ from the documented ones.

The spec accepts both (spec/CHANGELOG.md, issue 17). The default sandbox answers the documented
form, so a suite written from the vendor's pages sees what it reads; the `live_forms` quirk
(on in `--live-like`) answers the recorded one, so code meets what a live account sends. Each
form names the fact in `spec/evidence/facts.yaml` that grounds it; `GET /_sandbox/forms` and
the start-up banner list them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ._errors import humanise

SWITCH = "live_forms"


@dataclass(frozen=True)
class Form:
    fact: str  # the id in spec/evidence/facts.yaml
    where: str
    documented: str  # what the default sandbox answers (the vendor's pages)
    live: str  # what `live_forms` answers (recorded live)


FORMS: tuple[Form, ...] = (
    Form("client-id-integer", "a client's `id`", '"1" (api-docs 002)', "1"),
    Form("client-send-options-number", "a client's `send_options`", '"1"', "1"),
    Form("client-payment-days-number", "a client's `payment_days`", '"0"', "0"),
    Form(
        "sequence-serie-number-response",
        "createSequence's `serie`, when sent as a number",
        '"77"',
        "77",
    ),
    Form("error-401-list", "401 body", '{"errors":{"error":...}}', '{"errors":[{"error":...}]}'),
    Form(
        "error-422-list-pt",
        "422 of createClient, updateClient",
        '{"errors":["..."]}',
        '{"errors":[{"error":"..."}]}',
    ),
    Form(
        "error-422-pairs",
        "422 of createTax",
        '{"name":["..."]}',
        '[["name","não está disponível."]]',
    ),
    Form("not-found-blank", "404 of getClient, getTax, deleteTax", "JSON error", "empty body"),
    Form("not-found-html", "404 of listClientInvoices", "JSON error", "the HTML error page"),
)

_INT_FIELDS = ("id", "send_options", "payment_days")  # of a client, when they are digits
_PAIRS_422 = frozenset({"createTax"})  # recorded for createTax only (error-422-pairs)
_LIST_422 = frozenset({"createClient", "updateClient"})
BLANK_404 = frozenset({"getClient", "getTax", "deleteTax"})
HTML_404 = frozenset({"listClientInvoices"})
NOT_FOUND_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>The page you were '
    "looking for doesn't exist (404)</title></head><body></body></html>"
)


def describe(on: bool) -> dict[str, Any]:
    """What `GET /_sandbox/forms` answers: which forms this sandbox emits, and why."""
    return {
        "emits": "recorded-live" if on else "documented",
        "why": (
            "live_forms is on (--live-like): answers as a live account was recorded answering"
            if on
            else "the vendor's documented forms; the live_forms quirk (on in --live-like) "
            "answers the recorded live ones"
        ),
        "evidence": "spec/evidence/facts.yaml (see spec/evidence/README.md)",
        "forms": [
            {
                "fact": f.fact,
                "where": f.where,
                "documented": f.documented,
                "live": f.live,
                "emitted": f.live if on else f.documented,
            }
            for f in FORMS
        ],
    }


def _int(value: Any) -> Any:
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


def _client(client: Any) -> Any:
    if not isinstance(client, dict):
        return client
    return {k: (_int(v) if k in _INT_FIELDS else v) for k, v in client.items()}


def payload(operation_id: str, body: Any, request: Any) -> Any:
    """A success body as live answers it (the stored record is unchanged)."""
    if not isinstance(body, dict):
        return body
    out = dict(body)
    if isinstance(out.get("client"), dict) and "Client" in operation_id:
        out["client"] = _client(out["client"])
    if isinstance(out.get("clients"), list):
        out["clients"] = [_client(c) for c in out["clients"]]
    sent = request.get("sequence") if isinstance(request, Mapping) else None
    if operation_id == "createSequence" and isinstance(sent, Mapping):
        serie = sent.get("serie")
        if isinstance(serie, int) and not isinstance(serie, bool):
            for key, value in out.items():
                if isinstance(value, dict) and "serie" in value:
                    out[key] = {**value, "serie": _int(value["serie"])}
    return out


def error_body(operation_id: str | None, status: int, message: str, field: str | None) -> Any:
    """The error body live answers, as JSON-able data, or a `str` for a non-JSON body; None
    where the live form is the documented one."""
    if status == 401:
        return {"errors": [{"error": message}]}
    if status == 404 and operation_id in BLANK_404:
        return ""
    if status == 404 and operation_id in HTML_404:
        return NOT_FOUND_PAGE
    if status == 422 and operation_id in _LIST_422:
        return {"errors": [{"error": message}]}
    if status == 422 and operation_id in _PAIRS_422:
        name = field if field and field != "base" else "base"
        prefix = humanise(name) + " "
        return [[name, message[len(prefix) :] if message.startswith(prefix) else message]]
    return None
