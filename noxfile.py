"""Sessions that CI and people run. `nox -s tests` is everything CI must pass."""

from __future__ import annotations

import nox

nox.needs_version = ">=2024.4.15"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests"]
nox.options.error_on_missing_interpreters = True

PYTHON = "3.11"
# Hand-written code: linted, formatted and type-checked strictly. generated/ is only
# type-checked (it is the generator's output, like a vendored package).
TYPED = ["toolkit", "overrides/invoicexpress", "sandbox", "contract_tests", "tests", "benchmarks"]
HAND_WRITTEN = [*TYPED, "noxfile.py"]


def _install(session: nox.Session) -> None:
    session.install("-e", ".[dev]")


def _lint(session: nox.Session) -> None:
    """Ruff on hand-written code; mypy --strict on it and on generated/ (not linted)."""
    session.run("ruff", "check", *HAND_WRITTEN)
    session.run("ruff", "format", "--check", *HAND_WRITTEN)
    session.run("mypy", *TYPED)
    session.run("mypy", "generated/invoicexpress_client")


@nox.session(python=PYTHON, reuse_venv=True)
def lint(session: nox.Session) -> None:
    """Ruff, mypy --strict on hand-written code and on generated/ (type-checked, not linted)."""
    _install(session)
    _lint(session)


@nox.session(python=PYTHON, reuse_venv=True)
def spec(session: nox.Session) -> None:
    """Validate spec/: rebuild check, OpenAPI validation and our own rules."""
    _install(session)
    session.run("ixc", "spec", "build", "--check")
    session.run("pytest", "tests/spec", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def generate(session: nox.Session) -> None:
    """Regenerate generated/ from spec/ (`-- --check` fails on stale files instead)."""
    _install(session)
    session.run("ixc", "generate", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def tests(session: nox.Session) -> None:
    """Everything CI must pass: lint, spec, generated client freshness, all test suites."""
    _install(session)
    _lint(session)
    session.run("ixc", "spec", "build", "--check")
    session.run("ixc", "generate", "--check")
    session.run("pytest", "-n", "auto", *(session.posargs or ("tests",)))
    session.run("ixc", "contract", "--quick")


@nox.session(python=PYTHON, reuse_venv=True)
def sandbox(session: nox.Session) -> None:
    """Run the local InvoiceXpress sandbox (posargs go to `ixc sandbox`)."""
    _install(session)
    session.run("ixc", "sandbox", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def contract(session: nox.Session) -> None:
    """Run the contract suites (default: against a fresh sandbox). The main job."""
    _install(session)
    session.run("ixc", "contract", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True)
def drift(session: nox.Session) -> None:
    """Server drift of the last `nox -s contract` recording (posargs go to `ixc drift server`)."""
    _install(session)
    default = ("--recording", "reports/contract/exchanges.jsonl", "--fail-on", "WARN")
    session.run("ixc", "drift", "server", *(session.posargs or default))


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def bench(session: nox.Session) -> None:
    """Benchmarks: sandbox throughput against a same-run baseline (and Prism where it runs)."""
    _install(session)
    session.run("python", "-m", "benchmarks", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def regenerate(session: nox.Session) -> None:
    """After a spec change: regenerate the client, run the tests, write the spec changelog."""
    import argparse

    parser = argparse.ArgumentParser(prog="nox -s regenerate --")
    parser.add_argument("--base", default="origin/main", help="branch to diff against (merge base)")
    parser.add_argument("--spec", default="spec/invoicexpress.yaml")
    parser.add_argument("--out", default="reports/spec-changelog")
    parser.add_argument("--fail-on", choices=("ERR", "WARN"), default=None)
    try:
        args = parser.parse_args(session.posargs)
    except SystemExit:
        session.error("Usage: nox -s regenerate -- [--base origin/main] [--fail-on ERR|WARN]")
    _install(session)
    session.run("ixc", "generate")
    session.run("pytest", "-n", "auto", "tests")
    base = session.run("git", "merge-base", "HEAD", args.base, silent=True, external=True)
    old = f"{str(base).strip()}:{args.spec}"
    fail_on = ("--fail-on", args.fail_on) if args.fail_on else ()
    outputs = [f"--{fmt}={args.out}.{ext}" for fmt, ext in
               (("markdown", "md"), ("json", "json"), ("junit", "xml"))]  # fmt: skip
    session.run("ixc", "drift", "spec", old, args.spec, "--client-impact", *outputs, *fail_on)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def detection(session: nox.Session) -> None:
    """The mutation catalogue's score beside plain `schemathesis run`, same faults, same run
    (one full `--quick` run per fault: long). Posargs: fault names, --max-time N."""
    _install(session)
    session.run("python", "tests/contract/detection.py", *session.posargs)


@nox.session(python=PYTHON, reuse_venv=True, default=False)
def rehearsal(session: nox.Session) -> None:
    """The live profile against `ixc sandbox --live-like`: <= 600 requests, no unhandled 429,
    nothing touched that the run did not create, nothing left but marked clients."""
    _install(session)
    session.run("python", "tests/contract/rehearsal.py", *session.posargs)
