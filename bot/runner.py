"""Running the configured channels in one process: Telegram and/or Zalo (polling or webhook), the
console, and one HTTP server that receives every platform's webhook on its own path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
from aiohttp import web
from telegram.error import NetworkError, TelegramError

from bot.app import App
from bot.console import ConsoleChannel
from bot.intake.dispatcher import Dispatcher
from bot.intake.sending import ReplySender
from bot.public_page import Handler, public_routes
from bot.senders import ChatPacer, Senders
from bot.settings import Settings
from bot.zalo.channel import ZaloChannel, webhook_handler
from bot.zalo.client import ZaloClient
from bot.zalo.errors import ZaloUnauthorized
from bot.zalo.photos import PhotoFetcher
from handlers.commands import EVERYONE
from handlers.reminders import alert_admins
from scheduler.sweeper import worker_id
from storage.intake import SqlIntake
from storage.poll_lease import SqlPollLease
from storage.send_budget import BROADCAST, REPLY, SqlSendBudget

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
ZALO_WEBHOOK_PATH = "/zalo/webhook"
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ZALO_REFUSED = "Zalo refused ZALO_BOT_TOKEN (401): check the token in the Zalo Bot Creator"


class ConfigurationError(RuntimeError):
    pass


@dataclass
class Runtime:
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    routes: list[tuple[str, Callable[[web.Request], Awaitable[web.StreamResponse]]]] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    # Replies to what users sent, and everything the bot says on its own (reminders, notices): the same
    # channels, but the second kind only takes what the first leaves of the sending budget.
    senders: Senders = field(default_factory=Senders)
    broadcasts: Senders = field(default_factory=Senders)
    # Why a channel gave up on its own (e.g. a refused token): the bot then stops with this message.
    failure: str | None = None
    console_user: str = "1"
    # Where the console writes the documents the bot sends.
    console_documents: Path = Path("tai-lieu")


def _webhook_url(settings: Settings, path: str) -> str:
    if not settings.public_base_url:
        raise ConfigurationError("webhook mode needs PUBLIC_BASE_URL (the https address that reaches HTTP_PORT)")
    return settings.public_base_url.rstrip("/") + path


def _secret(value: object, name: str) -> str:
    secret = value.get_secret_value() if value is not None else ""  # type: ignore[attr-defined]
    if not 8 <= len(secret) <= 256:
        raise ConfigurationError(f"webhook mode needs {name} of 8 to 256 characters")
    return secret


class Channels:
    """The running channels of one process: intake, senders, and what to do when one gives up by itself."""

    def __init__(self, app: App, runtime: Runtime) -> None:
        self.app = app
        self.runtime = runtime
        stale = app.settings.intake_stale_seconds
        self.intake = SqlIntake(app.database, worker_id(), stale_after=timedelta(seconds=stale))
        self.replies = ReplySender(self.intake, runtime.senders, app.clock)
        self.dispatcher = Dispatcher(
            self.intake,
            app.core.handle_stored,
            self.replies,
            app.clock,
            heartbeat_seconds=stale / 3,
            recover_seconds=stale / 2,
            retention=timedelta(days=app.settings.intake_retention_days),
        )
        self.alive: set[str] = set()
        # While channels are still starting, one failing says nothing yet about the others.
        self.starting = True

    def failed(self, channel: str, reason: str) -> None:
        """A channel stopped by itself: the others keep serving; the admins are told; with none left, stop."""
        log.error("%s channel stopped: %s", channel.capitalize(), reason)
        self.alive.discard(channel)
        self.runtime.tasks.append(asyncio.create_task(self._alert(channel, reason)))
        if not self.alive and not self.starting:
            self.runtime.failure = reason
            self.runtime.stop.set()

    async def _alert(self, channel: str, reason: str) -> None:
        try:
            async with self.app.database.unit_of_work() as store:
                await alert_admins(store, channel, reason, self.app.clock())
        except Exception:
            log.exception("could not queue the admins' alert")


async def _start_telegram(channels: Channels) -> None:
    from bot.telegram_channel import TelegramChannel, TelegramRefused

    app, runtime = channels.app, channels.runtime
    settings = app.settings
    assert settings.telegram_bot_token is not None
    channel = TelegramChannel(
        settings.telegram_bot_token.get_secret_value(),
        channels.dispatcher.receive,
        base_url=settings.telegram_api_base_url,
        base_file_url=settings.telegram_file_base_url,
        max_attachment_bytes=app.config.max_attachment_bytes,
    )
    budget = SqlSendBudget(app.database, f"telegram:{channel.account}", settings.telegram_max_messages_per_second)
    chats = ChatPacer(settings.telegram_chat_messages_per_second)  # replies and notices to a chat share its limit
    runtime.senders.telegram(channel, budget=budget.for_priority(REPLY), chats=chats)
    runtime.broadcasts.telegram(channel, budget=budget.for_priority(BROADCAST), chats=chats)
    channels.dispatcher.add_channel("telegram", channel.decode)
    runtime.closers.append(channel.stop)
    try:
        if settings.telegram_mode == "webhook":
            secret = _secret(settings.telegram_webhook_secret, "TELEGRAM_WEBHOOK_SECRET")
            url = _webhook_url(settings, TELEGRAM_WEBHOOK_PATH)

            async def hook(request: web.Request) -> web.Response:
                status = await channel.process_webhook(
                    await request.read(), request.headers.get(TELEGRAM_SECRET_HEADER), secret
                )
                return web.Response(status=status)

            runtime.routes.append((TELEGRAM_WEBHOOK_PATH, hook))
            await channel.start_webhook(url, secret)
        else:
            lease = SqlPollLease(app.database, f"telegram-poll:{channel.account}")
            await channel.start_polling(lambda reason: channels.failed("telegram", reason), lease)
    except TelegramRefused as error:
        raise ConfigurationError(str(error)) from error
    except NetworkError as error:
        raise ConfigurationError(
            f"cannot reach the Telegram Bot API ({type(error).__name__}); check TELEGRAM_API_BASE_URL and the network"
        ) from error
    try:  # every chat whose menu was never set for its roles: the commands everyone may use
        await channel.set_menu(app.core.commands.menu(EVERYONE))
    except TelegramError as error:
        log.warning("could not set the Telegram command menu: %s", error)
    channels.alive.add("telegram")
    log.info("Telegram channel running (%s)", settings.telegram_mode)


async def _start_zalo(channels: Channels) -> None:
    app, runtime = channels.app, channels.runtime
    settings = app.settings
    assert settings.zalo_bot_token is not None
    client = ZaloClient(settings.zalo_bot_token.get_secret_value(), base_url=settings.zalo_api_base_url)
    photos = PhotoFetcher(httpx.AsyncClient(timeout=30), app.config.max_attachment_bytes)
    channel = ZaloChannel(client, channels.dispatcher.receive, photos=photos, on_sent=app.usage_counter("zalo"))
    runtime.senders.zalo(channel)
    runtime.broadcasts.zalo(channel)
    channels.dispatcher.add_channel("zalo", channel.decode)
    runtime.closers.extend([client.aclose, photos.aclose])
    if settings.zalo_mode == "webhook":
        secret = _secret(settings.zalo_webhook_secret, "ZALO_WEBHOOK_SECRET")
        url = _webhook_url(settings, ZALO_WEBHOOK_PATH)
        runtime.routes.append((ZALO_WEBHOOK_PATH, webhook_handler(channel, secret)))
        try:
            await channel.start_webhook(url, secret)
        except ZaloUnauthorized as error:
            raise ConfigurationError(
                "Zalo refused ZALO_BOT_TOKEN (401): check the token in the Zalo Bot Creator"
            ) from error
    else:
        runtime.tasks.append(asyncio.create_task(_poll_zalo(channel, channels)))
    channels.alive.add("zalo")
    log.info("Zalo channel running (%s)", settings.zalo_mode)


async def _poll_zalo(channel: ZaloChannel, channels: Channels) -> None:
    await channel.poll_forever(channels.runtime.stop)
    if not channels.runtime.stop.is_set():  # polling only gives up by itself when Zalo refuses the token
        channels.failed("zalo", ZALO_REFUSED)


async def _health(_: web.Request) -> web.Response:
    return web.Response(text="ok")


async def _start_http(settings: Settings, runtime: Runtime, pages: list[tuple[str, Handler]] | None = None) -> None:
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


def check_configuration(settings: Settings, channels: list[str]) -> None:
    """Webhook mode's settings, checked before anything starts: one clear line instead of a traceback."""
    webhooks = [c for c in ("telegram", "zalo") if c in channels and getattr(settings, f"{c}_mode") == "webhook"]
    if not webhooks:
        return
    base = settings.public_base_url or ""
    loopback = base.startswith(("http://127.0.0.1", "http://localhost", "http://[::1]"))  # local testing only
    if not base.startswith("https://") and not loopback:
        raise ConfigurationError(
            "webhook mode needs PUBLIC_BASE_URL: the https:// address of the reverse proxy that reaches HTTP_PORT"
        )
    for name in webhooks:
        _secret(getattr(settings, f"{name}_webhook_secret"), f"{name.upper()}_WEBHOOK_SECRET")


async def run_channels(app: App, channels: list[str], runtime: Runtime | None = None) -> None:
    """Start every requested channel, serve until SIGINT/SIGTERM (or ``runtime.stop``), then stop cleanly.

    A channel that cannot start or later gives up (a refused token) stops alone; the others keep serving."""
    runtime = runtime or Runtime()
    check_configuration(app.settings, channels)
    running = Channels(app, runtime)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, runtime.stop.set)
    try:
        await running.dispatcher.start()
        errors: list[str] = []
        for name, start in (("telegram", _start_telegram), ("zalo", _start_zalo)):
            if name not in channels:
                continue
            try:
                await start(running)
            except ConfigurationError as error:
                if len([c for c in channels if c != "console"]) == 1:
                    raise
                errors.append(str(error))
                running.failed(name, str(error))
        # The server runs for webhooks, the public page or document downloads — whichever is configured.
        pages = public_routes(app)
        if runtime.routes or pages:
            await _start_http(app.settings, runtime, pages)
        if "console" in channels:
            console = ConsoleChannel(
                running.dispatcher,
                runtime.console_user,
                max_attachment_bytes=app.config.max_attachment_bytes,
                documents_dir=runtime.console_documents,
            )
            runtime.senders.add("console", console.send)
            runtime.broadcasts.add("console", console.send)
            running.dispatcher.add_channel("console", console.decode)
            running.alive.add("console")
            # While pages are served, the end of stdin (a service, `< /dev/null`) ends the console, not the bot.
            stop_at_eof = None if pages else runtime.stop
            runtime.tasks.append(asyncio.create_task(_until_eof(console, stop_at_eof)))
        running.starting = False
        if channels and not running.alive and not runtime.stop.is_set():
            raise ConfigurationError("; ".join(errors) or "no channel could start")
        await running.dispatcher.recover()
        app.start_scheduler(runtime.broadcasts, worker=running.intake.worker)
        await runtime.stop.wait()
        if runtime.failure is not None:
            raise ConfigurationError(runtime.failure)
    finally:
        await app.stop_scheduler()
        runtime.stop.set()
        await running.dispatcher.stop()
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
