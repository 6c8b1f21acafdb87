"""A small async client for the Zalo Bot Platform API (``POST <base>/bot<TOKEN>/<method>`` with JSON).

The token sits in the URL path, so it is kept out of every exception, ``repr`` and log line: the client's
own log lines name the method only, and a redacting filter is installed on the httpx/httpcore loggers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from bot.zalo.errors import (
    ZaloBadRequest,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
)
from bot.zalo.redact import HTTP_LOGGERS, MASK, install_token_filter, redact

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://bot-api.zaloplatforms.com"
MAX_TEXT_LENGTH = 2000
MAX_BACKOFF = 60.0
# Extra seconds the HTTP read may take beyond the long-poll timeout the server was asked to honour.
POLL_GRACE = 10.0

SleepFn = Callable[[float], Awaitable[Any]]


class ZaloClient:
    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        http: httpx.AsyncClient | None = None,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        sleep: SleepFn = asyncio.sleep,
    ) -> None:
        if not token:
            raise ValueError("Zalo bot token is empty")
        self.__token = token
        self._base_url = base_url.rstrip("/")
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0))
        self._max_retries = max_retries
        self._backoff_base = backoff_base
        self._sleep = sleep
        install_token_filter(token, (*HTTP_LOGGERS, __name__, "bot.zalo.channel"))

    def __repr__(self) -> str:
        return f"ZaloClient(base_url={self.redacted_base!r})"

    @property
    def redacted_base(self) -> str:
        return f"{self._base_url}/bot{MASK}"

    def _url(self, method: str) -> str:
        return f"{self._base_url}/bot{self.__token}/{method}"

    def _redact(self, text: str) -> str:
        return redact(text, [self.__token])

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- API methods -------------------------------------------------------------------------------

    async def get_me(self) -> dict[str, Any]:
        me: dict[str, Any] = await self._call("getMe")
        return me

    async def get_updates(self, timeout: int = 30) -> dict[str, Any] | None:
        """One update, or None when the long poll ended idle (HTTP 408) or the answer held nothing."""
        result = await self._call("getUpdates", {"timeout": timeout}, read_timeout=timeout + POLL_GRACE, idle_ok=True)
        return result if isinstance(result, dict) and result else None

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        if not chat_id:
            raise ValueError("chat_id is empty")
        if not text:
            raise ValueError("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise ValueError(f"message text is {len(text)} characters; Zalo takes at most {MAX_TEXT_LENGTH}")
        sent: dict[str, Any] = await self._call("sendMessage", {"chat_id": chat_id, "text": text})
        return sent

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> dict[str, Any]:
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        sent: dict[str, Any] = await self._call("sendPhoto", payload)
        return sent

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self._call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self._call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        info: dict[str, Any] = await self._call("getWebhookInfo")
        return info

    # --- transport and retry policy --------------------------------------------------------------------

    async def _call(
        self,
        method: str,
        payload: dict[str, Any] | None = None,
        *,
        read_timeout: float | None = None,
        idle_ok: bool = False,
    ) -> Any:
        attempt = 0
        while True:
            try:
                return await self._attempt(method, payload or {}, read_timeout, idle_ok)
            except (ZaloRateLimited, ZaloServerError, ZaloNetworkError) as err:
                if attempt >= self._max_retries:
                    raise
                delay = self._delay(err, attempt)
                attempt += 1
                logger.warning(
                    "Zalo %s %s failed (%s); retry %d/%d in %.1fs",
                    self.redacted_base,
                    method,
                    err,
                    attempt,
                    self._max_retries,
                    delay,
                )
                await self._sleep(delay)

    def _delay(self, err: ZaloError, attempt: int) -> float:
        if isinstance(err, ZaloRateLimited) and err.retry_after is not None:
            return min(max(err.retry_after, 0.0), MAX_BACKOFF)
        return min(self._backoff_base * 2.0**attempt, MAX_BACKOFF)

    async def _attempt(self, method: str, payload: dict[str, Any], read_timeout: float | None, idle_ok: bool) -> Any:
        timeout = httpx.USE_CLIENT_DEFAULT if read_timeout is None else httpx.Timeout(read_timeout, connect=10)
        try:
            response = await self._http.post(self._url(method), json=payload, timeout=timeout)
        except httpx.TransportError as exc:
            # `from None`: the httpx exception holds the request, whose URL holds the token.
            raise ZaloNetworkError(0, self._redact(f"{type(exc).__name__}: {exc}")) from None
        body = _json_or_none(response)
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        code, description, retry_after = _error_details(response, body)
        if code == 408 and idle_ok:
            return None
        raise self._error(code, self._redact(description), retry_after)

    @staticmethod
    def _error(code: int, description: str, retry_after: float | None) -> ZaloError:
        if code == 401:
            return ZaloUnauthorized(code, description)
        if code == 403:
            return ZaloForbidden(code, description)
        if code == 429:
            return ZaloRateLimited(code, description, retry_after)
        if code in (400, 404):
            return ZaloBadRequest(code, description)
        if code >= 500:
            return ZaloServerError(code, description)
        return ZaloError(code, description)


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_details(response: httpx.Response, body: Any) -> tuple[int, str, float | None]:
    if not isinstance(body, dict):
        # An answer that is not the API's JSON (a proxy's HTML page, say): retry it like a server error.
        code = response.status_code if response.status_code >= 400 else 502
        return code, f"unreadable answer (HTTP {response.status_code})", None
    given = body.get("error_code")
    if isinstance(given, int) and not isinstance(given, bool):
        code = given
    else:
        code = response.status_code if response.status_code >= 400 else 500
    description = body.get("description")
    return code, description if isinstance(description, str) else "", _retry_after(response, body)


def _retry_after(response: httpx.Response, body: dict[str, Any]) -> float | None:
    params = body.get("parameters")
    candidates = [
        params.get("retry_after") if isinstance(params, dict) else None,
        body.get("retry_after"),
        response.headers.get("Retry-After"),
    ]
    for value in candidates:
        try:
            if value is not None:
                return float(value)
        except (TypeError, ValueError):
            continue
    return None
