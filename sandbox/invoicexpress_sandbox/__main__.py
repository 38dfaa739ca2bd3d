"""`python -m invoicexpress_sandbox` = `ixc sandbox` without the toolkit's entry point."""

from __future__ import annotations

from ._serve import main

if __name__ == "__main__":
    raise SystemExit(main())
