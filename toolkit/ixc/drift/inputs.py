"""Read a spec from a file or from git (`REF:path`, as oasdiff accepts), with a short label."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import yaml


class InputError(Exception):
    """A spec argument that names neither a readable file nor a git object."""


def read_document(source: str, *, cwd: Path | None = None) -> dict[str, Any]:
    path = Path(source)
    if path.exists():
        text = path.read_text(encoding="utf-8")
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
            stderr = getattr(exc, "stderr", "") or str(exc)
            raise InputError(f"cannot read {source!r} from git: {stderr.strip()}") from None
    else:
        raise InputError(f"{source!r} is neither a file nor a git `REF:path`")
    document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(document, dict) or "openapi" not in document:
        raise InputError(f"{source!r} is not an OpenAPI document (no 'openapi' key)")
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
