"""The evidence corpus against the spec and the sandbox (spec/evidence/README.md).

(a) every recorded response validates against the spec's schema for its operation and status;
(b) every request body validates, unless live refused it for its shape (then it must not);
(c) every exchange replayed against a real sandbox, in the default mode and with the live
    quirks on, answers the same status class and body shape.

Checks that wait for the spec and sandbox to follow the evidence (issue 17) are strict xfails
naming the fact, so they turn into failures the day they pass and the mark must go.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import httpx
import pytest

from invoicexpress_core.evidence import (
    KINDS,
    Exchange,
    Interaction,
    Response,
    fill,
    load_exchanges,
    load_facts,
)
from invoicexpress_core.spec import Operation, Spec, load_spec
from invoicexpress_sandbox._livelike import LIVE_QUIRKS
from invoicexpress_sandbox.testing import RunningSandbox, running_sandbox

SPEC = load_spec()
FACTS = load_facts()
EXCHANGES = {ex.name: ex for ex in load_exchanges(facts=FACTS)}
MODES = ("default", "live-like")

REPLAY = ("replay-default", "replay-live-like")
DEFAULT = ("replay-default",)
# What the spec or the sandbox does not follow, by exchange and check ("response", "request",
# "replay-default", "replay-live-like"), and why. The default sandbox answers the documented
# forms on purpose (`invoicexpress_sandbox._liveforms`, `GET /_sandbox/forms`): where a live
# form differs, only the live-like replay must match the recording.
_WAITING: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("live-401-invalid-key", DEFAULT, "error-401-list: default answers the documented object"),
    (
        "live-client-create-empty",
        DEFAULT,
        'error-422-list-pt: default answers the documented {"errors":["..."]} (api-docs 002)',
    ),
    ("live-not-found", DEFAULT, "not-found-blank, not-found-html: default answers JSON"),
    ("live-taxes", DEFAULT, "error-422-pairs: default answers the documented {name: [...]}"),
    (
        "odoo-tax",
        ("request", *REPLAY),
        'tax-region-empty-request: api-docs 002 lists "Tax region is empty" among createTax\'s '
        "422s: the vendor documents that live refuses an empty region, and no recording shows "
        "one accepted (Odoo sends it only for a tax without a fiscal zone)",
    ),
)
PENDING: dict[tuple[str, str], str] = {
    (name, check): reason for name, checks, reason in _WAITING for check in checks
}


def _cases(check: str) -> list[Any]:
    params = []
    for name in EXCHANGES:
        reason = PENDING.get((name, check))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params


def _operation(method: str, path: str) -> Operation:
    op = SPEC.find(method, path)
    assert op is not None, f"no operation in the spec serves {method} {path}"
    return op


def _static_captures(exchange: Exchange) -> dict[str, Any]:
    """Captured names for the offline checks: from the recorded bodies, else a sample id."""
    found: dict[str, Any] = {}
    for step in exchange.interactions:
        for name, pointer in step.capture.items():
            body = step.response.body if step.response and step.response.has_body else None
            found[name] = _at(body, pointer) if body is not None else 1
    return found


def _at(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _non_json_ok(spec: Spec, op: Operation, response: Response) -> list[str]:
    """A blank or HTML body is valid when the spec documents the status with no body, or with
    a media type that carries text (`text/plain`, `text/html`)."""
    documented = spec.resolve(op.responses.get(str(response.status)))
    if not isinstance(documented, dict):
        return [f"{op.operation_id}: status {response.status} is not documented"]
    media = set(documented.get("content", {}))
    wanted = {"text/html"} if response.body_kind == "html" else {"text/plain", "text/html"}
    if not media or media & wanted:
        return []
    return [f"{op.operation_id} {response.status}: a {response.body_kind} body; spec: {media}"]


def response_errors(spec: Spec, exchange: Exchange, now: datetime) -> list[str]:
    captures = _static_captures(exchange)
    errors: list[str] = []
    for step in exchange.interactions:
        response = step.response
        if response is None or response.body_kind == "none":
            continue
        path = fill(step.request.path, now, captures)
        op = _operation(step.request.method, path)
        if response.body_kind != "json":
            errors += _non_json_ok(spec, op, response)
            continue
        pointer = spec.response_schema_pointer(op, response.status)
        if pointer is None:
            errors.append(f"{op.operation_id}: no JSON schema for status {response.status}")
            continue
        body = fill(response.body, now, captures)
        for err in spec.validator_at(pointer).iter_errors(body):
            where = "/".join(str(p) for p in err.absolute_path)
            errors.append(f"{op.operation_id} {response.status} /{where}: {err.message[:160]}")
    return errors


def request_errors(spec: Spec, exchange: Exchange, now: datetime) -> list[str]:
    captures = _static_captures(exchange)
    errors: list[str] = []
    for step in exchange.interactions:
        request = step.request
        if not request.has_body:
            continue
        op = _operation(request.method, fill(request.path, now, captures))
        pointer = spec.request_schema_pointer(op)
        found = (
            list(spec.validator_at(pointer).iter_errors(fill(request.body, now, captures)))
            if pointer
            else []
        )
        if request.valid:
            for err in found:
                where = "/".join(str(p) for p in err.absolute_path)
                errors.append(f"{op.operation_id} request /{where}: {err.message[:160]}")
        elif not found:
            errors.append(f"{op.operation_id}: live refused this body, the spec accepts it")
    return errors


# --- the corpus's own rules ------------------------------------------------------------------


def test_corpus_is_consistent() -> None:
    """Every fact names real operations and at least one source; every exchange cites facts,
    has evidence, and every path it calls is an operation of the spec."""
    now = datetime.now()
    for fact in FACTS.values():
        assert fact.kind in KINDS
        assert fact.sources, fact.id
        for op_id in fact.operations:
            assert op_id == "*" or op_id in SPEC.operations, f"{fact.id}: unknown {op_id}"
    cited = {f for ex in EXCHANGES.values() for f in ex.facts}
    assert cited <= set(FACTS)
    for exchange in EXCHANGES.values():
        assert exchange.facts, exchange.name
        assert any(s.role == "evidence" for s in exchange.interactions), exchange.name
        captures = _static_captures(exchange)
        for step in exchange.interactions:
            _operation(step.request.method, fill(step.request.path, now, captures))


# --- (a) and (b): offline, against the spec --------------------------------------------------


@pytest.mark.parametrize("name", _cases("response"))
def test_recorded_responses_validate(name: str) -> None:
    assert response_errors(SPEC, EXCHANGES[name], datetime.now()) == []


@pytest.mark.parametrize("name", _cases("request"))
def test_recorded_requests_validate_as_live_judged(name: str) -> None:
    assert request_errors(SPEC, EXCHANGES[name], datetime.now()) == []


# --- (c): replayed against a real sandbox ----------------------------------------------------


@pytest.fixture(scope="module")
def replay_sandbox(request: pytest.FixtureRequest) -> Iterator[RunningSandbox]:
    """One sandbox per mode (the parameter), shared by that mode's exchanges."""
    quirks = LIVE_QUIRKS if request.param == "live-like" else ()
    with running_sandbox(quirks=quirks) as sb:
        yield sb


def _kind(response: httpx.Response) -> tuple[str, Any]:
    text = response.text
    if not text.strip():
        return "blank", None
    try:
        return "json", json.loads(text)
    except ValueError:
        return ("html" if "<html" in text.lower() else "text"), None


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string" if isinstance(value, str) else type(value).__name__


def shape_diff(recorded: Any, actual: Any, where: str, typed: bool) -> list[str]:
    """Where `actual` lacks the recorded body's shape: every recorded key present, the same
    containers; with `typed`, the same scalar kinds too. Null on either side matches anything
    (live answers null for unset fields)."""
    if recorded is None or actual is None:
        return []
    if isinstance(recorded, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{where or '/'}: an object recorded, got {_scalar(actual)}"]
        out = []
        for key, value in recorded.items():
            if key not in actual:
                out.append(f"{where}/{key}: missing")
            else:
                out += shape_diff(value, actual[key], f"{where}/{key}", typed)
        return out
    if isinstance(recorded, list):
        if not isinstance(actual, list):
            return [f"{where or '/'}: a list recorded, got {_scalar(actual)}"]
        if recorded and not actual:
            return [f"{where or '/'}: entries recorded, got an empty list"]
        return shape_diff(recorded[0], actual[0], f"{where}/0", typed) if recorded else []
    if isinstance(actual, Mapping | list):
        return [f"{where}: a {_scalar(recorded)} recorded, got a container"]
    if typed and _scalar(recorded) != _scalar(actual):
        return [f"{where}: a {_scalar(recorded)} recorded, got {_scalar(actual)} {actual!r}"]
    return []


def replay(sb: RunningSandbox, exchange: Exchange, typed: bool) -> list[str]:
    """Run the exchange against `sb` (reset first); the differences found, step by step."""
    sb.reset()
    now = datetime.fromisoformat(sb.admin.get("/_sandbox/clock").json()["now"])
    captures: dict[str, Any] = {}
    out: list[str] = []
    with sb.client() as api:
        for i, step in enumerate(exchange.interactions):
            got = _send(sb, api, step, now, captures)
            label = f"[{i}] {step.request.method} {step.request.path}"
            if step.role == "setup":
                if got.status_code != step.expect_status:
                    return [*out, f"{label}: setup answered {got.status_code}: {got.text[:200]}"]
            else:
                assert step.response is not None
                out += _compare(label, step.response, got, now, captures, typed)
            _, body = _kind(got)
            for name, pointer in step.capture.items():
                try:
                    captures[name] = _at(body, pointer)
                except (KeyError, IndexError, TypeError, ValueError):
                    return [*out, f"{label}: no {pointer} to capture {name} ({got.status_code})"]
    return out


def _send(
    sb: RunningSandbox,
    api: httpx.Client,
    step: Interaction,
    now: datetime,
    captures: Mapping[str, Any],
) -> httpx.Response:
    request = step.request
    params = dict(fill(dict(request.query), now, captures))
    if request.auth == "invalid":
        params["api_key"] = "invalid-api-key"
    kwargs: dict[str, Any] = {"params": params}
    if request.has_body:
        kwargs["json"] = fill(request.body, now, captures)
    path = fill(request.path, now, captures)
    if request.auth == "invalid":
        with httpx.Client(base_url=sb.base_url, timeout=30) as anonymous:
            return anonymous.request(request.method, path, **kwargs)
    return api.request(request.method, path, **kwargs)


def _compare(
    label: str,
    recorded: Response,
    got: httpx.Response,
    now: datetime,
    captures: Mapping[str, Any],
    typed: bool,
) -> list[str]:
    if got.status_code // 100 != recorded.status // 100:
        return [f"{label}: {recorded.status} recorded, got {got.status_code}: {got.text[:200]}"]
    if recorded.body_kind == "none":
        return []
    kind, body = _kind(got)
    if kind != recorded.body_kind:
        return [f"{label}: a {recorded.body_kind} body recorded, got {kind}: {got.text[:120]}"]
    if kind != "json":
        return []
    diffs = shape_diff(fill(recorded.body, now, captures), body, "", typed)
    return [f"{label} {d}" for d in diffs]


def _replay_cases() -> list[Any]:
    params = []
    for mode in MODES:
        for name in EXCHANGES:
            reason = PENDING.get((name, f"replay-{mode}"))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(mode, name, id=f"{mode}-{name}", marks=marks))
    return params


@pytest.mark.parametrize(
    ("replay_sandbox", "name"), _replay_cases(), indirect=["replay_sandbox"], scope="module"
)
def test_exchange_replays_on_the_sandbox(replay_sandbox: RunningSandbox, name: str) -> None:
    """Scalar kinds are compared only for recorded live bodies against the live-like sandbox:
    the default mode may answer in the documented forms (the spec accepts both)."""
    exchange = EXCHANGES[name]
    live_like = bool(replay_sandbox.sandbox and replay_sandbox.sandbox.quirks)
    typed = live_like and exchange.derived_from == "recorded-live"
    assert replay(replay_sandbox, exchange, typed) == []
