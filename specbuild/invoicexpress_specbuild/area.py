"""What an API area gives the spec: its component schemas and its paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from invoicexpress_specbuild.nodes import Node


@dataclass(frozen=True)
class Area:
    name: str
    schemas: Callable[[], dict[str, Node]]
    paths: Callable[[], dict[str, Node]]
