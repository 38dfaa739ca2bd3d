"""Client impact of a spec change: regenerate the client for both specs, diff the public symbols.

Generation goes through the project's own entry point (`invoicexpress_codegen.generate_into`) so the
pinned generator, config and templates are the ones users get. Symbols are read with `ast`
rather than imported: a generated package that does not import is still compared.
"""

from __future__ import annotations

import ast
import contextlib
import io
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

PACKAGE = "invoicexpress_client"


def _generate(spec_file: Path, out: Path) -> Path:
    from invoicexpress_codegen import generate_into  # the generator is optional ([codegen] extra)

    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = generate_into(spec_file, out)
    if code:
        tail = stderr.getvalue().strip().splitlines()[-3:]
        raise RuntimeError(f"generator exited {code}: {' / '.join(tail)}")
    return out / PACKAGE


def public_symbols(package: Path) -> dict[str, tuple[str, str]]:
    """`dotted.name` → (kind, detail) for modules, functions, classes and class fields."""
    out: dict[str, tuple[str, str]] = {}
    for file in sorted(package.rglob("*.py")):
        rel = file.relative_to(package).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if any(p.startswith("_") for p in parts):
            continue
        module = ".".join(parts) or "(package)"
        out[module] = ("module", "")
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ) and not node.name.startswith("_"):
                ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
                out[f"{module}.{node.name}"] = ("function", f"({ast.unparse(node.args)}){ret}")
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                bases = ", ".join(ast.unparse(b) for b in node.bases)
                out[f"{module}.{node.name}"] = ("class", f"({bases})" if bases else "")
                for item in node.body:
                    if (
                        isinstance(item, ast.AnnAssign)
                        and isinstance(item.target, ast.Name)
                        and not item.target.id.startswith("_")
                    ):
                        out[f"{module}.{node.name}.{item.target.id}"] = (
                            "field",
                            ast.unparse(item.annotation),
                        )
                    elif isinstance(item, ast.Assign) and len(item.targets) == 1:
                        target = item.targets[0]
                        if isinstance(target, ast.Name) and target.id.isupper():
                            out[f"{module}.{node.name}.{target.id}"] = (
                                "member",
                                ast.unparse(item.value),
                            )
    return out


def compare_symbols(
    old: dict[str, tuple[str, str]], new: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    def row(name: str, sym: tuple[str, str], detail: str | None = None) -> dict[str, str]:
        return {"kind": sym[0], "name": name, "detail": sym[1] if detail is None else detail}

    removed = [row(n, old[n]) for n in sorted(old.keys() - new.keys())]
    added = [row(n, new[n]) for n in sorted(new.keys() - old.keys())]
    changed = [
        row(n, new[n], f"{old[n][1]} → {new[n][1]}")
        for n in sorted(old.keys() & new.keys())
        if old[n] != new[n]
    ]
    return {"removed": removed, "added": added, "changed": changed}


def client_impact(
    old_doc: dict[str, Any],
    new_doc: dict[str, Any],
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Symbols removed/added/changed between the clients generated from the two documents.

    `on_step(text)` hears about each stage (generation takes tens of seconds)."""
    with tempfile.TemporaryDirectory(prefix="ixc-drift-client-") as tmp:
        root = Path(tmp)
        packages = []
        for i, (name, doc) in enumerate((("base", old_doc), ("revision", new_doc)), 1):
            if on_step is not None:
                on_step(f"generating the client for the {name} spec ({i}/2)")
            spec_file = root / f"{name}.yaml"
            spec_file.write_text(
                yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
            try:
                packages.append(_generate(spec_file, root / name))
            except (RuntimeError, ImportError, OSError) as exc:
                return {"error": f"{name}: {exc}", "removed": [], "added": [], "changed": []}
        if on_step is not None:
            on_step("comparing public symbols")
        result = compare_symbols(public_symbols(packages[0]), public_symbols(packages[1]))
        result["error"] = None
        return result
