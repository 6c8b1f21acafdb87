"""Loopback servers one test starts and stops: an aiohttp app, a raw TCP server, an HTTP forwarder (a proxy, or a
front for one server that can drop a call on the way), and a port nothing listens on."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from types import TracebackType

from aiohttp import ClientSession, web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def free_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LoopbackServers:
    """Use as ``async with LoopbackServers() as servers:``; everything started is stopped at its end."""

    def __init__(self) -> None:
        self._runners: list[web.AppRunner] = []
        self._raw: list[asyncio.Server] = []

    async def __aenter__(self) -> LoopbackServers:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for runner in self._runners:
            await runner.cleanup()
        for server in self._raw:
            server.close()
            await server.wait_closed()

    async def web(self, handler: Handler) -> str:
        """An aiohttp app answering every path with ``handler``; returns ``http://127.0.0.1:port``."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self._runners.append(runner)
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    async def raw(self, handler: RawHandler) -> str:
        """A plain TCP server speaking whatever ``handler`` writes; returns ``http://127.0.0.1:port``."""
        server = await asyncio.start_server(handler, "127.0.0.1", 0)
        self._raw.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    async def forwarding(
        self,
        asked: list[str],
        *,
        to: str | None = None,
        drop: Callable[[web.Request], bool] | None = None,
    ) -> str:
        """Records every address it is asked for and forwards the call: as an HTTP proxy (to the absolute address
        a proxy is given), or with ``to`` as a front for that one server (``to`` + the path). A call ``drop``
        picks has its connection closed before any answer, as a failing network would."""

        async def forward(request: web.Request) -> web.StreamResponse:
            asked.append(str(request.url))
            body = await request.read()
            if drop is not None and drop(request):
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            async with (
                ClientSession() as client,
                client.request(
                    request.method,
                    f"{to}{request.path_qs}" if to else str(request.url),
                    data=body,
                    headers={"Content-Type": request.headers.get("Content-Type", "")},
                ) as answer,
            ):
                return web.Response(body=await answer.read(), status=answer.status, content_type="application/json")

        return await self.web(forward)
