"""Serve a sandbox with uvicorn on 127.0.0.1 (used by `ixc sandbox` and `python -m`)."""

from __future__ import annotations

import argparse
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from ._app import Options, Sandbox, StartupError
from ._faults import FAULTS, QUIRKS
from ._guard import TOKEN_ENV, TOKEN_HEADER
from ._liveforms import SWITCH, describe
from ._livelike import LIVE_QUIRKS, seed_foreign
from ._store import SYNC_MODES

HOST = "127.0.0.1"


def port_number(value: str) -> int:
    """argparse type: a TCP port, 0 to 65535 (0 = any free port)."""
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 0-65535")
    return port


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=port_number, default=8765, help="port (0: any free port)")
    parser.add_argument(
        "--db", help="SQLite file that keeps state across restarts (default: in memory)"
    )
    parser.add_argument(
        "--db-sync",
        choices=SYNC_MODES,
        default="full",
        help="full (default): every acknowledged write survives a power loss; normal: faster, "
        "a power loss can drop the last writes",
    )
    parser.add_argument(
        "--rate-limit",
        default="100",
        metavar="N|off",
        help="requests per minute per account (default 100; 'off' disables)",
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        choices=sorted(FAULTS) + sorted(QUIRKS),
        help="switch on a fault or a known live quirk (repeatable)",
    )
    parser.add_argument(
        "--spec", type=Path, help="spec file (default: the one `ixc spec path` prints)"
    )
    parser.add_argument(
        "--live-like",
        action="store_true",
        help="rehearse a live account: 100 requests/min, live quirks on, no admin routes, "
        "clients and documents already in the account",
    )
    parser.add_argument(
        "--language",
        choices=("en", "pt"),
        help="the demo account's language, which words its 422 messages where a Portuguese "
        "wording is evidenced (default en; --live-like: pt)",
    )
    parser.add_argument(
        "--admin-token",
        help=f"the {TOKEN_HEADER} the /_sandbox/ routes require (default: env {TOKEN_ENV}, "
        "else random; printed at start)",
    )
    parser.add_argument(
        "--log",
        action="store_true",
        help="print a line per API call on stderr (method, path with the key redacted, "
        "status, ms, reason of a 4xx)",
    )


def parse_rate_limit(value: str) -> int | None:
    if value.strip().lower() in ("off", "none", "0"):
        return None
    return int(value)


def bind(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((HOST, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def server_for(sandbox: Sandbox, sock: socket.socket) -> uvicorn.Server:
    config = uvicorn.Config(
        sandbox.app,
        lifespan="off",
        access_log=False,
        log_level="warning",
        loop="asyncio",
        timeout_keep_alive=30,
        date_header=False,  # the sandbox states its own clock (`_clock.DateHeader`)
    )
    server = uvicorn.Server(config)
    del sock
    return server


def run(args: argparse.Namespace) -> int:
    try:
        live_like = bool(getattr(args, "live_like", False))
        options = Options(
            db=args.db,
            rate_limit=parse_rate_limit(args.rate_limit),
            faults=tuple(args.fault),
            quirks=LIVE_QUIRKS if live_like else (),
            spec_path=args.spec,
            admin_routes=not live_like,
            admin_token=getattr(args, "admin_token", None),
            db_sync=getattr(args, "db_sync", "full"),
            log=sys.stderr if getattr(args, "log", False) else None,
            language=getattr(args, "language", None) or ("pt" if live_like else "en"),
        )
        sandbox = Sandbox(options)
        seeded = seed_foreign(sandbox) if live_like else None
    except (StartupError, ValueError) as exc:
        print(f"ixc sandbox: {exc}", file=sys.stderr)
        return 2
    try:
        sock = bind(args.port)
    except OSError as exc:
        print(f"ixc sandbox: cannot listen on {HOST}:{args.port}: {exc}", file=sys.stderr)
        return 2
    port = sock.getsockname()[1]
    demo = sandbox.demo()
    print(f"InvoiceXpress sandbox on http://{HOST}:{port}", flush=True)
    print(f"  account name: {demo['name']}", flush=True)
    print(f"  API key:      {demo['api_key']}", flush=True)
    print(
        f"  state:        {options.db or 'in memory'}; rate limit: "
        f"{options.rate_limit or 'off'}; faults: {', '.join(args.fault) or 'none'}; "
        f"language: {options.language}",
        flush=True,
    )
    if seeded is None:
        print(f"  admin:        http://{HOST}:{port}/_sandbox/health", flush=True)
        print(f"  admin token:  {sandbox.admin_token} (header {TOKEN_HEADER})", flush=True)
    else:
        print(
            f"  live-like:    quirks {', '.join(LIVE_QUIRKS)}; no admin routes; already "
            f"{seeded['clients']} clients and {seeded['documents']} documents",
            flush=True,
        )
    forms = describe(SWITCH in sandbox.quirks)
    print(f"  forms:        {forms['emits']}: {forms['why']}", flush=True)
    server_for(sandbox, sock).run(sockets=[sock])
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicexpress_sandbox", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))
