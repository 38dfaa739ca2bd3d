"""Show or record the sha256 of the spec the sandbox handlers were built for.

`python -m invoicexpress_sandbox.spec_hash --update` records the current spec's hash in
`spec.sha256` (committed). Do it after checking the handlers against the spec change: the
sandbox refuses to start on any other spec.
"""

from __future__ import annotations

import argparse

from invoicexpress_core.spec import load_spec

from ._app import SPEC_HASH_FILE, expected_spec_hash


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m invoicexpress_sandbox.spec_hash")
    parser.add_argument("--update", action="store_true", help="record the current spec's hash")
    args = parser.parse_args(argv)
    spec = load_spec()
    if args.update:
        SPEC_HASH_FILE.write_text(spec.sha256 + "\n")
        print(f"recorded {spec.sha256} for {spec.path}")
        return 0
    expected = expected_spec_hash()
    print(f"spec     {spec.sha256}  {spec.path}\nexpected {expected or '(none)'}")
    return 0 if expected == spec.sha256 else 1


if __name__ == "__main__":
    raise SystemExit(main())
