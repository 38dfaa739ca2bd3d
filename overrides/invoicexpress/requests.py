"""Request bodies as TypedDicts (generated from the spec): mypy checks every key and value."""

from invoicexpress_client.typed.requests import *  # noqa: F403
