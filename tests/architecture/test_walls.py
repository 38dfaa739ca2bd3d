"""The walls of docs/ARCHITECTURE.md: no layer imports upwards, no import cycles.

Every import statement of the shipped code counts, including those inside functions (an import
moved into a function still makes the dependency); only `if TYPE_CHECKING:` blocks are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Source roots: the folder each top-level package sits in.
ROOTS = {
    "invoicexpress_core": REPO / "core",
    "invoicexpress": REPO / "overrides",
    "invoicexpress_client": REPO / "generated",
    "invoicexpress_sandbox": REPO / "sandbox",
    "ixc": REPO / "toolkit",
    "invoicexpress_specbuild": REPO / "specbuild",
    "invoicexpress_drift": REPO / "drift",
    "invoicexpress_codegen": REPO / "codegen",
    "invoicexpress_contract_tests": REPO / "contract_tests",
    "benchmarks": REPO,
}
# Roles, by module prefix (the longest prefix wins), and what each may import.
ROLES = {
    "invoicexpress_core": "core",
    "invoicexpress": "client",
    "invoicexpress_client": "client",
    "invoicexpress_sandbox": "sandbox",
    "invoicexpress_sandbox.pytest_plugin": "plugin",
    "invoicexpress_drift": "drift",
    "invoicexpress_codegen": "codegen",
    "invoicexpress_specbuild": "authoring",
    "ixc": "cli",
    "invoicexpress_contract_tests": "suites",
    "benchmarks": "benchmarks",
}
PARTS = {"client", "sandbox", "drift", "codegen"}
ALLOWED = {
    "core": {"core"},
    "client": {"core", "client"},
    "sandbox": {"core", "sandbox"},
    "drift": {"core", "drift", "codegen"},
    "codegen": {"core", "codegen"},
    "authoring": {"core", "authoring"},
    "cli": {"core", "cli", "authoring", *PARTS},
    # The suites talk HTTP: they start sandboxes but never import the client.
    "suites": {"core", "cli", "sandbox", "drift", "suites"},
    "benchmarks": {"core", "cli", "benchmarks", *PARTS},
    # The pytest plugin (user-facing) hands tests a sandbox and a client bound to it.
    "plugin": {"core", "client", "sandbox", "plugin"},
}
# Cycles hidden behind imports inside functions: none left, and none may come back.
KNOWN_CYCLES: set[frozenset[str]] = set()


def role(module: str) -> str:
    best = max((p for p in ROLES if module == p or module.startswith(p + ".")), key=len)
    return ROLES[best]


def modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package, root in ROOTS.items():
        for file in sorted((root / package).rglob("*.py")):
            parts = file.relative_to(root).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = file
    return out


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def imports(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    """The project modules `name` imports (resolved to the longest known module name)."""
    is_package = file.name == "__init__.py"
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(file.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                candidate = ".".join(parts[:i])
                if candidate in known:
                    if candidate != name:
                        found.add(candidate)
                    break
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, file, known) for name, file in known.items()}


def test_the_source_roots_are_found() -> None:
    known = modules()
    assert {"invoicexpress_core.spec", "invoicexpress._client", "ixc.cli"} <= set(known)


def test_no_layer_imports_upwards() -> None:
    upward = [
        f"{src} ({role(src)}) imports {dst} ({role(dst)})"
        for src, targets in graph().items()
        for dst in sorted(targets)
        if role(dst) not in ALLOWED[role(src)]
    ]
    assert not upward, "imports against the layers:\n" + "\n".join(upward)


def _cycles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(frozenset(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def _package_free(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    """Edges without those to a package's own `__init__` (a submodule reading its package's
    re-exports is how Python packages work, not a design cycle)."""
    return {
        src: {dst for dst in targets if not src.startswith(dst + ".")}
        for src, targets in edges.items()
    }


def test_no_new_import_cycles() -> None:
    cycles = set(_cycles(_package_free(graph())))
    new = [sorted(c) for c in cycles - KNOWN_CYCLES]
    assert not new, f"import cycles: {new}"


def test_the_known_cycles_are_still_there() -> None:
    """When phase B breaks one, this fails: take it off KNOWN_CYCLES."""
    cycles = set(_cycles(_package_free(graph())))
    assert cycles >= KNOWN_CYCLES, f"gone: {sorted(map(sorted, KNOWN_CYCLES - cycles))}"


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [("invoicexpress_core.spec", "ixc.cli", False), ("ixc.cli", "invoicexpress_core.spec", True),
     ("invoicexpress_contract_tests.conftest", "invoicexpress._client", False)],
)  # fmt: skip
def test_the_rules_themselves(src: str, dst: str, expected: bool) -> None:
    assert (role(dst) in ALLOWED[role(src)]) is expected


def test_a_cycle_is_detected() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [frozenset("abc")]


def test_no_package_imports_another_ones_private_modules() -> None:
    """Across packages only public modules are used (`cmd_sandbox` once imported `_serve`)."""
    private = [
        f"{src} imports {dst}"
        for src, targets in graph().items()
        for dst in sorted(targets)
        if role(src) != role(dst) and any(p.startswith("_") for p in dst.split(".")[1:])
    ]
    assert not private, "\n".join(private)
