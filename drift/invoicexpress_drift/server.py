"""Server drift: what a server was observed doing that the spec does not say.

Every exchange of a recording is matched to its operation and its response checked against the
documented status codes, media types and schema. Field-level findings are keyed by *schema*
pointer (array indexes do not exist there), so one undocumented field seen in 300 invoices is
one finding with a count of 300. Change-state exchanges are also checked against
`x-state-machine`, with the document's status before taken from the last exchange that showed it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from invoicexpress_core.errors import template_regex
from invoicexpress_core.exchange import Exchange, redact_json, redact_text, redact_url
from invoicexpress_core.spec import Operation, Spec
from invoicexpress_drift._model import Finding, join_pointer
from invoicexpress_drift._schema import alternatives, json_type, merged, resolve, type_set
from invoicexpress_drift.rules import SERVER_RULES

_DDMMYYYY = re.compile(r"^\d{2}/\d{2}/\d{4}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")
_SAMPLE_DMY = "03/12/2017"
_SAMPLE_ISO = "2017-12-03"
_MAX_EXAMPLE = 300
ERROR_SCHEMA_NAMES = (
    "ErrorsObject", "ErrorsList", "ErrorsStrings", "BareArray", "ModelErrors",
    "CodedError", "SimpleError", "ReasonError", "MessageBody",
)  # fmt: skip


@dataclass
class _Issue:
    rule: str
    pointer: str
    location: str
    message: str
    example: Any


@dataclass
class _Aggregate:
    findings: dict[tuple[str, str, str], Finding] = field(default_factory=dict)

    def add(self, operation: str, issue: _Issue, secrets: Iterable[str]) -> None:
        key = (issue.rule, operation, issue.pointer)
        found = self.findings.get(key)
        if found is not None:
            found.count += 1
            return
        self.findings[key] = Finding(
            rule=issue.rule,
            level=SERVER_RULES[issue.rule].level,
            operation=operation,
            pointer=issue.pointer,
            location=issue.location,
            message=issue.message,
            example=_safe_example(issue.example, secrets),
        )


def _safe_example(value: Any, secrets: Iterable[str]) -> Any:
    """Redacted through `invoicexpress_core.exchange`, then shortened: examples are for reading,
    not replay."""
    value = redact_json(value)
    text = redact_text(json.dumps(value, ensure_ascii=False, sort_keys=True), tuple(secrets))
    if len(text) > _MAX_EXAMPLE:
        return text[: _MAX_EXAMPLE - 1] + "…"
    return json.loads(text)


def _status_key(responses: dict[str, Any], status: int) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    return None


class ServerDrift:
    """Checks exchanges against one spec and aggregates what it finds."""

    def __init__(self, spec: Spec, *, secrets: Iterable[str] = ()) -> None:
        self.spec = spec
        self.doc = spec.document
        self.secrets = tuple(s for s in secrets if s)
        self._agg = _Aggregate()
        self._status_by_doc: dict[str, str] = {}
        self._validator = _Validator(self.doc)
        self.exchanges = 0

    # --- entry points ---------------------------------------------------------------------

    def feed(self, exchanges: Iterable[Exchange]) -> None:
        for ex in exchanges:
            self.check(ex)

    def findings(self) -> list[Finding]:
        out = list(self._agg.findings.values())
        out.sort(key=lambda f: (f.operation, -f.level, f.rule, f.pointer))
        return out

    def operation_for(self, ex: Exchange) -> Operation | None:
        """The recorded operationId when it fits the request, else whatever serves the path."""
        op = self.spec.operations.get(ex.operation_id or "")
        if op is not None and op.method == ex.method.upper() and op.path_regex.match(ex.path):
            return op
        return self.spec.find(ex.method, ex.path) or op

    def check(self, ex: Exchange) -> None:
        self.exchanges += 1
        op = self.operation_for(ex)
        if op is None and ex.status in (404, 405):
            return  # a refused undocumented method or path is what the spec implies
        if op is None:
            # Numeric segments become `{id}`: one finding per undocumented route, not per id.
            route = re.sub(r"/\d+(?=/|\.|$)", "/{id}", ex.path)
            self._add(
                f"{ex.method.upper()} {route}",
                _Issue(
                    "undocumented-operation",
                    "",
                    f"{ex.method.upper()} {route}",
                    f"{ex.method.upper()} {route} answered {ex.status} but is not in the spec",
                    {"url": redact_url(ex.url), "status": ex.status},
                ),
            )
            return
        for issue in [*self._check_security(op, ex), *self._check_response(op, ex)]:
            self._add(op.operation_id, issue)
        if op.state_machine:
            for issue in self._check_transition(op, ex):
                self._add(op.operation_id, issue)
        self._remember_status(op, ex)

    def _add(self, operation: str, issue: _Issue) -> None:
        self._agg.add(operation, issue, self.secrets)

    # --- security -------------------------------------------------------------------------

    def _check_security(self, op: Operation, ex: Exchange) -> list[_Issue]:
        """A 2xx for a request that carried none of the documented credential alternatives."""
        if not 200 <= ex.status < 300:
            return []
        requirements = op.raw.get("security", self.doc.get("security")) or []
        schemes = (self.doc.get("components") or {}).get("securitySchemes") or {}
        query = {k.lower() for k, _ in parse_qsl(urlsplit(ex.url).query, keep_blank_values=True)}
        headers = {k.lower() for k in ex.request_headers}
        if not requirements or any(not req for req in requirements):
            return []  # anonymous access is documented
        for req in requirements:
            satisfied = True
            for name in req:
                scheme = resolve(self.doc, schemes.get(name) or {})
                where, key = scheme.get("in"), str(scheme.get("name", "")).lower()
                if scheme.get("type") != "apiKey" or where not in ("query", "header"):
                    break  # a scheme we cannot see in a recording: assume it was met
                if key not in (query if where == "query" else headers):
                    satisfied = False
            if satisfied:
                return []
        names = ", ".join(sorted({n for req in requirements for n in req}))
        return [
            _Issue(
                "security-not-enforced",
                "/security",
                "credentials",
                f"answered {ex.status} to a request without the documented credentials ({names})",
                {"url": redact_url(ex.url), "status": ex.status},
            )
        ]

    # --- responses ------------------------------------------------------------------------

    def _check_response(self, op: Operation, ex: Exchange) -> list[_Issue]:
        responses = op.responses
        key = _status_key(responses, ex.status)
        if key is None:
            ok = 200 <= ex.status < 300
            rule = "undocumented-success-status" if ok else "undocumented-status-code"
            issues = [
                _Issue(
                    rule,
                    join_pointer("/responses", ex.status),
                    f"status {ex.status}",
                    f"status {ex.status} is not documented "
                    f"(documented: {', '.join(sorted(responses))})",
                    ex.status,
                )
            ]
            if (
                ex.status >= 400
                and ex.response_body not in (None, "")
                and not self._matches_named_error(ex.response_body)
            ):
                issues.append(self._error_shape_issue(ex, join_pointer("/responses", ex.status)))
            return issues
        response = resolve(self.doc, responses[key])
        content = (response.get("content") or {}) if isinstance(response, dict) else {}
        base = join_pointer("/responses", key)
        body = ex.response_body
        if body in (None, ""):
            return []
        ctype = ex.content_type
        if not content:
            return [
                _Issue(
                    "undocumented-content-type",
                    join_pointer(base, "content"),
                    f"response {key}",
                    f"status {ex.status} documents no body "
                    f"but a `{ctype or 'untyped'}` body came back",
                    body,
                )
            ]
        media = _pick_media(content, ctype)
        if media is None:
            return [
                _Issue(
                    "undocumented-content-type",
                    join_pointer(base, "content", ctype or "(none)"),
                    f"response {key}",
                    f"media type `{ctype or '(none)'}` not documented for {key} "
                    f"(documented: {', '.join(sorted(content))})",
                    {"content-type": ctype},
                )
            ]
        schema = (content[media] or {}).get("schema")
        if schema is None or "json" not in media:
            return []
        ptr = join_pointer(base, "content", media, "schema")
        issues = self._validator.check(body, schema, ptr, "")
        if ex.status >= 400 and issues:
            return [self._error_shape_issue(ex, ptr)]
        return issues

    def _error_shape_issue(self, ex: Exchange, ptr: str) -> _Issue:
        return _Issue(
            "undocumented-error-shape",
            ptr,
            f"status {ex.status} body",
            f"status {ex.status} body matches no documented error shape",
            ex.response_body,
        )

    def _matches_named_error(self, body: Any) -> bool:
        schemas = (self.doc.get("components") or {}).get("schemas") or {}
        for name in ERROR_SCHEMA_NAMES:
            if name in schemas and not self._validator.check(body, schemas[name], "", ""):
                return True
        return False

    # --- state machines -------------------------------------------------------------------

    def _refused_for_another_reason(self, op: Operation, body: Any) -> bool:
        """Whether a 422 names a refusal the spec documents for this operation (its
        `x-error-messages`) other than the state machine's own "not from this state": such an
        answer (a date before the series' last final document) says nothing about
        transitions. Documented messages quote `x-error-catalogue` templates with example
        values, so an observed message matches a documented one through its template."""
        key = _status_key(op.responses, 422)
        response = resolve(self.doc, op.responses[key]) if key else {}
        documented = response.get("x-error-messages") if isinstance(response, dict) else None
        if not isinstance(documented, list):
            documented = []
        refusal = op.machine.error_message("invalid_transition", "") if op.machine else ""
        templates = [
            template_regex(str(t)) for t in (self.doc.get("x-error-catalogue") or {}).values()
        ]

        def same(observed: str, known: str) -> bool:
            if observed == known:
                return True
            return any(t.match(known) and t.match(observed) for t in templates)

        # the operation's own reasons, and any wording of the catalogue (a fuzzed message gets
        # "Message contains characters that are not allowed": the input refused, not the move)
        catalogue = [str(m) for m in (self.doc.get("x-error-catalogue") or {}).values()]
        reasons = [str(m) for m in [*documented, *catalogue] if str(m) != refusal]
        return any(same(text, known) for text in _strings(body) for known in reasons)

    def _doc_key(self, op: Operation, ex: Exchange) -> str | None:
        m = op.path_regex.match(ex.path)
        if not m:
            return None
        ids = [v for k, v in m.groupdict().items() if "type" not in k]
        return _doc_id(op, ex, ids[-1]) if ids else None

    def _remember_status(self, op: Operation, ex: Exchange) -> None:
        if not 200 <= ex.status < 300:
            return
        status = _document_status(ex.response_body)
        if status is None:
            return
        found = _document_id(ex.response_body)
        doc_id = _doc_id(op, ex, found) if found is not None else self._doc_key(op, ex)
        if doc_id is not None:
            self._status_by_doc[doc_id] = status

    def _check_transition(self, op: Operation, ex: Exchange) -> list[_Issue]:
        machine = op.machine
        event = _requested_event(ex.request_body)
        if event is None or machine is None:
            return []
        canonical = machine.canonical(event)
        doc_id = self._doc_key(op, ex)
        before = ex.meta.get("status_before") or (
            self._status_by_doc.get(doc_id) if doc_id else None
        )
        after = ex.meta.get("status_after") or (
            _document_status(ex.response_body) if 200 <= ex.status < 300 else None
        )
        base = "/x-state-machine/transitions"
        if canonical not in machine.events:
            if not 200 <= ex.status < 300:
                return []  # refusing an unknown event is what the state machine implies
            return [
                _Issue(
                    "state-event-undocumented",
                    join_pointer("/x-state-machine/events", event),
                    f"event {event}",
                    f"event `{event}` is neither an event nor an alias of the state machine",
                    {"event": event, "status": ex.status},
                )
            ]
        if before is None or (machine.states and before not in machine.states):
            return []  # an unknown status is an enum finding, not evidence about transitions
        matching = [t for t in machine.transitions if t.source == before and t.event == canonical]
        ok = 200 <= ex.status < 300
        if ok and not matching:
            return [
                _Issue(
                    "state-transition-undocumented",
                    join_pointer(base, f"{before} -{canonical}->"),
                    f"{before} --{canonical}-->",
                    f"`{canonical}` from `{before}` succeeded ({ex.status}), "
                    "but the state machine has no such transition",
                    {"from": before, "event": event, "to": after, "status": ex.status},
                )
            ]
        if ok and after is not None and all(t.target != after for t in matching):
            documented = ", ".join(t.target for t in matching)
            return [
                _Issue(
                    "state-transition-target-mismatch",
                    join_pointer(base, f"{before} -{canonical}-> {documented}"),
                    f"{before} --{canonical}-->",
                    f"`{canonical}` from `{before}` ended in `{after}`, documented: `{documented}`",
                    {"from": before, "event": event, "to": after},
                )
            ]
        if not ok and ex.status == 422 and matching:
            sent = _document_fields(ex.request_body)
            t = matching[0]
            met = all(r in sent and sent[r] not in (None, "") for r in t.requires)
            if met and not self._refused_for_another_reason(op, ex.response_body):
                return [
                    _Issue(
                        "state-transition-refused",
                        join_pointer(base, f"{before} -{canonical}-> {t.target}"),
                        f"{before} --{canonical}-->",
                        f"documented transition `{canonical}` from `{before}` "
                        f"was refused with {ex.status}",
                        {
                            "from": before,
                            "event": event,
                            "status": ex.status,
                            "body": ex.response_body,
                        },
                    )
                ]
        return []


def _strings(value: Any) -> list[str]:
    """Every string in an error body, whatever its documented shape."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _pick_media(content: dict[str, Any], ctype: str) -> str | None:
    if ctype in content:
        return ctype
    for media in content:
        if (media.endswith("/*") and ctype.startswith(media[:-1])) or media == "*/*":
            return media
    return None


def _document_fields(body: Any) -> dict[str, Any]:
    """The document object of a request/response body: the one dict under the root key."""
    if not isinstance(body, dict):
        return {}
    inner = [v for v in body.values() if isinstance(v, dict)]
    return inner[0] if len(inner) == 1 else body


def _requested_event(body: Any) -> str | None:
    state = _document_fields(body).get("state")
    return str(state) if isinstance(state, str) else None


def _doc_id(op: Operation, ex: Exchange, number: object) -> str:
    """A document as drift tracks its status: by server, type and id. Another type's document
    may share the number, and so may another server's: a managed run gives each pytest-xdist
    worker a sandbox of its own, whose ids start at 1 too (merged into one recording, one
    worker's final invoice 5 made the other's draft 5 look finalised twice)."""
    return f"{urlsplit(ex.url).netloc}:{op.document_type or ''}:{number}"


def _document_status(body: Any) -> str | None:
    status = _document_fields(body).get("status")
    return str(status) if isinstance(status, str) else None


def _document_id(body: Any) -> str | None:
    value = _document_fields(body).get("id")
    return str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None


class _Validator:
    """Walks a value against a schema, classifying each discrepancy by drift rule."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        # Each schema node resolved, merged, split and typed once per drift run, not once per
        # value: a quick run's 3,000 responses walk the same few hundred nodes 100,000 times.
        self._shapes: dict[int, tuple[Any, dict[str, Any], list[dict[str, Any]], frozenset[str]]]
        self._shapes = {}

    def _shape(self, schema: Any) -> tuple[dict[str, Any], list[dict[str, Any]], frozenset[str]]:
        """The node merged, its `oneOf`/`anyOf` branches and its types (kept with the node, so
        that an id is never reused for another)."""
        known = self._shapes.get(id(schema))
        if known is not None and known[0] is schema:
            return known[1], known[2], known[3]
        s = merged(self.doc, schema)
        branches = alternatives(self.doc, s) if s else []
        types = type_set(self.doc, s) if s else frozenset()
        self._shapes[id(schema)] = (schema, s, branches, types)
        return s, branches, types

    def check(self, value: Any, schema: Any, ptr: str, loc: str, depth: int = 0) -> list[_Issue]:
        if depth > 40:
            return []
        s, branches, types = self._shape(schema)
        if not s:
            return []
        if branches:
            best: list[_Issue] | None = None
            for i, branch in enumerate(branches):
                kw = "oneOf" if "oneOf" in s else "anyOf"
                found = self.check(value, branch, join_pointer(ptr, kw, i), loc, depth + 1)
                if not found:
                    return []
                if best is None or len(found) < len(best):
                    best = found
            if "type" not in s and "properties" not in s:
                return best or []
        issues = self._type(value, types, ptr, loc)
        if issues:
            return issues
        if isinstance(value, str):
            issues += self._string(value, s, ptr, loc)
        if "enum" in s and value not in s["enum"] and value is not None:
            issues.append(
                _Issue("undocumented-enum-value", join_pointer(ptr, "enum"), loc or "(body)",
                       f"`{loc or 'body'}`: {json.dumps(value)} is not in the enum", value)
            )  # fmt: skip
        if isinstance(value, dict):
            issues += self._object(value, s, ptr, loc, depth)
        elif isinstance(value, list) and isinstance(s.get("items"), dict):
            for item in value:
                issues += self.check(item, s["items"], ptr + "/items", f"{loc}[]", depth + 1)
        return _unique(issues)

    def _type(self, value: Any, types: frozenset[str], ptr: str, loc: str) -> list[_Issue]:
        actual = json_type(value)
        if not types or actual in types or (actual == "integer" and "number" in types):
            return []
        where = loc or "(body)"
        p = join_pointer(ptr, "type")
        expected = "|".join(sorted(types))
        if actual == "null":
            return [
                _Issue(
                    "unexpected-null", p, where, f"`{where}` is null; documented {expected}", value
                )
            ]
        if actual == "string" and types & {"number", "integer"} and _NUMERIC.match(value.strip()):
            msg = f"`{where}` is a numeric string; documented {expected}"
            return [_Issue("numeric-string-for-number", p, where, msg, value)]
        if actual in ("number", "integer") and "string" in types:
            return [
                _Issue(
                    "number-for-string",
                    p,
                    where,
                    f"`{where}` is a JSON number; documented string",
                    value,
                )
            ]
        return [
            _Issue(
                "type-mismatch", p, where, f"`{where}` is {actual}; documented {expected}", value
            )
        ]

    def _string(self, value: str, s: dict[str, Any], ptr: str, loc: str) -> list[_Issue]:
        where = loc or "(body)"
        pattern, fmt = s.get("pattern"), s.get("format")
        broken = None
        if (fmt == "date" and not _ISO_DATE.match(value)) or (
            fmt == "date-time" and not _ISO_DATETIME.match(value)
        ):
            broken = "format"
        elif isinstance(pattern, str) and not _search(pattern, value):
            broken = "pattern"
        if broken is None:
            return []
        p = join_pointer(ptr, broken)
        # A date in the *other* of the API's two date formats is its own, sharper finding.
        if _ISO_DATE.match(value[:10]) and _accepts(s, _SAMPLE_DMY):
            msg = f"`{where}` is an ISO date; documented dd/mm/yyyy"
            return [_Issue("date-format-mismatch", p, where, msg, value)]
        if _DDMMYYYY.match(value[:10]) and _accepts(s, _SAMPLE_ISO):
            msg = f"`{where}` is dd/mm/yyyy; documented ISO"
            return [_Issue("date-format-mismatch", p, where, msg, value)]
        shown = fmt if broken == "format" else pattern
        msg = f"`{where}` does not match {broken} `{shown}`"
        return [_Issue("format-mismatch", p, where, msg, value)]

    def _object(
        self, value: dict[str, Any], s: dict[str, Any], ptr: str, loc: str, depth: int
    ) -> list[_Issue]:
        issues: list[_Issue] = []
        props: dict[str, Any] = s.get("properties") or {}
        for name in s.get("required") or []:
            if name not in value:
                where = f"{loc}.{name}" if loc else name
                issues.append(
                    _Issue("missing-required-field", join_pointer(ptr, "properties", name), where,
                           f"required field `{where}` is missing", None)
                )  # fmt: skip
        extra = s.get("additionalProperties")
        for name, item in value.items():
            where = f"{loc}.{name}" if loc else name
            if name in props:
                issues += self.check(
                    item, props[name], join_pointer(ptr, "properties", name), where, depth + 1
                )
            elif isinstance(extra, dict):
                issues += self.check(
                    item, extra, ptr + "/additionalProperties", f"{loc}.*", depth + 1
                )
            elif extra is False or props:
                issues.append(
                    _Issue("undocumented-response-field",
                           join_pointer(ptr, "properties", name), where,
                           f"field `{where}` is not documented", item)
                )  # fmt: skip
        return issues


def _search(pattern: str, value: str) -> bool:
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return True  # a pattern Python cannot read is not evidence against the server


def _accepts(s: dict[str, Any], sample: str) -> bool:
    fmt, pattern = s.get("format"), s.get("pattern")
    if fmt == "date":
        return bool(_ISO_DATE.match(sample))
    if isinstance(pattern, str):
        return _search(pattern, sample)
    return False


def _unique(issues: list[_Issue]) -> list[_Issue]:
    seen: set[tuple[str, str]] = set()
    out = []
    for i in issues:
        if (i.rule, i.pointer) not in seen:
            seen.add((i.rule, i.pointer))
            out.append(i)
    return out
