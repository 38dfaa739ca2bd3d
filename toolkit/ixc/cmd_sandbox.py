"""`ixc sandbox`: run the local, stateful InvoiceXpress sandbox on 127.0.0.1."""

from __future__ import annotations

import argparse
import socket
import sqlite3
from pathlib import Path
from typing import Any

from ixc.usage import UsageError, existing_file

SQLITE_MAGIC = b"SQLite format 3\x00"


def register(subparsers: Any) -> None:
    from invoicexpress_sandbox.cli import add_arguments

    parser: argparse.ArgumentParser = subparsers.add_parser(
        "sandbox",
        help="run the local InvoiceXpress sandbox",
        description="Serve a stateful InvoiceXpress sandbox on 127.0.0.1; prints its base URL, "
        "account name and API key. Admin routes live under /_sandbox/ (health, reset, accounts, "
        "outbox, clock, faults, rate-limit, calls, state; they need the X-Sandbox-Token header).",
    )
    add_arguments(parser)
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from invoicexpress_sandbox.cli import run

    check_port(args.port)
    check_rate_limit(args.rate_limit)
    if args.db:
        check_db(Path(args.db))
    if args.spec:
        existing_file(args.spec, "--spec")
    try:
        return run(args)
    except sqlite3.DatabaseError as exc:  # e.g. a file that SQLite cannot lock or read
        raise UsageError(f"--db {args.db}: {exc}; give a new path or a sandbox database") from None


def check_port(port: int) -> None:
    """A port number the sandbox can listen on now, or a UsageError saying what to do."""
    from invoicexpress_sandbox.cli import HOST

    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port} is not a TCP port; use 1-65535, or 0 for any free port")
    if port == 0:
        return
    try:
        with socket.socket() as probe:  # as the server binds: SO_REUSEADDR, then bind
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((HOST, port))
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {HOST}:{port} ({exc.strerror or exc}); stop what uses it or "
            "pick another port (--port 0 takes any free one)"
        ) from None


def check_rate_limit(value: str) -> None:
    from invoicexpress_sandbox.cli import parse_rate_limit

    try:
        limit = parse_rate_limit(value)
    except ValueError:
        limit = -1
    if limit is not None and limit < 1:
        raise UsageError(
            f"--rate-limit {value} is not a number of requests per minute; give N >= 1 or off"
        )


def check_db(path: Path) -> None:
    """`--db` is a new file in an existing folder, or a sandbox's SQLite file."""
    if path.is_dir():
        raise UsageError(f"--db {path} is a directory; give a file path such as {path}/sandbox.db")
    if not path.parent.is_dir():
        raise UsageError(
            f"--db {path}: folder {path.parent} does not exist; create it or choose another path"
        )
    if path.exists() and path.stat().st_size:
        with path.open("rb") as f:
            if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                raise UsageError(
                    f"--db {path} is not an SQLite database; give a new path or a sandbox's file"
                )
