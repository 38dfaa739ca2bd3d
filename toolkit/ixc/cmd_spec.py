"""`ixc spec build [--check]`, `ixc spec validate` and `ixc spec path`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ixc.usage import UsageError, require_extra, yaml_mapping


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("spec", help="build, validate, find the spec")
    verbs = parser.add_subparsers(dest="verb", required=True)
    build = verbs.add_parser("build", help="write spec/invoicexpress.yaml from the builder")
    build.add_argument(
        "--check",
        action="store_true",
        help="fail if the committed spec differs from what the builder writes",
    )
    build.set_defaults(func=_build)
    validate = verbs.add_parser("validate", help="validate a spec file as OpenAPI 3.1")
    validate.add_argument("path", nargs="?", type=Path, help="default: the project's spec")
    validate.set_defaults(func=_validate)
    path = verbs.add_parser(
        "path",
        help="print the path of the spec in use (to diff against, or to give to other tools)",
        description="Print the spec every command uses: $IXC_SPEC when set, else the checkout's "
        "spec/invoicexpress.yaml, else the copy installed with the package.",
    )
    path.set_defaults(func=_path)


def _path(args: argparse.Namespace) -> int:
    from invoicexpress_core.spec import spec_path

    found = spec_path().resolve()
    if not found.is_file():
        raise UsageError(f"the spec {found} does not exist (check IXC_SPEC)")
    print(found)
    return 0


def _build(args: argparse.Namespace) -> int:
    require_extra("spec", "yaml")
    import invoicexpress_specbuild as specbuild

    if not specbuild.SPEC_FILE.parent.is_dir():
        raise UsageError(
            f"{specbuild.SPEC_FILE.parent} not found; `ixc spec build` runs from a checkout of "
            "invoicexpress-contract"
        )

    if args.check:
        if specbuild.build(check=True):
            print(f"{specbuild.SPEC_FILE.relative_to(specbuild.ROOT)} is up to date")
            return 0
        print(
            "spec/invoicexpress.yaml is stale or was edited by hand: run `ixc spec build` "
            "and commit the result (edit specbuild/invoicexpress_specbuild/, not the YAML).",
            file=sys.stderr,
        )
        return 1
    specbuild.build()
    print(f"wrote {specbuild.SPEC_FILE}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    require_extra("spec", "openapi_spec_validator")
    from openapi_spec_validator import validate

    from invoicexpress_core.spec import spec_path

    path = args.path or spec_path()
    document = yaml_mapping(path, "spec")
    try:
        validate(document)
    except Exception as exc:  # the validator raises several unrelated types
        print(f"{path}: invalid OpenAPI: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: valid OpenAPI {document.get('openapi')}")
    return 0
