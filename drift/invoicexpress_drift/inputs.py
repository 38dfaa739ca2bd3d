"""Read a spec from a file or from git (`REF:path`, as oasdiff accepts), with a short label."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from invoicexpress_core.spec import compiled_path, load_spec, parse_yaml


class InputError(Exception):
    """A spec argument that names neither a readable file nor a git object."""


def read_document(source: str, *, cwd: Path | None = None) -> dict[str, Any]:
    """The parsed document; every way it can fail is an InputError naming the problem and fix."""
    path = Path(source)
    if path.is_dir():
        raise InputError(f"{source!r} is a directory; pass the spec file inside it")
    if path.exists() and compiled_path(path).is_file():
        try:  # the core's JSON twin (written by `ixc spec build`) parses far faster than YAML
            return load_spec(path).document
        except ValueError:
            pass  # no current twin and not a spec: the YAML parse below says precisely why
    if path.exists():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"cannot read {source!r} ({exc}); pass a UTF-8 YAML or JSON file"
            ) from None
    elif ":" in source:
        try:
            text = subprocess.run(
                ["git", "show", source],
                cwd=cwd,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        except (subprocess.CalledProcessError, FileNotFoundError) as exc:
            stderr = (getattr(exc, "stderr", "") or str(exc)).strip().splitlines()
            reason = stderr[0] if stderr else "git failed"
            raise InputError(
                f"cannot read {source!r} from git ({reason}); "
                "check the ref with `git log --oneline` and the path with `git ls-tree REF`"
            ) from None
    else:
        raise InputError(
            f"{source!r} is neither a file nor a git `REF:path`; "
            "pass an existing spec file or e.g. HEAD~1:spec/invoicexpress.yaml"
        )
    import yaml  # only here: a spec with a current JSON twin never needs it

    try:
        document = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(
            f"{source!r} is not YAML or JSON (parse error{where}); pass an OpenAPI document"
        ) from None
    if not isinstance(document, dict) or "openapi" not in document:
        raise InputError(
            f"{source!r} is not an OpenAPI document (no top-level 'openapi' key); "
            "pass an OpenAPI 3.x spec such as spec/invoicexpress.yaml"
        )
    return document


def label(source: str) -> str:
    """What the report calls an input: git refs verbatim, files by name relative to cwd."""
    path = Path(source)
    if not path.exists():
        return re.sub(r"^([0-9a-f]{12})[0-9a-f]{28}:", r"\1:", source)  # short commit ids
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path.name
