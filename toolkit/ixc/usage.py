"""The one way a command reports a user's mistake: one line, exit code 2, no traceback."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, NoReturn


class UsageError(Exception):
    """A mistake in what the user gave (argument, file, URL): the message names it and the fix.

    Raise it anywhere below a command; `ixc.cli.main` prints `ixc: error: <message>` on stderr
    and exits with 2.
    """


class Parser(argparse.ArgumentParser):
    """argparse whose errors are one line too (argparse prints its usage block first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"ixc: error: {message}; see `{self.prog} --help`\n")


def existing_file(path: Path | str, what: str) -> Path:
    """`path` as a readable file, or a UsageError naming `what` it should have been."""
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{what} {p} does not exist; check the path")
    if not p.is_file():
        raise UsageError(f"{what} {p} is a directory, not a file; give a file")
    return p


def yaml_mapping(path: Path | str, what: str) -> dict[str, Any]:
    """A YAML file that holds a mapping (an OpenAPI document, a config), read or refused."""
    import yaml

    from invoicexpress_core.spec import parse_yaml

    p = existing_file(path, what)
    try:
        data = parse_yaml(p.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise UsageError(f"{what} {p} is not YAML{where}; give a YAML or JSON file") from None
    if not isinstance(data, dict):
        raise UsageError(f"{what} {p} does not hold a YAML mapping; give an OpenAPI document")
    return data


def require_extra(extra: str, *modules: str) -> None:
    """Raise a UsageError naming `extra` when one of `modules` cannot be imported."""
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise UsageError(
                f"this command needs {module!r}, which is not installed; "
                f"pip install 'invoicexpress-contract[{extra}]'"
            )
