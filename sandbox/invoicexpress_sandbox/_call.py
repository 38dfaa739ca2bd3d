"""One API call as the request path carries it: read off the wire (`Call`), then answered
(`Reply`) or refused (an `ApiError`). The fault seam (`_seam`) acts on these and on nothing
else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._errors import ApiError
from ._shared import JSON_TYPE, BoundOperation
from .areas._base import Json
from .handlers import Req


@dataclass
class Call:
    bound: BoundOperation
    api_key: str | None
    req: Req  # what the handler reads: path parameters, query, body, state machine
    sent: Any  # the body as read and checked, before any fault
    problem: ApiError | None  # bad input found while reading, answered after auth and limit
    base_url: str
    commit: bool = True  # False: answer a write, then roll it back
    account: Json | None = None  # the caller, once authenticated


@dataclass
class Reply:
    status: int
    payload: Any
    media_type: str | None = JSON_TYPE


Outcome = Reply | ApiError
