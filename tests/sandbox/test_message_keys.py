"""Each error wording is written once: in the spec's `x-error-catalogue`, by key.

The sandbox raises rules by key (`invalid("<key>", ...)`, `say("<key>", ...)`); these tests
read its source so that a wording typed into the sandbox again, or a key the catalogue lacks,
fails here rather than at the first request that breaks that rule.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

import invoicexpress_sandbox
from invoicexpress_core.spec import load_spec

SPEC = load_spec()
PACKAGE = Path(invoicexpress_sandbox.__file__).parent
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _keyed_calls() -> list[tuple[str, int, ast.Call]]:
    found = []
    for file in SOURCES:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("invalid", "say"):
                found.append((file.name, node.lineno, node))
    return found


def test_every_message_the_sandbox_raises_is_a_catalogue_key_with_its_placeholders() -> None:
    calls = _keyed_calls()
    assert len(calls) > 60  # the scan sees the rules
    problems = []
    for name, line, call in calls:
        if name == "_errors.py":  # `invalid` passes its own `key` on to `say`
            continue
        first = call.args[0] if call.args else None
        # A literal key, or a choice between two (`"blank" if missing else "not_valid"`).
        options = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
        for option in options:
            if not (isinstance(option, ast.Constant) and isinstance(option.value, str)):
                problems.append(f"{name}:{line}: the key is not a literal")
                continue
            template = SPEC.messages.get(option.value)
            if template is None:
                problems.append(f"{name}:{line}: unknown key {option.value!r}")
                continue
            wanted = {f for _, f, _, _ in string.Formatter().parse(template) if f}
            given = {k.arg for k in call.keywords} - {"field", "code", None}
            if wanted != given:
                problems.append(f"{name}:{line}: {option.value} needs {wanted}, given {given}")
    assert not problems, "\n".join(problems)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{\w+\}", template)
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$")


def test_every_documented_message_is_a_catalogue_wording() -> None:
    """`x-error-messages` quote the catalogue: no operation documents a wording of its own."""
    patterns = [_pattern(t) for t in SPEC.messages.values()]
    loose = {
        message
        for messages in SPEC.error_catalogue.values()
        for message in messages
        if not any(p.match(message) for p in patterns)
    }
    assert not loose


@pytest.mark.parametrize(
    ("key", "values", "wording"),
    [
        ("country_not_found", {"value": "Germani"}, "Country Germani was not found"),
        ("blank", {"what": "Unit price"}, "Unit price can't be blank"),
        ("element_missing", {"root": "client"}, "Elemento client não fornecido"),
    ],
)
def test_the_core_fills_a_keyed_wording(key: str, values: dict[str, str], wording: str) -> None:
    assert SPEC.message(key, **values) == wording


def test_no_sandbox_source_spells_a_catalogue_wording_out() -> None:
    """A wording without placeholders typed as a string literal is a second copy of it."""
    fixed = {t for t in SPEC.messages.values() if "{" not in t and len(t) > 12}
    copies = []
    for file in SOURCES:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in fixed:
                copies.append(f"{file.relative_to(PACKAGE)}:{node.lineno}: {node.value!r}")
    assert not copies, "\n".join(copies)
