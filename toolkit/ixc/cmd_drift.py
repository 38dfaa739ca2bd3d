"""`ixc drift spec OLD NEW` (changelog) and `ixc drift server` (observed versus documented).

Exit codes follow oasdiff: 0 when nothing reaches `--fail-on`, 1 when something does (baselined
server findings never do), 2 for unreadable inputs or bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from invoicexpress_core.exchange import Exchange, Recorder, read_recording, redact_url
from invoicexpress_core.spec import load_spec, spec_path
from ixc.drift import (
    SERVER_RULES,
    SPEC_RULES,
    InputError,
    Level,
    Report,
    load_baseline,
    server_drift,
    spec_drift,
    write_baseline,
)
from ixc.drift.render import to_json, to_junit, to_markdown

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BASELINE = REPO / "drift-baseline.json"
API_KEY_ENV = "INVOICEXPRESS_API_KEY"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("drift", help="spec changelog and server drift reports")
    sub = parser.add_subparsers(dest="drift_command", required=True, metavar="KIND")

    sp = sub.add_parser("spec", help="changelog between two specs (files or git REF:path)")
    sp.add_argument(
        "old", help="base spec: a file or a git `REF:path` such as HEAD~1:spec/invoicexpress.yaml"
    )
    sp.add_argument("new", help="revised spec: a file or a git `REF:path`")
    sp.add_argument(
        "--client-impact",
        action="store_true",
        help="regenerate both clients and diff public symbols (slow)",
    )
    _outputs(sp)
    sp.set_defaults(func=run_spec)

    rl = sub.add_parser("rules", help="list every rule with its level and why")
    rl.add_argument("--kind", choices=("spec", "server"), default=None)
    rl.set_defaults(func=run_rules)

    sv = sub.add_parser("server", help="what a server did that the spec does not say")
    src = sv.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--recording",
        type=Path,
        action="append",
        help="JSON Lines of ixc.exchange records (repeatable)",
    )
    src.add_argument(
        "--probe", action="store_true", help="GET every list operation and a few documents"
    )
    sv.add_argument(
        "--base-url", help="server to probe, e.g. https://ACCOUNT.app.invoicexpress.com"
    )
    sv.add_argument(
        "--api-key", default=None, help=f"API key for --probe (default: ${API_KEY_ENV})"
    )
    sv.add_argument(
        "--max-requests", type=int, default=30, help="request budget of --probe (default 30)"
    )
    sv.add_argument(
        "--record", type=Path, help="also save the probe's exchanges to this JSON Lines file"
    )
    sv.add_argument(
        "--spec", type=Path, default=None, help="spec to compare with (default: the project's)"
    )
    sv.add_argument(
        "--baseline",
        type=Path,
        default=DEFAULT_BASELINE,
        help="accepted findings (default: drift-baseline.json)",
    )
    sv.add_argument("--no-baseline", action="store_true", help="report every finding as new")
    sv.add_argument(
        "--update-baseline", action="store_true", help="accept the current findings into --baseline"
    )
    sv.add_argument(
        "--secret", action="append", default=[], help="extra value to mask in every output"
    )
    _outputs(sv)
    sv.set_defaults(func=run_server)


def _outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("markdown", "json", "junit"),
        default="markdown",
        help="what goes to stdout",
    )
    parser.add_argument("--markdown", type=Path, help="also write Markdown here")
    parser.add_argument("--json", type=Path, help="also write JSON here")
    parser.add_argument("--junit", type=Path, help="also write JUnit XML here")
    parser.add_argument(
        "--fail-on",
        type=Level.parse,
        default=None,
        metavar="ERR|WARN|INFO",
        help="exit 1 when a (new) finding has this level or higher",
    )
    parser.add_argument(
        "--min-level",
        type=Level.parse,
        default=None,
        metavar="ERR|WARN|INFO",
        help="show only findings of this level or higher (the exit code still sees all)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing to stdout")


def _emit(report: Report, args: argparse.Namespace, secrets: tuple[str, ...]) -> int:
    failing = report.failing(args.fail_on)
    if args.min_level is not None:
        hidden = [f for f in report.findings if f.level < args.min_level]
        report.findings = [f for f in report.findings if f.level >= args.min_level]
        if hidden:
            report.notes.append(f"{len(hidden)} below {args.min_level.name} not shown.")
    rendered = {
        "markdown": lambda: to_markdown(report, secrets=secrets, fail_on=args.fail_on),
        "json": lambda: to_json(report, secrets=secrets),
        "junit": lambda: to_junit(report, secrets=secrets, fail_on=args.fail_on or Level.ERR),
    }
    for fmt in ("markdown", "json", "junit"):
        target: Path | None = getattr(args, fmt)
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered[fmt](), encoding="utf-8")
    if not args.quiet:
        sys.stdout.write(rendered[args.format]())
    if failing:
        print(
            f"ixc drift: {len(failing)} finding(s) at or above {args.fail_on.name}", file=sys.stderr
        )
        return 1
    return 0


def run_rules(args: argparse.Namespace) -> int:
    for kind, rules in (("spec", SPEC_RULES), ("server", SERVER_RULES)):
        if args.kind in (None, kind):
            print(f"## {kind} rules\n\n| Rule | Level | Why |\n|---|---|---|")
            for rule in sorted(rules.values(), key=lambda r: (-r.level, r.id)):
                print(f"| `{rule.id}` | {rule.level.name} | {rule.why} |")
            print()
    return 0


def run_spec(args: argparse.Namespace) -> int:
    try:
        report = spec_drift(args.old, args.new, client_impact=args.client_impact)
    except InputError as exc:
        print(f"ixc drift spec: {exc}", file=sys.stderr)
        return 2
    return _emit(report, args, ())


def run_server(args: argparse.Namespace) -> int:
    spec_file = args.spec or spec_path()
    if not Path(spec_file).exists():
        print(f"ixc drift server: no spec at {spec_file}; pass --spec", file=sys.stderr)
        return 2
    spec = load_spec(Path(spec_file))
    api_key = args.api_key or os.environ.get(API_KEY_ENV, "")
    secrets = tuple(s for s in (api_key, os.environ.get(API_KEY_ENV, ""), *args.secret) if s)
    exchanges: list[Exchange] = []
    if args.probe:
        if not args.base_url or not api_key:
            print(
                f"ixc drift server --probe needs --base-url and --api-key (or ${API_KEY_ENV})",
                file=sys.stderr,
            )
            return 2
        from ixc.drift.probe import probe

        exchanges = probe(spec, args.base_url, api_key, args.max_requests)
        if args.record:
            recorder = Recorder(args.record)
            for ex in exchanges:
                recorder.write(ex)
        source = f"probe of {redact_url(args.base_url)} ({len(exchanges)} requests)"
    else:
        for path in args.recording:
            if not path.exists():
                print(f"ixc drift server: no recording at {path}", file=sys.stderr)
                return 2
            exchanges.extend(read_recording(path))
        source = ", ".join(p.name for p in args.recording)
    baseline = {} if args.no_baseline else load_baseline(args.baseline)
    report = server_drift(spec, exchanges, source=source, secrets=secrets, baseline=baseline)
    if args.update_baseline:
        write_baseline(args.baseline, report.findings, baseline, secrets=secrets)
        print(
            f"ixc drift: baseline {args.baseline} now accepts {len(report.findings)} finding(s)",
            file=sys.stderr,
        )
        for f in report.findings:
            f.baselined = True
    return _emit(report, args, secrets)
