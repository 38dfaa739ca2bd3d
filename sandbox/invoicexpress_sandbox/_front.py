"""The ASGI app in front of everything: the guard, the clock's `Date` on every answer, then the
API operation the request names, found in a table built from the spec's paths at start-up.

What the table does not serve (admin routes, placeholder files, unknown paths, methods a path
does not take, HEAD, a path under a root path) goes to the Starlette router built from the
same routes, which answers it as it always did. The table follows Starlette's own matching
(same compiled patterns, same order), only without trying every route in turn.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ._clock import Clock
from ._guard import App, Guard, Receive, Scope, Send, refuse
from ._http import Api
from ._shared import BoundOperation

Methods = dict[str, BoundOperation]


class PathEndpoint:
    """The Starlette endpoint of one spec path (its operations by method)."""

    def __init__(self, api: Api, methods: Methods) -> None:
        self.api = api
        self.methods = methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only the path's own methods reach here (see `route`); Starlette answers the others.
        bound = self.methods[scope["method"]]
        await self.api(scope, receive, send, bound, scope.get("path_params", {}))

    def route(self, path: str) -> Route:
        """The path's Starlette route, taking exactly the spec's methods: Starlette would add
        HEAD to a GET route, which the API does not serve (405, like any other method)."""
        route = Route(path, self, methods=list(self.methods))
        route.methods = set(self.methods)
        return route


class RouteTable:
    """Spec paths by their first segment and depth, in Starlette's order of trial."""

    def __init__(self, routes: list[Route]) -> None:
        self._exact: dict[str, Methods] = {}
        self._templated: dict[tuple[str, int], list[tuple[Any, Methods]]] = {}
        for route in routes:
            endpoint = route.endpoint
            assert isinstance(endpoint, PathEndpoint)
            if "{" not in route.path:
                self._exact.setdefault(route.path, endpoint.methods)
            else:
                key = (route.path.split("/", 2)[1], route.path.count("/"))
                self._templated.setdefault(key, []).append((route.path_regex, endpoint.methods))

    def find(self, scope: Scope) -> tuple[BoundOperation, dict[str, str]] | None:
        """The operation serving the request, with its path parameters; None: ask Starlette."""
        if scope.get("root_path"):
            return None
        path, method = scope["path"], scope["method"]
        methods = self._exact.get(path)
        if methods is not None and method in methods:
            return methods[method], {}
        parts = path.split("/", 2)
        if len(parts) < 3:
            return None
        for pattern, methods in self._templated.get((parts[1], path.count("/")), ()):
            match = pattern.match(path)
            if match is not None and method in methods:
                return methods[method], match.groupdict()
        return None


class Front:
    """The sandbox's ASGI app."""

    def __init__(self, guard: Guard, clock: Clock, api: Api, table: RouteTable, rest: App):
        self.guard = guard
        self.clock = clock
        self.api = api
        self.table = table
        self.rest = rest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.rest(scope, receive, send)
            return
        refused = self.guard.refusal(scope)
        if refused is not None:
            await refuse(self._dated(send), *refused)
            return
        found = self.table.find(scope)
        if found is None:
            await self.rest(scope, receive, self._dated(send))
            return
        try:
            answer = await self.api.answer(scope, receive, *found)
        except Exception:
            # As Starlette's ServerErrorMiddleware answers an unexpected error.
            error = PlainTextResponse("Internal Server Error", 500)
            await error(scope, receive, self._dated(send))
            raise
        await answer.send(send, self.clock.date_header())

    def _dated(self, send: Send) -> Send:
        """`send` with the clock's `Date` first among an answer's headers."""
        clock = self.clock

        async def dated(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"date"]
                message["headers"] = [(b"date", clock.date_header()), *headers]
            await send(message)

        return dated
