"""Load the curated spec once and index its operations.

Every consumer (sandbox, contract suites, drift reports, tests) reads the spec through this
module, so that none of them copies a schema or a path by hand.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
_REPO_SPEC = Path(__file__).resolve().parents[2] / "spec" / "invoicexpress.yaml"
_PACKAGED_SPEC = Path(__file__).resolve().parent / "_spec" / "invoicexpress.yaml"
SPEC_URI = "urn:invoicexpress-contract:spec"


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
    def _registry(self) -> Registry[Any]:
        resource: Resource[Any] = Resource.from_contents(
            self.document, default_specification=DRAFT202012
        )
        registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        return registry

    def validator_at(self, pointer: str) -> Draft202012Validator:
        """A compiled validator for the schema at `pointer` (cached; `$ref`s resolve)."""
        cache: dict[str, Draft202012Validator] = self.__dict__.setdefault("_validators", {})
        if pointer not in cache:
            cache[pointer] = Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"},
                registry=self._registry,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return cache[pointer]

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


@functools.lru_cache(maxsize=8)
def _load(path_str: str) -> Spec:
    path = Path(path_str)
    data = path.read_bytes()
    document = yaml.safe_load(data)
    if not isinstance(document, dict) or "openapi" not in document:
        raise ValueError(f"{path} is not an OpenAPI document (no 'openapi' key)")
    return Spec(document=document, path=path, sha256=hashlib.sha256(data).hexdigest())
