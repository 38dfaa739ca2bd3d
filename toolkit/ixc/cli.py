"""`ixc`: one command for the toolkit's jobs.

Each subcommand lives in its own module (`ixc.cmd_<name>`) exposing `register(subparsers)`;
the module is imported only when listed here, so a missing optional dependency of one
command never breaks the others.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ixc.usage import Parser, UsageError

COMMANDS = ("spec", "generate", "sandbox", "contract", "drift")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ixc", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"ixc.cmd_{name}")
        except ModuleNotFoundError as exc:  # an optional extra is not installed
            if exc.name and exc.name.startswith("ixc"):
                continue
            helper = sub.add_parser(name, help=f"unavailable: {exc.name} is not installed")
            helper.set_defaults(func=lambda _a, e=exc: _missing(e))
            continue
        module.register(sub)
    return parser


def _missing(exc: ModuleNotFoundError) -> int:
    print(
        f"ixc: this command needs {exc.name!r}; "
        "install it with: pip install 'invoicexpress-contract[dev]'",
        file=sys.stderr,
    )
    return 2


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
