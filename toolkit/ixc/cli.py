"""`ixc`: one command for the toolkit's jobs.

Each subcommand lives in its own module (`ixc.cmd_<name>`) exposing `register(subparsers)`;
the module is imported only when listed here, so a missing optional dependency of one
command never breaks the others.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from ixc.usage import Parser, UsageError

# Each command and the extra of the distribution that brings what it needs (docs/PACKAGING.md).
COMMANDS = {
    "spec": "spec",
    "generate": "codegen",
    "sandbox": "sandbox",
    "contract": "contract",
    "drift": "drift",
}


def version() -> str:
    """The installed distribution's version (its metadata, so it matches what pip installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("invoicexpress-contract")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of `only` (start-up then imports that module alone)."""
    parser = Parser(prog="ixc", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"ixc {version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, extra in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"ixc.cmd_{name}")
            # modules a command imports only when it runs (declared as NEEDS): look, not load
            needs = getattr(module, "NEEDS", ())
            absent = [m for m in needs if importlib.util.find_spec(m) is None]
            if absent:
                raise ModuleNotFoundError(name=absent[0])
            module.register(sub)
        except ModuleNotFoundError as exc:  # an optional extra is not installed
            if exc.name and exc.name.startswith("ixc"):
                raise
            message = (
                f"`ixc {name}` needs {exc.name!r}, which is not installed; "
                f"pip install 'invoicexpress-contract[{extra}]'"
            )
            # Any arguments are accepted (no option prefix), so the answer is always the extra.
            helper = sub.add_parser(
                name, help=f"unavailable: {exc.name} is not installed", prefix_chars="\0"
            )
            helper.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
            helper.set_defaults(func=lambda _a, m=message: _missing(m))
    return parser


def _missing(message: str) -> int:
    raise UsageError(message)


def _command(argv: Sequence[str]) -> str | None:
    """The command named first, when it is one: the only module `main` need import."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS and argv[0] == first else None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(_command(argv) if argv else None).parse_args(argv)
    try:
        result: int = args.func(args)
    except UsageError as exc:
        print(f"ixc: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ixc: interrupted", file=sys.stderr)
        return 130
    return result


if __name__ == "__main__":
    raise SystemExit(main())
