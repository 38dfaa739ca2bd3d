"""The `ixc` toolkit: spec loading, redacted exchange records and the `ixc` command."""

__version__ = "0.1.0"
