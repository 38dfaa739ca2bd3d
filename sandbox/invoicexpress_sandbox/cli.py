"""The sandbox's command line, public: `ixc sandbox` and `python -m invoicexpress_sandbox`."""

from ._serve import add_arguments, main, run

__all__ = ["add_arguments", "main", "run"]
