"""`ixc generate`: regenerate generated/invoicexpress_client from the spec, or check it is fresh.

The work is in `invoicexpress_codegen`; this module is the command line around it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from invoicexpress_codegen import (
    CONFIG,
    GENERATOR,
    GENERATOR_VERSION,
    HEADER,
    OUTPUT,
    PACKAGE,
    PROVENANCE,
    TEMPLATES,
    compare,
    generate_into,
    stamp_headers,
)
from invoicexpress_core.spec import spec_path
from ixc.usage import UsageError, require_extra, yaml_mapping

__all__ = ["CONFIG", "GENERATOR_VERSION", "HEADER", "TEMPLATES", "compare", "register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "generate", help="regenerate generated/invoicexpress_client (or --check it is fresh)"
    )
    parser.add_argument("--check", action="store_true", help="fail, listing stale files")
    parser.add_argument(
        "--spec", type=Path, default=None, help="spec to read (default: $IXC_SPEC or spec/)"
    )
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help="folder holding the package and GENERATION.json"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    spec = Path(args.spec) if args.spec else spec_path()
    if not args.spec and not spec.exists():
        raise UsageError(f"no spec at {spec}; run `ixc spec build` first")
    if "openapi" not in yaml_mapping(spec, "--spec"):
        raise UsageError(f"--spec {spec} has no `openapi` version key; give an OpenAPI document")
    output: Path = args.output
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} is a file; give a folder")
    require_extra("codegen", "openapi_python_client")
    if not CONFIG.exists():
        raise UsageError(
            f"{CONFIG} not found; `ixc generate` runs from a checkout of invoicexpress-contract"
        )
    installed = metadata.version(GENERATOR)
    if installed != GENERATOR_VERSION:
        raise UsageError(
            f"{GENERATOR} {installed} is installed but the templates are pinned to "
            f"{GENERATOR_VERSION}; run: uv pip install '{GENERATOR}=={GENERATOR_VERSION}'"
        )
    with tempfile.TemporaryDirectory(prefix="ixc-generate-") as tmp:
        fresh = Path(tmp) / "out"
        code = generate_into(spec, fresh)
        if code:
            return code
        if args.check:
            stale = compare(fresh, output)
            if stale:
                print(
                    "ixc generate --check: generated/ is stale; run `ixc generate` and commit:",
                    file=sys.stderr,
                )
                for line in stale:
                    print(f"  {line}", file=sys.stderr)
                return 1
            print(f"ixc generate --check: {output} is up to date")
            return 0
        output.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(output / PACKAGE, ignore_errors=True)
        shutil.copytree(fresh / PACKAGE, output / PACKAGE)
        shutil.copy2(fresh / PROVENANCE, output / PROVENANCE)
    print(f"ixc generate: wrote {output / PACKAGE}")
    return 0


if __name__ == "__main__":  # the generator's post-hook (overrides/codegen/config.yaml)
    parser = argparse.ArgumentParser(prog="python -m ixc.cmd_generate")
    parser.add_argument("--stamp-headers", type=Path, required=True)
    stamp_headers(parser.parse_args().stamp_headers)
