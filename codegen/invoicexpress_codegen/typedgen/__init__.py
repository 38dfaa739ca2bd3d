"""The typed layer of the generated client: `invoicexpress_client.typed`, written from the spec.

openapi-python-client gives attrs models whose fields follow the wire (`float` totals, `str`
dates, `Unset` sentinels). This emitter writes, from the same spec, what the hand-written client
hands to users:

- `typed/requests.py`: a TypedDict per request body, with `Literal`s for every enum (states,
  events, payment mechanisms, units, exemption codes, countries) and `date` / `Decimal` where the
  wire wants dd/mm/yyyy or a decimal;
- `typed/models.py`: a frozen, keyword-only model per response object with converted types
  (`Decimal` money, `date` dates, `int` ids, `bool` flags) and, per class, `__ix_fields__`:
  each field's wire name, whether it is required, and its schema *kind* (the data the client's
  decoder checks);
- `typed/namespaces.py`: one resource class per namespace with exactly the operations the spec
  has (a method that is not an operation does not exist, for mypy or at run time);
- `typed/runtime.py`: copied from `overrides/codegen/typed_runtime.py` (Call, Resource, the
  sync/async method descriptors).

Why TypedDicts for requests and dataclasses for responses: requests stay plain dicts users can
build, merge and log, while mypy checks every key and value; responses are attribute access
with converted values and a repr of only the fields that are set. Method names per namespace
are the only hand-kept table (`NAMESPACES`): an entry the spec lacks has no method, and a test
checks that every operation of the spec is reachable.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from invoicexpress_codegen.typedgen.models import Emitter
from invoicexpress_codegen.typedgen.namespaces import NamespaceWriter, namespaces
from invoicexpress_codegen.typedgen.operations import operations

RUNTIME = Path(__file__).resolve().parents[3] / "overrides" / "codegen" / "typed_runtime.py"


_HEAD = [
    "from __future__ import annotations",
    "",
    "import collections.abc as _abc",
    "import datetime as dt",
    "from decimal import Decimal",
]


def build(spec: dict[str, Any]) -> dict[str, str]:
    """The typed package's files (name -> source) for `spec`.

    A NAMESPACES entry the spec lacks simply has no method; tests/client/test_namespaces.py
    checks that every operation of the real spec is reachable from a namespace."""
    ops = operations(spec)
    em = Emitter(spec)
    nw = NamespaceWriter(em, ops)
    spaces = namespaces(nw, ops)
    literals = "\n".join(
        [
            '"""The spec\'s enums as Literal aliases (states, units, countries, ...)."""',
            "",
            "from typing import Literal",
            "",
            *[f"{k} = {v}" for k, v in sorted(em.aliases.items())],
            "",
        ]
    )
    models = "\n".join(
        [
            '"""Response models: converted, checked values (see `__ix_fields__`)."""',
            "",
            *_HEAD,
            "from typing import ClassVar, Literal",
            "",
            "from .runtime import FieldSpecs, Model",
            "from .literals import *  # noqa: F403",
            "",
            "",
            *[m + "\n\n" for m in em.models],
        ]
    )
    requests = "\n".join(
        [
            '"""Request bodies as TypedDicts: every key and value checked by mypy."""',
            "",
            *_HEAD,
            "from typing import Literal, NotRequired, Required, TypedDict",
            "",
            "from .literals import *  # noqa: F403",
            "",
            "",
            *[r + "\n\n" for r in em.requests],
        ]
    )
    names = "\n".join(
        [
            '"""Namespaces: one class per API area, one method per operation the spec has."""',
            "",
            "# Each method declares the model its Call decodes to; the runner returns it untyped:",
            '# mypy: disable-error-code="no-any-return"',
            *_HEAD,
            "from typing import ClassVar, Generic, Literal, Unpack",
            "",
            "from .runtime import Call, M, Mode, Resource, _drop_none, _with_uid, op, pages",
            "from .literals import *  # noqa: F403",
            "from .models import *  # noqa: F403",
            "from .requests import *  # noqa: F403",
            "",
            "",
            *[source + "\n\n" for _ns, _cls, source in spaces],
            "class Namespaces(Generic[M]):",
            '    """The resource attributes shared by the sync and async clients."""',
            "",
            *[f"    {ns}: {cls}[M]" for ns, cls, _source in spaces],
            "",
            "",
            "RESOURCES: dict[str, type[Resource[Mode]]] = {",
            *[f"    {ns!r}: {cls}," for ns, cls, _source in spaces],
            "}",
            "",
        ]
    )
    init = (
        '"""The typed layer: request TypedDicts, converted response models, namespaces."""\n\n'
        "from . import literals, models, namespaces, requests\n\n"
        '__all__ = ["literals", "models", "namespaces", "requests"]\n'
    )
    return {
        "__init__.py": init,
        "runtime.py": RUNTIME.read_text(encoding="utf-8"),
        "literals.py": literals,
        "models.py": models,
        "requests.py": requests,
        "namespaces.py": names,
    }


def write(spec: dict[str, Any], package: Path) -> None:
    """Write `typed/` into the generated package folder `package`."""
    out = package / "typed"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, source in build(spec).items():
        (out / name).write_text(source, encoding="utf-8")
