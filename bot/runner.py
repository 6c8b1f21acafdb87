"""Running the configured channels in one process: Telegram and/or Zalo (polling or webhook), the
console, and one HTTP server that receives every platform's webhook on its own path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from aiohttp import web
from telegram.error import InvalidToken, NetworkError

from bot.app import App
from bot.console import ConsoleChannel
from bot.public_page import public_routes
from bot.senders import Senders
from bot.settings import Settings
from bot.zalo.channel import ZaloChannel, webhook_handler
from bot.zalo.client import ZaloClient
from bot.zalo.photos import PhotoFetcher
from handlers.ports import HandleFn
from handlers.types import Inbound, Result

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
ZALO_WEBHOOK_PATH = "/zalo/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class ConfigurationError(RuntimeError):
    pass


@dataclass
class OutgoingRouter:
    """Wraps the core: messages for people on another channel than the one being answered are sent
    through that channel's sender; the adapter itself sends those for its own channel."""

    handle_core: HandleFn
    senders: Senders

    async def handle(self, inbound: Inbound) -> Result:
        result = await self.handle_core(inbound)
        for message in result.outgoing:
            if message.channel == inbound.channel:
                continue
            try:
                await self.senders.send(message.channel, message.user_id, message.reply)
            except Exception:
                log.exception("sending to a %s user failed", message.channel)
        return result


@dataclass
class Runtime:
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    routes: list[tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    senders: Senders = field(default_factory=Senders)
    # Why a channel gave up on its own (e.g. a refused token): the bot then stops with this message.
    failure: str | None = None


def _webhook_url(settings: Settings, path: str) -> str:
    if not settings.public_base_url:
        raise ConfigurationError("webhook mode needs PUBLIC_BASE_URL (the https address that reaches HTTP_PORT)")
    return settings.public_base_url.rstrip("/") + path


def _secret(value: object, name: str) -> str:
    secret = value.get_secret_value() if value is not None else ""  # type: ignore[attr-defined]
    if not 8 <= len(secret) <= 256:
        raise ConfigurationError(f"webhook mode needs {name} of 8 to 256 characters")
    return secret


async def _start_telegram(app: App, router: OutgoingRouter, runtime: Runtime) -> None:
    from bot.telegram_channel import TelegramChannel

    settings = app.settings
    assert settings.telegram_bot_token is not None
    channel = TelegramChannel(
        settings.telegram_bot_token.get_secret_value(),
        router.handle,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        max_attachment_bytes=app.config.max_attachment_bytes,
    )
    runtime.senders.telegram(channel)
    runtime.closers.append(channel.stop)
    if settings.telegram_mode == "webhook":
        secret = _secret(settings.telegram_webhook_secret, "TELEGRAM_WEBHOOK_SECRET")

        async def hook(request: web.Request) -> web.Response:
            status = await channel.process_webhook(
                await request.read(), request.headers.get(TELEGRAM_SECRET_HEADER), secret
            )
            return web.Response(status=status)

        runtime.routes.append((TELEGRAM_WEBHOOK_PATH, hook))
    try:
        if settings.telegram_mode == "webhook":
            await channel.start_webhook(_webhook_url(settings, TELEGRAM_WEBHOOK_PATH), secret)
        else:
            await channel.start_polling()
    except InvalidToken as error:
        raise ConfigurationError(
            "Telegram refused TELEGRAM_BOT_TOKEN (401): check the token from @BotFather"
        ) from error
    except NetworkError as error:
        raise ConfigurationError(
            f"cannot reach the Telegram Bot API ({type(error).__name__}); check TELEGRAM_API_BASE_URL and the network"
        ) from error
    log.info("Telegram channel running (%s)", settings.telegram_mode)


async def _start_zalo(app: App, router: OutgoingRouter, runtime: Runtime) -> None:
    settings = app.settings
    assert settings.zalo_bot_token is not None
    client = ZaloClient(settings.zalo_bot_token.get_secret_value(), base_url=settings.zalo_api_base_url)
    photos = PhotoFetcher(httpx.AsyncClient(timeout=30), app.config.max_attachment_bytes)
    channel = ZaloChannel(client, photos.wrap(router.handle), on_sent=app.usage_counter("zalo"))
    runtime.senders.zalo(channel)
    runtime.closers.extend([client.aclose, photos.aclose])
    if settings.zalo_mode == "webhook":
        secret = _secret(settings.zalo_webhook_secret, "ZALO_WEBHOOK_SECRET")
        runtime.routes.append((ZALO_WEBHOOK_PATH, webhook_handler(channel, secret)))
        await channel.start_webhook(_webhook_url(settings, ZALO_WEBHOOK_PATH), secret)
    else:
        runtime.tasks.append(asyncio.create_task(_poll_zalo(channel, runtime)))
    log.info("Zalo channel running (%s)", settings.zalo_mode)


async def _poll_zalo(channel: ZaloChannel, runtime: Runtime) -> None:
    await channel.poll_forever(runtime.stop)
    if not runtime.stop.is_set():  # polling only gives up by itself when Zalo refuses the token
        runtime.failure = "Zalo refused ZALO_BOT_TOKEN (401): check the token in the Zalo Bot Creator"
        runtime.stop.set()


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _start_http(settings: Settings, runtime: Runtime, pages: list | None = None) -> None:
    web_app = web.Application(client_max_size=2 * 1024 * 1024)
    web_app.router.add_get("/healthz", _health)
    for path, handler in runtime.routes:
        web_app.router.add_post(path, handler)
    for path, handler in pages or []:
        web_app.router.add_get(path, handler)
    runner = web.AppRunner(web_app, access_log=None)  # access logs would carry webhook paths and ids
    await runner.setup()
    await web.TCPSite(runner, settings.http_host, settings.http_port).start()
    runtime.closers.append(runner.cleanup)
    log.info("HTTP server listening on %s:%d", settings.http_host, settings.http_port)


async def run_channels(app: App, channels: list[str], runtime: Runtime | None = None) -> None:
    """Start every requested channel, serve until SIGINT/SIGTERM (or ``runtime.stop``), then stop cleanly."""
    runtime = runtime or Runtime()
    router = OutgoingRouter(app.core.handle, runtime.senders)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, runtime.stop.set)
    try:
        if "telegram" in channels:
            await _start_telegram(app, router, runtime)
        if "zalo" in channels:
            await _start_zalo(app, router, runtime)
        # The server runs for webhooks, the public page or document downloads — whichever is configured.
        pages = public_routes(app)
        if runtime.routes or pages:
            await _start_http(app.settings, runtime, pages)
        if "console" in channels:
            console = ConsoleChannel(router.handle, "1", max_attachment_bytes=app.config.max_attachment_bytes)
            runtime.senders.console(console.out)
            # While pages are served, the end of stdin (a service, `< /dev/null`) ends the console, not the bot.
            stop_at_eof = None if pages else runtime.stop
            runtime.tasks.append(asyncio.create_task(_until_eof(console, stop_at_eof)))
        app.start_scheduler(runtime.senders)
        await runtime.stop.wait()
        if runtime.failure is not None:
            raise ConfigurationError(runtime.failure)
    finally:
        await app.stop_scheduler()
        runtime.stop.set()
        for task in runtime.tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, timeout=5)
        for close in reversed(runtime.closers):
            with contextlib.suppress(Exception):
                await close()


async def _until_eof(console: ConsoleChannel, stop: asyncio.Event | None) -> None:
    await console.run()
    if stop is not None:
        stop.set()
