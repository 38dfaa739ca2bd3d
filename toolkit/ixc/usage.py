"""The one way a command reports a user's mistake: one line, exit code 2, no traceback."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake in what the user gave (argument, file, URL): the message names it and the fix.

    Raise it anywhere below a command; `ixc.cli.main` prints `ixc: error: <message>` on stderr
    and exits with 2.
    """


def require_extra(extra: str, *modules: str) -> None:
    """Raise a UsageError naming `extra` when one of `modules` cannot be imported."""
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            raise UsageError(
                f"this command needs {module!r}, which is not installed; "
                f"pip install 'invoicexpress-contract[{extra}]'"
            )
