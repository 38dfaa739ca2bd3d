"""Runtime of the typed layer (copied verbatim from overrides/codegen/typed_runtime.py).

A namespace method builds a `Call` (operation, path ids, wire query, JSON body, and the model
class of each 2xx status) and hands it to a `Runner`: the hand-written client, which sends it,
then decodes and checks the JSON into the model named for the status it got.

Typing: each method is written once, annotated with what the sync client returns, and decorated
with `@op` / `@pages`; on a `Resource[Async]` the same method gives `Awaitable[T]` /
`AsyncIterator[T]`. At run time `@op` binds like a plain function.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import (
    Any,
    ClassVar,
    Concatenate,
    Generic,
    ParamSpec,
    Protocol,
    TypeVar,
    dataclass_transform,
    overload,
)

#: (python name, wire name, required, kind) per field; kinds are nested tuples such as
#: ("decimal",), ("date", "dmy"), ("nullable", ("id",)), ("list", ("model", "DocumentItem")).
FieldSpecs = tuple[tuple[str, str, bool, tuple[Any, ...]], ...]

R_co = TypeVar("R_co", covariant=True)
I_co = TypeVar("I_co", covariant=True)
P = ParamSpec("P")
T = TypeVar("T")


@dataclass_transform(kw_only_default=True, frozen_default=True)
class Model:
    """Base of the response models: frozen, keyword-only, a repr of the fields that are set.

    Type checkers see each subclass as a frozen keyword-only dataclass; at run time one shared
    `__init__` reads the names from `__ix_fields__`, so importing ~100 models costs no per-class
    code generation (`@dataclass` would `exec` four methods per class: most of the client's
    import time).
    """

    __ix_fields__: ClassVar[FieldSpecs] = ()

    def __init__(self, **values: Any) -> None:
        cls = type(self)
        names = [spec[0] for spec in cls.__ix_fields__]
        unknown = values.keys() - set(names)
        if unknown:
            raise TypeError(f"{cls.__name__}() got unexpected fields: {sorted(unknown)}")
        for name in names:
            if name in values:
                object.__setattr__(self, name, values[name])
            elif not hasattr(cls, name):
                raise TypeError(f"{cls.__name__}() missing required field {name!r}")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, spec[0]) for spec in self.__ix_fields__)

    def __setattr__(self, name: str, value: Any) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Model)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{spec[0]}={getattr(self, spec[0])!r}"
            for spec in self.__ix_fields__
            if getattr(self, spec[0]) is not None
        )
        return f"{type(self).__name__}({shown})"


class Mode:
    """Type-level marker: what a resource's methods give (never instantiated)."""


class Sync(Mode):
    """Methods return the model; `iter` returns an Iterator (InvoiceXpress)."""


class Async(Mode):
    """Methods return awaitables; `iter` returns an AsyncIterator (AsyncInvoiceXpress)."""


M = TypeVar("M", bound=Mode)


@dataclass(frozen=True)
class Call:
    """One operation to run: snake_case operationId, path ids, wire query, JSON body, and the
    model class (or None for no body) of each 2xx status it may answer."""

    operation: str
    path: tuple[Any, ...] = ()
    query: Mapping[str, Any] = field(default_factory=dict)
    body: Any = None
    responses: Mapping[int, Any] = field(default_factory=dict)


class Runner(Protocol[R_co, I_co]):
    def run(self, call: Call) -> R_co: ...
    def paginate(self, call: Call, paged: bool) -> I_co: ...
    def poll(self, call: Call, timeout: float, interval: float) -> R_co: ...


class _Method(Generic[P, T]):
    def __init__(self, fn: Callable[..., Any]) -> None:
        self._fn = fn
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def _bind(self, obj: object) -> Any:
        return self if obj is None else types.MethodType(self._fn, obj)


class op(_Method[P, T]):
    """`@op` on a method annotated `-> T`: `T` on sync resources, `Awaitable[T]` on async ones."""

    def __init__(self, fn: Callable[Concatenate[Any, P], T]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> op[P, T]: ...
    @overload
    def __get__(self, obj: Resource[Sync], owner: type | None = None) -> Callable[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Async], owner: type | None = None
    ) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self._bind(obj)


class pages(_Method[P, T]):
    """`@pages` on a method annotated `-> Iterator[T]`: AsyncIterator[T] on async resources."""

    def __init__(self, fn: Callable[Concatenate[Any, P], Iterator[T]]) -> None:
        super().__init__(fn)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> pages[P, T]: ...
    @overload
    def __get__(
        self, obj: Resource[Sync], owner: type | None = None
    ) -> Callable[P, Iterator[T]]: ...
    @overload
    def __get__(
        self, obj: Resource[Async], owner: type | None = None
    ) -> Callable[P, AsyncIterator[T]]: ...
    def __get__(self, obj: object, owner: type | None = None) -> Any:
        return self._bind(obj)


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def _with_uid(body: dict[str, Any], uid: str | None) -> dict[str, Any]:
    return {**body, "proprietary_uid": uid} if uid is not None else body


class Resource(Generic[M]):
    """A namespace. `M` (Sync or Async) only tells type checkers what the methods return."""

    #: method name -> the operation (snake_case operationId) it runs
    _ops: ClassVar[dict[str, str]] = {}

    def __init__(self, runner: Runner[Any, Any]) -> None:
        self._runner = runner

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def operations(self) -> dict[str, str]:
        """operation name -> method name, for every method of this namespace."""
        found: dict[str, str] = {}
        for method, operation in self._ops.items():
            found.setdefault(operation, method)
        return found

    def _run(self, call: Call) -> Any:
        return self._runner.run(call)

    def _iter(self, call: Call, *, paged: bool) -> Any:
        return self._runner.paginate(call, paged)

    def _poll(self, call: Call, timeout: float, interval: float) -> Any:
        return self._runner.poll(call, timeout, interval)

    def _filters(self, filters: Mapping[str, Any], own_type: str | None) -> dict[str, Any]:
        """Python-named list filters -> wire query; `type` defaults to the namespace's type."""
        merged = dict(filters)
        if own_type is not None and "type" not in merged:
            merged["type"] = [own_type]
        query: dict[str, Any] = {}
        for name, value in merged.items():
            if value is None:
                continue
            if name in ("type", "status"):
                query[f"{name}[]"] = [value] if isinstance(value, str) else list(value)
            elif name.endswith(("_from", "_to")):
                base, _, bound = name.rpartition("_")
                query[f"{base}[{bound}]"] = value
            else:
                query[name] = value
        return query
