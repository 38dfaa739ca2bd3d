"""Load the curated spec once, as typed objects, and index its operations.

Every consumer (client, sandbox, contract suites, drift reports, tests) reads the spec through
this module, so that none of them copies a schema, a path, an enum or a document type by hand.

Fast loading: parsing the 12,600-line YAML in pure Python takes seconds. `ixc spec build` writes
a JSON twin next to it (`invoicexpress.json`, holding the YAML's sha256 and the document); the
loader uses the twin only when that sha256 matches the YAML's bytes, so a stale or missing twin
(a hand-edited file, `IXC_SPEC` pointing elsewhere) falls back to the YAML and is never wrong.
jsonschema and yaml are imported only when a validator or a YAML parse is really asked for.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .calendar import rebase
from .machines import StateMachine

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError
    from referencing import Registry

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
_REPO_SPEC = Path(__file__).resolve().parents[2] / "spec" / "invoicexpress.yaml"
_PACKAGED_SPEC = Path(__file__).resolve().parent / "_spec" / "invoicexpress.yaml"
SPEC_URI = "urn:invoicexpress-contract:spec"
DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"


@dataclass(frozen=True)
class DocumentType:
    """One row of the spec's `x-document-types` table."""

    segment: str  # path segment, e.g. "credit_notes"
    key: str  # singular root key, e.g. "credit_note"
    type: str  # `type` value in bodies, e.g. "CreditNote"
    family: str  # invoices | estimates | guides | purchase_orders | receipts
    generic_key: str  # the family's generic request key ("invoice", "quote", ...)
    legacy: bool = False  # absent from the vendor's current bundle


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def spec_path() -> Path:
    """The spec in use: `$IXC_SPEC`, else the repository's, else the copy in the wheel."""
    override = os.environ.get("IXC_SPEC")
    if override:
        return Path(override)
    return _REPO_SPEC if _REPO_SPEC.exists() else _PACKAGED_SPEC


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with the pieces consumers ask for most."""

    operation_id: str
    method: str
    path: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def pointer(self) -> str:
        """JSON pointer of this operation inside the spec document."""
        return f"/paths/{escape_pointer(self.path)}/{self.method.lower()}"

    @property
    def tag(self) -> str:
        tags = self.raw.get("tags") or ["untagged"]
        return str(tags[0])

    @property
    def responses(self) -> dict[str, Any]:
        return dict(self.raw.get("responses", {}))

    @property
    def status_codes(self) -> list[int]:
        return sorted(int(code) for code in self.responses if code.isdigit())

    @property
    def state_machine(self) -> dict[str, Any] | None:
        sm = self.raw.get("x-state-machine")
        return dict(sm) if sm else None

    @functools.cached_property
    def machine(self) -> StateMachine | None:
        """`x-state-machine` as a typed object (None when the operation has none)."""
        sm = self.raw.get("x-state-machine")
        return StateMachine.from_spec(sm) if sm else None

    @property
    def error_messages(self) -> tuple[str, ...]:
        """The 422 messages documented for this operation (`x-error-messages`)."""
        resp = self.responses.get("422") or {}
        return tuple(str(m) for m in resp.get("x-error-messages", ()))

    @property
    def document_type(self) -> str | None:
        value = self.raw.get("x-document-type")
        return str(value) if value else None

    @property
    def family(self) -> str | None:
        value = self.raw.get("x-family")
        return str(value) if value else None

    @property
    def path_regex(self) -> re.Pattern[str]:
        """Matches concrete paths; groups are the parameter names with `-` turned into `_`."""
        parts = re.split(r"\{([^}]+)\}", self.path)
        pattern = "".join(
            re.escape(part) if i % 2 == 0 else f"(?P<{part.replace('-', '_')}>[^/]+)"
            for i, part in enumerate(parts)
        )
        return re.compile(f"^{pattern}$")


@dataclass(frozen=True)
class Spec:
    """The parsed document, its hash and its operations by operationId."""

    document: dict[str, Any] = field(repr=False)
    path: Path
    sha256: str

    @functools.cached_property
    def operations(self) -> dict[str, Operation]:
        ops: dict[str, Operation] = {}
        for path, item in self.document.get("paths", {}).items():
            for method in HTTP_METHODS:
                raw = item.get(method)
                if raw is None:
                    continue
                op = Operation(str(raw["operationId"]), method.upper(), path, raw)
                ops[op.operation_id] = op
        return ops

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations.values())

    @functools.cached_property
    def machines(self) -> dict[str, StateMachine]:
        """Every state machine by document type (segment), e.g. `machines["invoices"]`."""
        return {m.document_type: m for op in self if (m := op.machine) is not None}

    @functools.cached_property
    def document_types(self) -> dict[str, DocumentType]:
        """The document-type table (`x-document-types`) by path segment."""
        return {
            str(row["segment"]): DocumentType(**row)
            for row in self.document.get("x-document-types", ())
        }

    @functools.cached_property
    def enums(self) -> dict[str, tuple[Any, ...]]:
        """Every named enum of `components/schemas`, e.g. `enums["Country"]`."""
        return {
            name: tuple(schema["enum"])
            for name, schema in self.document.get("components", {}).get("schemas", {}).items()
            if isinstance(schema, dict) and "enum" in schema
        }

    @functools.cached_property
    def error_catalogue(self) -> dict[str, tuple[str, ...]]:
        """The documented 422 messages, by operationId (empty operations left out)."""
        return {op.operation_id: op.error_messages for op in self if op.error_messages}

    @functools.cached_property
    def messages(self) -> dict[str, str]:
        """Every error wording by key (`x-error-catalogue`), with `{name}` placeholders."""
        return {str(k): str(v) for k, v in self.document.get("x-error-catalogue", {}).items()}

    @functools.cached_property
    def translations(self) -> dict[str, list[dict[str, Any]]]:
        """Per language, the evidenced wordings of English messages (`x-error-translations`)."""
        return dict(self.document.get("x-error-translations", {}))

    def translate(self, message: str, language: str, operation_id: str | None = None) -> str:
        """`message` as an account in `language` reads it; English where none is evidenced."""
        for entry in self.translations.get(language, ()):
            ops = entry.get("operations")
            if entry["en"] == message and (not ops or operation_id in ops):
                return str(entry["text"])
        return message

    def wordings(self, message: str, operation_id: str | None = None) -> tuple[str, ...]:
        """Every evidenced wording of `message`, English first: what a suite accepts from an
        account whose language it does not know."""
        out = [message]
        for language in self.translations:
            out.append(self.translate(message, language, operation_id))
        return tuple(dict.fromkeys(out))

    def message(self, key: str, **values: object) -> str:
        """The wording of message `key` with its placeholders filled in (KeyError if unknown)."""
        return self.messages[key].format(**values)

    @functools.cached_property
    def examples_date(self) -> dt.date:
        """The day the examples were written for (`info.x-examples-date`); see `calendar`."""
        stated = self.document.get("info", {}).get("x-examples-date")
        return dt.date.fromisoformat(str(stated)) if stated else dt.date.today()

    def request_example(self, op: Operation, today: dt.date | None = None) -> Any:
        """A fresh copy of the operation's `sandbox` request example (else its `example`; None
        without a body), its dates moved to `today` when given: what a sender should send."""
        body = op.raw.get("requestBody")
        if not body:
            return None
        media = self.resolve(body)["content"].get("application/json", {})
        examples = media.get("examples") or {}
        if "sandbox" in examples:
            value = self.resolve(examples["sandbox"])["value"]
        elif "example" in media:
            value = media["example"]
        else:
            return None
        return rebase(value, self.examples_date, today or self.examples_date)

    @functools.cached_property
    def _registry(self) -> Registry[Any]:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        resource: Resource[Any] = Resource.from_contents(
            self.document, default_specification=DRAFT202012
        )
        registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        return registry

    def validator_at(self, pointer: str) -> Draft202012Validator:
        """A compiled validator for the schema at `pointer` (cached; `$ref`s resolve)."""
        from jsonschema import Draft202012Validator

        cache: dict[str, Draft202012Validator] = self.__dict__.setdefault("_validators", {})
        if pointer not in cache:
            cache[pointer] = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return cache[pointer]

    def errors_at(self, pointer: str, instance: Any) -> Iterator[ValidationError]:
        """`validator_at(pointer).iter_errors(instance)`, after a fast pass: jsonschema-rs, when
        installed, clears a valid instance about ten times faster; jsonschema judges and words
        only what it refuses (so a stricter format check there changes nothing)."""
        fast = self._fast_validator(pointer)
        if fast is not None and fast.is_valid(instance):
            return iter(())
        return self.validator_at(pointer).iter_errors(instance)

    def _fast_validator(self, pointer: str) -> Any:
        cache: dict[str, Any] = self.__dict__.setdefault("_fast_validators", {})
        if pointer not in cache:
            registry = self._fast_registry
            cache[pointer] = None
            if registry is not None:
                import jsonschema_rs

                ref = f"{SPEC_URI}#{quote(pointer, safe='/~')}"
                schema = {"$schema": DRAFT_2020_12, "$ref": ref}
                cache[pointer] = jsonschema_rs.validator_for(
                    schema, registry=registry, validate_formats=True
                )
        return cache[pointer]

    @functools.cached_property
    def _fast_registry(self) -> Any:
        try:
            import jsonschema_rs
        except ImportError:  # the [spec] extra alone: jsonschema does it all
            return None
        return jsonschema_rs.Registry([(SPEC_URI, {**self.document, "$schema": DRAFT_2020_12})])

    def response_schema_pointer(
        self, op: Operation, status: int | str, media: str = "application/json"
    ) -> str | None:
        """Pointer of the schema documented for `status`, or None when there is none."""
        response = self.resolve(op.responses.get(str(status)))
        if not isinstance(response, dict):
            return None
        ref = op.responses[str(status)].get("$ref")
        base = ref[1:] if ref else f"{op.pointer}/responses/{status}"
        if media not in response.get("content", {}):
            return None
        return f"{base}/content/{escape_pointer(media)}/schema"

    def request_schema_pointer(self, op: Operation, media: str = "application/json") -> str | None:
        if media not in op.raw.get("requestBody", {}).get("content", {}):
            return None
        return f"{op.pointer}/requestBody/content/{escape_pointer(media)}/schema"

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` (repeatedly) to the node it names."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.pointer(node["$ref"])
        return node

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def find(self, method: str, path: str) -> Operation | None:
        """The operation serving a concrete request path (exact paths win over templates)."""
        method = method.upper()
        candidates = [op for op in self if op.method == method]
        for op in candidates:
            if op.path == path:
                return op
        for op in candidates:
            if "{" in op.path and op.path_regex.match(path):
                return op
        return None


def load_spec(path: Path | None = None) -> Spec:
    """Parse the spec at `path` (default: `spec_path()`); cached per path."""
    return _load(str(path or spec_path()))


def compiled_path(yaml_path: Path) -> Path:
    """Where the JSON twin of a YAML spec lives: next to it, same stem."""
    return yaml_path.with_suffix(".json")


def compiled_json(yaml_bytes: bytes, document: Any) -> str:
    """The JSON twin's text for a YAML spec (keyed by the YAML's sha256)."""
    sha = hashlib.sha256(yaml_bytes).hexdigest()
    return json.dumps({"source_sha256": sha, "document": document}, ensure_ascii=False) + "\n"


def parse_yaml(text: str | bytes) -> Any:
    """YAML read by libyaml when PyYAML was built with it: 6x its pure-Python parser (the spec:
    2 s -> 0.3 s). The one YAML reader of hand-written code; YAMLError still says what broke."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def _read_twin(yaml_path: Path, sha: str) -> Any:
    twin = compiled_path(yaml_path)
    if yaml_path.suffix not in (".yaml", ".yml") or not twin.is_file():
        return None
    try:
        data = json.loads(twin.read_bytes())
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("source_sha256") != sha:
        return None
    return data.get("document")


@functools.lru_cache(maxsize=8)
def _load(path_str: str) -> Spec:
    path = Path(path_str)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    document = _read_twin(path, sha)
    if document is None:  # no current twin: the slow path
        document = parse_yaml(data)
    if not isinstance(document, dict) or "openapi" not in document:
        raise ValueError(f"{path} is not an OpenAPI document (no 'openapi' key)")
    return Spec(document=document, path=path, sha256=sha)
