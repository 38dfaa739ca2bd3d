"""The sandbox's command line, public: `ixc sandbox` and `python -m invoicexpress_sandbox`."""

from ._serve import HOST, add_arguments, main, parse_rate_limit, run

__all__ = ["HOST", "add_arguments", "main", "parse_rate_limit", "run"]
