"""Temporary re-export while branches merge: use `invoicexpress_core.spec`."""

from invoicexpress_core.spec import (
    HTTP_METHODS,
    SPEC_URI,
    DocumentType,
    Operation,
    Spec,
    compiled_json,
    compiled_path,
    escape_pointer,
    load_spec,
    sha256_of,
    spec_path,
)

__all__ = [
    "HTTP_METHODS",
    "SPEC_URI",
    "DocumentType",
    "Operation",
    "Spec",
    "compiled_json",
    "compiled_path",
    "escape_pointer",
    "load_spec",
    "sha256_of",
    "spec_path",
]
