"""The baseline: a minimal Starlette app serving the same JSON document, on the same uvicorn.

GET answers the document (parsed once, serialised per request, like the sandbox); POST parses
the request's JSON body and answers the document with 201 (no validation, no storage).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

_DOC: Any = (
    json.loads(Path(os.environ.get("BENCH_DOCUMENT", "")).read_text())
    if os.environ.get("BENCH_DOCUMENT")
    else {"invoice": {"id": 1}}
)


async def get_document(request: Request) -> JSONResponse:
    return JSONResponse(_DOC)


async def create_document(request: Request) -> JSONResponse:
    await request.json()
    return JSONResponse(_DOC, status_code=201)


app = Starlette(
    routes=[
        Route("/invoices/{document_id}.json", get_document, methods=["GET"]),
        Route("/invoices.json", create_document, methods=["POST"]),
    ]
)
