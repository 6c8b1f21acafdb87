"""python-telegram-bot's transport on aiohttp instead of its default httpx.

Same requests, same answers: PTB builds every call (``RequestData``) and reads every answer (status, 429's
``retry_after``, errors) in ``BaseRequest``; this class only moves the bytes. It exists for the CPU: one Bot
API call through httpx costs this machine about 0.8 ms of CPU, through aiohttp about 0.23 ms (``bench/``),
and a message costs about 1.5 calls; aiohttp is already the bot's web server.

Timeouts keep PTB's meaning where aiohttp has one: ``connect`` covers waiting for a pooled connection and
opening one, ``read`` the wait for each piece of the answer. aiohttp has no write timeout, so the whole call
is also bounded by the sum of the four.

A proxy in the environment (``HTTPS_PROXY``/``HTTP_PROXY``, less the hosts in ``NO_PROXY``) is used as httpx
would, looked up once per host: aiohttp's own ``trust_env`` reads ``~/.netrc`` and the environment again on every
call, in a thread, which cost 5 % of the bot's CPU.
"""

from __future__ import annotations

import re
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one ``aiohttp.ClientSession`` with at most ``connection_pool_size`` connections."""

    def __init__(
        self,
        connection_pool_size: int = 1,
        *,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size), headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        else:
            write = write_timeout
        parts = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            # A download that keeps arriving is never cut off (each wait is bounded by sock_read, as in httpx);
            # a call that sends, with aiohttp having no write timeout, is bounded as a whole.
            total=None if method == "GET" or None in parts else sum(part or 0.0 for part in parts),
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        body: Any = None
        if request_data is not None:
            body = _form(request_data.json_parameters, files) if files else request_data.json_parameters
        # Neither a message nor a chained error (`from None`) may carry the token (it is in the URL) or a proxy's
        # password into a logged traceback.
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy_for(url), allow_redirects=False
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError:
            raise TimedOut(
                "Timed out waiting for a free connection or connecting: the request was not sent to Telegram"
            ) from None
        except TimeoutError:  # aiohttp's own read timeouts are TimeoutErrors too
            raise TimedOut from None
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{error.__class__.__name__}: {_without_secrets(str(error))}") from None

    def _proxy_for(self, url: str) -> str | None:
        """The proxy for this URL's scheme and host from the environment, as httpx reads it: the scheme's own
        variable or ALL_PROXY, none for a host (with or without its port) that NO_PROXY names."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._proxies:
            proxies = urllib.request.getproxies_environment()
            host = parts.hostname or ""
            address = f"{host}:{parts.port}" if parts.port else host
            # typeshed does not list the function; it matches a NO_PROXY entry against the host and host:port.
            bypass = bool(host) and urllib.request.proxy_bypass_environment(address, proxies)  # type: ignore[attr-defined]
            proxy = None if bypass else proxies.get(parts.scheme) or proxies.get("all")
            self._proxies[key] = proxy if not proxy or "://" in proxy else f"http://{proxy}"
        return self._proxies[key]


# A bot token in any spelling a URL gives it (PTB writes the colon of a file URL as %3A), and a URL's user:password.
_TOKEN = re.compile(r"\d{3,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}")
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s'\"]+@")


def _without_secrets(text: str) -> str:
    return _CREDENTIALS.sub("<credentials>@", _TOKEN.sub("<bot-token>", text))


# As httpx writes a file name in a multipart header (the HTML5 form encoding): a quote or a control character
# would otherwise end the header or be refused by aiohttp, and the file would not be sent.
_NAME_ESCAPES = {0x22: "%22", 0x5C: "\\\\"} | {c: f"%{c:02X}" for c in [*range(0x20), 0x7F] if c != 0x1B}


def _form(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename.translate(_NAME_ESCAPES), content_type=mimetype)
    return form
