"""`ixc drift spec OLD NEW` (changelog) and `ixc drift server` (observed versus documented).

Exit codes follow oasdiff: 0 when nothing reaches `--fail-on` (ERR unless told otherwise), 1 when
something does (baselined server findings never do), 2 for unreadable inputs or bad usage: every
user mistake is a `UsageError`, one line on stderr naming the problem and the fix.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from invoicexpress_core.exchange import Exchange, Recorder, redact_url
from invoicexpress_core.spec import Spec, compiled_path, load_spec, spec_path
from invoicexpress_drift import (
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
from invoicexpress_drift.baseline import default_baseline_path
from invoicexpress_drift.inputs import read_document
from invoicexpress_drift.progress import Progress
from invoicexpress_drift.render import to_json, to_junit, to_markdown
from ixc.usage import UsageError

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
        help="recorded traffic (repeatable): our JSON Lines, a HAR 1.2 file, or a VCR "
        "cassette (Ruby VCR or vcrpy YAML); the kind is read from the content",
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
        default=None,
        help="accepted findings (default: ./drift-baseline.json if present)",
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
        default="ERR",
        metavar="ERR|WARN|INFO|never",
        help="exit 1 when a (new) finding has this level or higher (default: ERR)",
    )
    parser.add_argument(
        "--min-level",
        default=None,
        metavar="ERR|WARN|INFO",
        help="show only findings of this level or higher (the exit code still sees all)",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing to stdout")


def _level(text: str | None, option: str, *, never: bool) -> Level | None:
    if text is None or (never and text.strip().lower() in ("never", "none")):
        return None
    try:
        return Level.parse(text)
    except ValueError:
        choices = "ERR, WARN, INFO" + (" or never" if never else "")
        raise UsageError(f"{option} {text!r} is not a level; use {choices}") from None


def _check_options(args: argparse.Namespace) -> None:
    """Every option checked before any work: a bad one costs nothing and changes nothing."""
    args.fail_on = _level(args.fail_on, "--fail-on", never=True)
    args.min_level = _level(args.min_level, "--min-level", never=False)
    for option in ("markdown", "json", "junit"):
        target: Path | None = getattr(args, option)
        if target is None:
            continue
        if target.is_dir():
            raise UsageError(f"--{option} {target} is a directory; give a file path")
        parent = target.parent
        while not parent.exists() and parent != parent.parent:
            parent = parent.parent
        if not parent.is_dir() or not os.access(parent, os.W_OK):
            raise UsageError(
                f"--{option} {target}: cannot create a file there ({parent} is not a "
                "writable directory); give a writable path"
            )


def _emit(report: Report, args: argparse.Namespace, secrets: tuple[str, ...]) -> int:
    failing = report.failing(args.fail_on)
    if args.min_level is not None:
        hidden = [f for f in report.findings if f.level < args.min_level]
        report.findings = [f for f in report.findings if f.level >= args.min_level]
        if hidden:
            report.notes.append(f"{len(hidden)} below {args.min_level.name} not shown.")
    full = str(args.json) if args.json is not None else None
    rendered = {
        "markdown": lambda: to_markdown(
            report, secrets=secrets, fail_on=args.fail_on, full_report=full
        ),
        "json": lambda: to_json(report, secrets=secrets),
        "junit": lambda: to_junit(report, secrets=secrets, fail_on=args.fail_on or Level.ERR),
    }
    for fmt in ("markdown", "json", "junit"):
        target: Path | None = getattr(args, fmt)
        if target is not None:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(rendered[fmt](), encoding="utf-8")
            except OSError as exc:
                raise UsageError(
                    f"cannot write --{fmt} {target} ({exc.strerror}); give a writable path"
                ) from None
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
    _check_options(args)
    progress = Progress("ixc drift spec --client-impact") if args.client_impact else None
    try:
        report = spec_drift(
            args.old,
            args.new,
            client_impact=args.client_impact,
            on_step=progress.step if progress else None,
        )
    except InputError as exc:
        raise UsageError(str(exc)) from None
    if progress is not None:
        progress.done("done")
    return _emit(report, args, ())


def _load_spec(spec_file: Path) -> Spec:
    """Parsed once: the core's JSON twin when there is one, else libyaml (the core's fallback,
    the pure-Python parser, is ~6x slower)."""
    if compiled_path(spec_file).is_file():
        try:
            return load_spec(spec_file)
        except ValueError:
            pass  # not an OpenAPI document: read_document says precisely why
    try:
        document = read_document(str(spec_file))
    except InputError as exc:
        raise UsageError(f"--spec: {exc}") from None
    digest = hashlib.sha256(spec_file.read_bytes()).hexdigest()
    return Spec(document=document, path=spec_file, sha256=digest)


def _read_recordings(paths: list[Path], secrets: tuple[str, ...]) -> list[Exchange]:
    from invoicexpress_drift.recordings import RecordingError, read_exchanges

    exchanges: list[Exchange] = []
    for path in paths:
        if not path.is_file():
            raise UsageError(
                f"no recording at {path}; pass JSON Lines written by --record or by the "
                "contract suites (reports/contract/*.jsonl), a HAR file or a VCR cassette"
            )
        try:
            exchanges.extend(read_exchanges(path, secrets))
        except RecordingError as exc:
            raise UsageError(f"--recording {path}: {exc}") from None
    return exchanges


def _check_probe(args: argparse.Namespace, api_key: str) -> None:
    if not args.base_url or not api_key:
        raise UsageError(
            f"--probe needs --base-url and an API key; pass --api-key or set ${API_KEY_ENV}"
        )
    if not str(args.base_url).startswith(("http://", "https://")):
        raise UsageError(
            f"--base-url {redact_url(args.base_url)} has no http:// or https:// scheme; "
            "pass e.g. https://ACCOUNT.app.invoicexpress.com"
        )
    if args.max_requests < 1:
        raise UsageError(f"--max-requests {args.max_requests} is below 1; pass a budget such as 30")


def _probe(spec: Spec, args: argparse.Namespace, api_key: str) -> tuple[list[Exchange], str]:
    from invoicexpress_drift.probe import ProbeError, coverage, probe, refusal

    progress = Progress("ixc drift server --probe")

    def tick(ex: Exchange, budget: int) -> None:
        progress.step(f"{len(seen) + 1}/{budget} {ex.method} {ex.path} -> {ex.status}")
        seen.append(ex)

    seen: list[Exchange] = []
    try:
        exchanges = probe(spec, args.base_url, api_key, args.max_requests, on_request=tick)
    except ProbeError as exc:
        raise UsageError(str(exc)) from None
    progress.done(f"{len(exchanges)} request(s) made")
    refused = refusal(exchanges)
    if refused:
        raise UsageError(
            f"{redact_url(args.base_url)}: {refused}, so no drift was measured; check "
            f"--api-key or ${API_KEY_ENV}"
        )
    if args.record:
        recorder = Recorder(args.record)
        for ex in exchanges:
            recorder.write(ex)
    args.probe_notes = coverage(spec, exchanges, args.max_requests)
    return exchanges, f"probe of {redact_url(args.base_url)} ({len(exchanges)} requests)"


def run_server(args: argparse.Namespace) -> int:
    _check_options(args)
    api_key = args.api_key or os.environ.get(API_KEY_ENV, "")
    secrets = tuple(s for s in (api_key, os.environ.get(API_KEY_ENV, ""), *args.secret) if s)
    exchanges: list[Exchange] = []
    if args.probe:
        _check_probe(args, api_key)
    else:  # read (and so check) the recordings before the slower spec load
        exchanges = _read_recordings(args.recording, secrets)
    spec_file = Path(args.spec or spec_path())
    if not spec_file.is_file():
        raise UsageError(f"no spec at {spec_file}; pass --spec FILE")
    spec = _load_spec(spec_file)
    if args.probe:
        exchanges, source = _probe(spec, args, api_key)
    else:
        source = ", ".join(p.name for p in args.recording)
    if args.baseline is None:
        args.baseline = default_baseline_path()
    elif not args.baseline.is_file() and not (args.no_baseline or args.update_baseline):
        raise UsageError(
            f"--baseline {args.baseline} does not exist; give an existing file, or create it "
            "with --update-baseline, or pass --no-baseline"
        )
    try:
        baseline = {} if args.no_baseline else load_baseline(args.baseline)
    except (ValueError, OSError) as exc:
        raise UsageError(
            f"--baseline {args.baseline} is not a readable baseline ({type(exc).__name__}); "
            "fix it or pass --no-baseline"
        ) from None
    report = server_drift(spec, exchanges, source=source, secrets=secrets, baseline=baseline)
    report.notes += getattr(args, "probe_notes", [])
    if args.update_baseline:
        write_baseline(args.baseline, report.findings, baseline, secrets=secrets)
        print(
            f"ixc drift: baseline {args.baseline} now accepts {len(report.findings)} finding(s)",
            file=sys.stderr,
        )
        for f in report.findings:
            f.baselined = True
    return _emit(report, args, secrets)
