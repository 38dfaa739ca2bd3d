"""The one parser of InvoiceXpress error bodies (CONVENTIONS "Error bodies", api-surface §7).

Shapes: {"errors":{"error":s}}, {"errors":[{"error":s|[s]}]}, {"errors":[s]}, bare arrays (also
nested and ["field","msg"] pairs), {"field":[s]}, {"errors":{"code","message"}}, {"error":s},
{"error":{"code","message"}}, {"reason":s}, {"message":s}, plain text, an HTML error page (its
title), an empty body (no message). Recorded live (issue 17): 401 and 422 as
{"errors":[{"error":s}]}, a duplicate tax as [["name","não está disponível."]]. It returns the raw
messages with the field and code they came with; callers decide how to word them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r"<(script|style|head)[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class ErrorMessage:
    message: str  # the text as the server wrote it
    field: str | None = None  # the model field it was filed under ("base" counts as none)
    code: str | None = None  # the vendor's code, when the body carries one

    @property
    def text(self) -> str:
        """One human line: `field message (code c)`, parts present only when known."""
        out = f"{self.field} {self.message}" if self.field else self.message
        return f"{out} (code {self.code})" if self.code else out


def template_regex(template: str) -> re.Pattern[str]:
    """A message of `x-error-catalogue` with its `{name}` placeholders as any text: the
    answers fill them in ("...of the series (07/12/2026)") in the form the server chose."""
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("^" + "(.+)".join(re.escape(p) for p in parts) + "$", re.S)


def parse_error_body(body: Any) -> list[ErrorMessage]:
    """Every message an error body carries, in order."""
    if body is None or body == "":
        return []
    if isinstance(body, str):
        text = _page_text(body) if body.lstrip().startswith("<") else body.strip()
        return [ErrorMessage(text[:500])] if text else []
    if isinstance(body, list):
        if len(body) == 2 and all(isinstance(x, str) for x in body) and " " not in body[0]:
            return [ErrorMessage(body[1], field=body[0])]  # ["fiscal_id", "is invalid"]
        return [m for item in body for m in parse_error_body(item)]
    if isinstance(body, dict):
        for key in ("errors", "error"):
            if key in body:
                inner = body[key]
                if isinstance(inner, dict) and ("message" in inner or "error" in inner):
                    code = inner.get("code")
                    msg = str(inner.get("message", inner.get("error")))
                    return [ErrorMessage(msg, code=str(code) if code else None)]
                return parse_error_body(inner)
        for key in ("reason", "message"):
            if isinstance(body.get(key), str):
                return [ErrorMessage(body[key])]
        # Rails model errors: {"name": ["is not available."], "base": ["Tax region is empty"]}
        return [
            ErrorMessage(m.message, field=m.field or (None if name == "base" else str(name)))
            for name, value in body.items()
            for m in parse_error_body(value)
        ]
    return [ErrorMessage(str(body))]


def _page_text(page: str) -> str:
    """An HTML error page (the live API's 404 page) as one line: its title or first heading,
    else its visible text."""
    found = _TITLE.search(page)
    text = found.group(2) if found else _HIDDEN.sub(" ", page)
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def error_messages(body: Any) -> list[str]:
    """Each message of an error body as one human line (what exceptions and reports show)."""
    return [m.text for m in parse_error_body(body)]
