"""`ixc sandbox`: run the local, stateful InvoiceXpress sandbox on 127.0.0.1."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    from invoicexpress_sandbox.cli import add_arguments

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="run the local InvoiceXpress sandbox",
        description="Serve a stateful InvoiceXpress sandbox on 127.0.0.1; prints its base URL, "
        "account name and API key. Admin routes live under /_sandbox/ (see sandbox/README.md).",
    )
    add_arguments(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from invoicexpress_sandbox.cli import run

    return run(args)
