"""The walls of docs/ARCHITECTURE.md: no layer imports upwards, no import cycles, and across
packages only public modules and public names.

Every import of the shipped code counts: inside functions, under `if not TYPE_CHECKING:`, and
`importlib.import_module("...")` or `__import__("...")` with a literal name. Only what an
`if TYPE_CHECKING:` block guards is left out. The graph is read once per test session; the
planted trees at the end prove each rule fails when its wall is broken.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Each top-level package and the folder it sits in: the folder tree is the layer diagram.
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
# Each package's layer; the pytest plugin is the one module with a layer of its own.
LAYERS = {
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
IMPORTERS = {("importlib", "import_module"), ("", "import_module"), ("", "__import__")}

#: module -> {imported module -> names taken from it}
Graph = dict[str, dict[str, set[str]]]


def layer(module: str) -> str:
    return LAYERS.get(module) or LAYERS[package(module)]


def package(module: str) -> str:
    return module.split(".")[0]


def modules(roots: Mapping[str, Path]) -> dict[str, Path]:
    out: dict[str, Path] = {}
    for name, root in roots.items():
        for file in sorted((root / name).rglob("*.py")):
            parts = file.relative_to(root).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return out


def _guard(test: ast.expr) -> bool | None:
    """True for `TYPE_CHECKING`, False for `not TYPE_CHECKING`, None for any other test."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = _guard(test.operand)
        return None if inner is None else not inner
    name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
    return True if name == "TYPE_CHECKING" else None


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs, leaving out what only a type checker reads."""
    for node in ast.iter_child_nodes(tree):
        guard = _guard(node.test) if isinstance(node, ast.If) else None
        if guard is not None:
            assert isinstance(node, ast.If)
            for child in node.orelse if guard else node.body:
                yield child
                yield from _runtime_nodes(child)
            continue
        yield node
        yield from _runtime_nodes(node)


def _dynamic_target(node: ast.AST) -> str | None:
    """The literal module name of `importlib.import_module("x")` or `__import__("x")`."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    first = node.args[0]
    if (owner, name) in IMPORTERS and isinstance(first, ast.Constant):
        return str(first.value)
    return None


def imports(name: str, file: Path, known: Mapping[str, Path]) -> dict[str, set[str]]:
    """The project modules `name` imports (the longest known name), with the names taken."""
    is_package = file.name == "__init__.py"
    found: dict[str, set[str]] = {}
    for node in _runtime_nodes(ast.parse(file.read_text(encoding="utf-8"))):
        targets: list[tuple[str, str]] = []  # (module or module.name, name taken or "")
        if isinstance(node, ast.Import):
            targets = [(a.name, "") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [(f"{base}.{a.name}", a.name) for a in node.names] + [(base, "")]
        elif (dynamic := _dynamic_target(node)) is not None:
            targets = [(dynamic, "")]
        for target, taken in targets:
            parts = target.split(".")
            for i in range(len(parts), 0, -1):
                candidate = ".".join(parts[:i])
                if candidate in known:
                    if candidate != name:
                        names = found.setdefault(candidate, set())
                        if taken and i < len(parts):  # a name taken from the module
                            names.add(taken)
                    break
    return found


def build_graph(roots: Mapping[str, Path]) -> Graph:
    known = modules(roots)
    return {name: imports(name, file, known) for name, file in known.items()}


@functools.cache
def graph() -> Graph:
    """The project's import graph, read once per session."""
    return build_graph(ROOTS)


def upward(edges: Graph) -> list[str]:
    return [
        f"{src} ({layer(src)}) imports {dst} ({layer(dst)})"
        for src, targets in edges.items()
        for dst in sorted(targets)
        if layer(dst) not in ALLOWED[layer(src)]
    ]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_crossings(edges: Graph) -> list[str]:
    """Imports from another package of a `_private` module or a `_private` name."""
    out = []
    for src, targets in edges.items():
        for dst, names in sorted(targets.items()):
            if package(src) == package(dst):
                continue
            hidden = [p for p in dst.split(".")[1:] if _private(p)]
            hidden += sorted(n for n in names if _private(n))
            if hidden:
                out.append(f"{src} imports {dst} ({', '.join(hidden)})")
    return out


def cycles(edges: Graph) -> list[frozenset[str]]:
    """Strongly connected components with more than one module (Tarjan), leaving out edges
    to a package's own `__init__` (a submodule reading its package's re-exports is how Python
    packages work, not a design cycle)."""
    plain = {s: {d for d in t if not s.startswith(d + ".")} for s, t in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[frozenset[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(plain.get(v, ())):
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

    for v in sorted(plain):
        if v not in index:
            visit(v)
    return out


# --- the walls of this repository


def test_the_source_roots_are_found() -> None:
    assert {"invoicexpress_core.spec", "invoicexpress._client", "ixc.cli"} <= set(graph())
    assert {package(m) for m in graph()} == set(ROOTS)


def test_no_layer_imports_upwards() -> None:
    found = upward(graph())
    assert not found, "imports against the layers:\n" + "\n".join(found)


def test_no_import_cycles() -> None:
    assert not cycles(graph()), f"import cycles: {[sorted(c) for c in cycles(graph())]}"


def test_no_package_uses_another_ones_private_modules_or_names() -> None:
    """Across packages only public modules and names (`cmd_sandbox` once imported `_serve`;
    the client once called the generated modules' `_get_kwargs`)."""
    found = private_crossings(graph())
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    ("src", "dst", "expected"),
    [("invoicexpress_core.spec", "ixc.cli", False), ("ixc.cli", "invoicexpress_core.spec", True),
     ("invoicexpress_contract_tests.conftest", "invoicexpress._client", False),
     ("invoicexpress_sandbox.pytest_plugin", "invoicexpress", True),
     ("invoicexpress_sandbox._app", "invoicexpress", False)],
)  # fmt: skip
def test_the_rules_themselves(src: str, dst: str, expected: bool) -> None:
    assert (layer(dst) in ALLOWED[layer(src)]) is expected


def test_a_cycle_is_detected() -> None:
    edges: Graph = {"a": {"b": set()}, "b": {"c": set()}, "c": {"a": set()}, "d": {"a": set()}}
    assert cycles(edges) == [frozenset("abc")]


# --- each blind spot of an earlier wall test, planted in a small tree: the rule must see it

PLANTED = {
    "invoicexpress_core": "core",
    "invoicexpress": "overrides",
    "invoicexpress_client": "generated",
    "ixc": "toolkit",
}
CLEAN = {
    "invoicexpress_core/__init__.py": "",
    "invoicexpress_core/spec.py": "from typing import TYPE_CHECKING\n",
    "invoicexpress/__init__.py": "from invoicexpress_client import api\n",
    "invoicexpress_client/__init__.py": "",
    "invoicexpress_client/api.py": "def _get_kwargs() -> None: ...\ndef request() -> None: ...\n",
    "invoicexpress_client/_runtime.py": "",
    "ixc/__init__.py": "",
    "ixc/cli.py": "import invoicexpress_core.spec\n",
}
BLIND_SPOTS = {
    "import_module": (
        "invoicexpress_core/spec.py",
        "import importlib\n\ndef load() -> None:\n    importlib.import_module('ixc.cli')\n",
        upward,
    ),
    "__import__": ("invoicexpress_core/spec.py", "__import__('ixc.cli')\n", upward),
    "if not TYPE_CHECKING": (
        "invoicexpress_core/spec.py",
        "from typing import TYPE_CHECKING\nif not TYPE_CHECKING:\n    from ixc import cli\n",
        upward,
    ),
    "TYPE_CHECKING else branch": (
        "invoicexpress_core/spec.py",
        "import typing\nif typing.TYPE_CHECKING:\n    pass\nelse:\n    import ixc.cli\n",
        upward,
    ),
    "private module, same layer": (
        "invoicexpress/__init__.py",
        "from invoicexpress_client._runtime import Call\n",
        private_crossings,
    ),
    "private name, same layer": (
        "invoicexpress/__init__.py",
        "from invoicexpress_client.api import _get_kwargs\n",
        private_crossings,
    ),
    "private module by import_module": (
        "invoicexpress/__init__.py",
        "from importlib import import_module\nimport_module('invoicexpress_client._runtime')\n",
        private_crossings,
    ),
}


def _plant(tmp: Path, files: Mapping[str, str]) -> Graph:
    for rel, text in files.items():
        path = tmp / PLANTED[rel.split("/")[0]] / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return build_graph({name: tmp / folder for name, folder in PLANTED.items()})


def test_the_clean_planted_tree_passes(tmp_path: Path) -> None:
    edges = _plant(tmp_path, CLEAN)
    assert edges["ixc.cli"] == {"invoicexpress_core.spec": set()}
    assert upward(edges) == private_crossings(edges) == []


def test_a_type_checking_block_is_still_left_out(tmp_path: Path) -> None:
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import ixc.cli\n"
    assert upward(_plant(tmp_path, {**CLEAN, "invoicexpress_core/spec.py": guarded})) == []


@pytest.mark.parametrize("spot", sorted(BLIND_SPOTS))
def test_each_blind_spot_is_seen(tmp_path: Path, spot: str) -> None:
    where, code, rule = BLIND_SPOTS[spot]
    assert rule(_plant(tmp_path, {**CLEAN, where: code})), f"{spot} went unseen"
