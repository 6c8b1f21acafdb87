"""Attacks on the aiohttp Bot API transport (``bot/telegram_request.py``), against loopback servers only: each test
is a way the first version did worse than PTB's own httpx transport or leaked a secret (a token or a proxy's
password in a traceback, a download cut off, a file name that lost the file, a redirect followed, proxy variables
misread), and now holds."""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import Bot, InputFile
from telegram.error import NetworkError, TimedOut

from bot.telegram_request import AiohttpRequest
from tests.fakes.loopback import LoopbackServers, free_port
from tests.fakes.telegram_api import DEFAULT_TOKEN, FakeTelegram

CHAT = 4242
SECRET = DEFAULT_TOKEN.split(":", 1)[1]  # the part of the token that must never be shown
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


@pytest.fixture(autouse=True)
def no_proxy_from_the_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test sets the proxy variables it means; none come from the machine running the tests."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


@pytest.fixture
async def servers() -> AsyncIterator[LoopbackServers]:
    async with LoopbackServers() as started:
        yield started


@contextlib.asynccontextmanager
async def _started(request: AiohttpRequest) -> AsyncIterator[AiohttpRequest]:
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


async def _is_bot(request: AiohttpRequest, fake: FakeTelegram) -> bool:
    """Whether ``getMe`` reached the fake through ``request`` (and whatever proxies the environment names)."""
    async with _started(request):
        return (await request.post(f"{fake.base_url}{DEFAULT_TOKEN}/getMe"))["is_bot"] is True  # type: ignore[index]


def _shown(error: BaseException) -> str:
    """What a logged traceback of ``error`` would print, its chained causes included."""
    return "".join(traceback.format_exception(error))


async def _a_users_file_id(fake: FakeTelegram, bot: Bot) -> str:
    await fake.user_sends_document(CHAT, "minh-chung.pdf", b"%PDF-1.4 noi dung", "application/pdf")
    updates = await bot.get_updates(timeout=0)
    document = updates[-1].message.document  # type: ignore[union-attr]
    assert document is not None
    return document.file_id


# --------------------------------------------------------------------------------------------- the token


async def test_a_pool_timeout_does_not_carry_the_token_into_the_traceback(servers: LoopbackServers) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(0.6)
        return web.json_response({"ok": True, "result": True})

    base = await servers.web(slow)
    # One connection: the second call waits for it.
    async with _started(AiohttpRequest(1, connect_timeout=0.1, pool_timeout=0.1)) as request:
        url = f"{base}/bot{DEFAULT_TOKEN}/getMe"
        results = await asyncio.gather(request.post(url), request.post(url), return_exceptions=True)
    [timed_out] = [r for r in results if isinstance(r, TimedOut)]
    assert SECRET not in _shown(timed_out)


async def test_a_failed_download_does_not_carry_the_token(fake: FakeTelegram, servers: LoopbackServers) -> None:
    async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1000)  # a middlebox answering something that is not HTTP
        writer.write(b"HELLO WORLD\r\n\r\n")
        await writer.drain()
        writer.close()

    files = await servers.raw(not_http)
    bot = Bot(
        DEFAULT_TOKEN,
        base_url=fake.base_url,
        base_file_url=f"{files}/file/bot",
        request=AiohttpRequest(4),
        get_updates_request=AiohttpRequest(1),
    )
    async with bot:
        file = await bot.get_file(await _a_users_file_id(fake, bot))
        with pytest.raises(NetworkError) as failed:
            await file.download_as_bytearray()
    assert SECRET not in _shown(failed.value)


# --------------------------------------------------------------------------------------------- timeouts


async def test_a_download_that_keeps_arriving_is_not_cut_off(fake: FakeTelegram, servers: LoopbackServers) -> None:
    async def steady(request: web.Request) -> web.StreamResponse:  # 16 pieces, one every 0.1 s: 1.6 s in all
        response = web.StreamResponse(headers={"Content-Type": "application/pdf"})
        await response.prepare(request)
        for _ in range(16):
            await asyncio.sleep(0.1)
            await response.write(b"x" * 1024)
        await response.write_eof()
        return response

    files = await servers.web(steady)
    # Every timeout 0.3 s: no single wait comes near it, but the four add up to 1.2 s. With the bot's own
    # (15, 30, 5, 1) the same happens to a 20 MB evidence file on a link slower than 400 kB/s.
    timeouts = {"read_timeout": 0.3, "write_timeout": 0.3, "connect_timeout": 0.3, "pool_timeout": 0.3}
    bot = Bot(
        DEFAULT_TOKEN,
        base_url=fake.base_url,
        base_file_url=f"{files}/file/bot",
        request=AiohttpRequest(4, **timeouts),
        get_updates_request=AiohttpRequest(1),
    )
    async with bot:
        file = await bot.get_file(await _a_users_file_id(fake, bot))
        content = await file.download_as_bytearray()
    assert len(content) == 16 * 1024


# --------------------------------------------------------------------------------------------- uploads


async def test_a_file_whose_name_has_a_line_break_is_still_sent(fake: FakeTelegram) -> None:
    # A user's file name keeps its line breaks (clean_text keeps them) and the desk sends the file back by it.
    content = b"PK\x03\x04 bao cao"
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=AiohttpRequest(4)) as bot:
        await bot.send_document(CHAT, InputFile(content, filename="Báo cáo\nquý 1.docx"), caption="Tệp đính kèm")
    [message] = fake.sent_to(CHAT)
    assert message.document_bytes == content


# --------------------------------------------------------------------------------------------- redirects


async def test_a_redirect_does_not_send_the_message_to_another_host(servers: LoopbackServers) -> None:
    elsewhere: list[bytes] = []

    async def collect(request: web.Request) -> web.StreamResponse:
        elsewhere.append(await request.read())
        return web.json_response({"ok": True, "result": {}})

    other = await servers.web(collect)

    async def redirect(request: web.Request) -> web.StreamResponse:
        await request.read()
        raise web.HTTPTemporaryRedirect(f"{other}/collect")

    api = await servers.web(redirect)
    bot = Bot(DEFAULT_TOKEN, base_url=f"{api}/bot", request=AiohttpRequest(4))
    await bot.request.initialize()  # not bot.initialize(): that would call getMe first
    try:
        with contextlib.suppress(Exception):  # httpx gives a NetworkError for the 307; any outcome but a resend
            await bot.send_message(CHAT, "Nội dung sáng kiến chưa công bố")
    finally:
        await bot.request.shutdown()
    assert elsewhere == []


# --------------------------------------------------------------------------------------------- proxies


async def test_no_proxy_with_a_port_keeps_a_local_bot_api_server_direct(
    fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = fake.base_url.split(":")[2].split("/")[0]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")  # a proxy that is not there
    monkeypatch.setenv("NO_PROXY", f"127.0.0.1:{port}")  # e.g. a local telegram-bot-api on :8081
    assert await _is_bot(AiohttpRequest(4), fake)


async def test_all_proxy_carries_the_calls(
    fake: FakeTelegram, servers: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setenv("ALL_PROXY", await servers.forwarding(asked))
    async with Bot(DEFAULT_TOKEN, base_url=fake.base_url, request=AiohttpRequest(4)) as bot:
        await bot.send_message(CHAT, "qua proxy")
    assert any(url.endswith("/sendMessage") for url in asked)


async def test_a_proxy_without_a_scheme_is_taken_as_http(
    fake: FakeTelegram, servers: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    proxy = await servers.forwarding(asked)
    monkeypatch.setenv("HTTP_PROXY", proxy.removeprefix("http://"))
    assert await _is_bot(AiohttpRequest(4), fake)
    assert asked


async def test_a_proxy_refusal_does_not_show_the_proxy_password(
    servers: LoopbackServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1000)  # the CONNECT for the https target
        writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    proxy = await servers.raw(refuse)
    monkeypatch.setenv("HTTPS_PROXY", proxy.replace("http://", "http://bot:Mat-khau-proxy-2026@"))
    async with _started(AiohttpRequest(1)) as request:
        with pytest.raises(NetworkError) as failed:
            await request.post(f"https://127.0.0.1:{free_port()}/bot{DEFAULT_TOKEN}/getMe")
    assert "Mat-khau-proxy-2026" not in _shown(failed.value)
