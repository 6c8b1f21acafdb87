"""Glue between the channel adapters and the reminder sweeper: each channel's ``send(user_id, reply)``
wrapped so that platform errors become the sweeper's neutral ones (scheduler.ports)."""

from __future__ import annotations

import asyncio
import contextlib
import math
import sys
import warnings
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol, TextIO

from bot.render import render_plain
from handlers.types import Reply
from scheduler.ports import Rejected, RetryLater, Unreachable

if TYPE_CHECKING:
    from bot.telegram_channel import TelegramChannel
    from bot.zalo.channel import ZaloChannel

SendFn = Callable[[str, Reply], Awaitable[None]]

# Telegram's broadcast limit is about 30 messages per second for the whole bot.
TELEGRAM_RATE = 30

# Telegram answers 400 with these when the chat cannot be written to at all: as good as blocked.
TELEGRAM_GONE = ("chat not found", "user is deactivated", "bot can't initiate conversation", "peer_id_invalid")


class Senders:
    """The sweeper's Sender: one send function per running channel."""

    def __init__(self) -> None:
        self._by_channel: dict[str, SendFn] = {}
        self._with_menu: set[str] = set()

    def add(self, channel: str, send: SendFn, *, menu: bool = False) -> Senders:
        """``menu``: the channel shows a command menu, so its ``send`` takes replies that set it."""
        self._by_channel[channel] = send
        if menu:
            self._with_menu.add(channel)
        return self

    def telegram(
        self,
        channel: TelegramChannel,
        per_second: int = TELEGRAM_RATE,
        budget: Budget | None = None,
        chats: ChatPacer | None = None,
    ) -> Senders:
        """Telegram's sends, paced per chat by ``chats`` (one for all of a channel's senders) and overall by
        ``budget`` (shared by every process) or, without one, in this process."""
        plain = telegram_send(channel.send)
        if chats is not None and budget is not None:
            one = chats.paced(plain, budget.take)
        else:
            one = budgeted(plain, budget) if budget is not None else paced(plain, Pacer(per_second))
            one = chats.paced(one) if chats is not None else one

        async def send(user_id: str, reply: Reply) -> None:
            # Message by message: a long answer's parts each wait for their turn in the chat and their token. A
            # command menu (setMyCommands) is no message: it takes neither.
            for part in channel.parts(reply):
                await (plain if part.menu is not None else one)(user_id, part)

        return self.add("telegram", send, menu=True)

    def zalo(self, channel: ZaloChannel) -> Senders:
        return self.add("zalo", zalo_send(channel.send))

    def console(self, out: TextIO | None = None) -> Senders:
        return self.add("console", console_send(out))

    @property
    def channels(self) -> frozenset[str]:
        return frozenset(self._by_channel)

    async def send(self, channel: str, user_id: str, reply: Reply) -> None:
        send = self._by_channel.get(channel)
        if send is None:
            raise RetryLater(600, f"the {channel} channel is not running")
        if reply.menu is not None and channel not in self._with_menu:
            return  # a command menu for a channel that has none: nothing to show
        await send(user_id, reply)


class Pacer:
    """At most ``rate`` sends in flight or finished within the last ``period`` seconds.

    PTB's AIORateLimiter is a leaky bucket: it lets a burst of 30 through and then one every 1/30 s, and
    after a flood wait it releases every queued request at once; a platform counting any one-second window
    answers such bursts with 429 and a pause for everybody. Counting a send until a period after it
    finished keeps broadcasts under the limit instead of bouncing off it."""

    def __init__(self, rate: int, period: float = 1.0, margin: float = 0.02) -> None:
        self.rate = rate
        self.window = period + margin
        self._finished: deque[float] = deque()
        self._in_flight = 0
        self._changed = asyncio.Condition()

    def _prune(self, now: float) -> None:
        while self._finished and now - self._finished[0] >= self.window:
            self._finished.popleft()

    async def _acquire(self) -> None:
        loop = asyncio.get_running_loop()
        async with self._changed:
            while True:
                now = loop.time()
                self._prune(now)
                if self._in_flight + len(self._finished) < self.rate:
                    self._in_flight += 1
                    return
                timeout = self._finished[0] + self.window - now if self._finished else None
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout)

    async def _release(self) -> None:
        async with self._changed:
            self._in_flight -= 1
            self._finished.append(asyncio.get_running_loop().time())
            self._changed.notify_all()

    async def run(self, send: SendFn, user_id: str, reply: Reply) -> None:
        await self._acquire()
        try:
            await send(user_id, reply)
        finally:
            await self._release()


class ChatPacer:
    """Telegram's limit in one chat: about a message a second, short bursts allowed (beyond them, 429 and a wait).
    Per chat, ``burst`` messages may go at once, then one every ``1 / per_second`` s (a token bucket, kept as
    the time its debt is paid off).

    Telegram counts a message when it arrives, somewhere between the start and the end of its send. So, besides
    the bucket, a message waits until the send ``burst`` messages before it ended ``interval`` s ago (one still
    on its way holds the next back): when the first of a burst is slow to arrive and the fourth quick, as on a
    loaded network, the fourth still cannot land within the same second as the first.

    In this process only: a chat's answers are sent by the one process handling that chat, so only a notice
    sent from another process at the same moment can add to them."""

    IN_FLIGHT_POLL = 0.02  # seconds between looks while the send that holds the next one back is on its way

    def __init__(
        self, per_second: float = 1.0, burst: int = 3, clock: Callable[[], float] | None = None, margin: float = 0.05
    ) -> None:
        # A little slower than the limit: two sends leave here a gap the network may shorten.
        self.interval = (1.0 + margin) / per_second
        self.burst = burst
        self._clock = clock
        self._paid_at: dict[str, float] = {}
        # Per chat, when each of its last ``burst`` sends ended (infinity while on its way).
        self._ended: dict[str, deque[list[float]]] = {}

    def _now(self) -> float:
        return self._clock() if self._clock is not None else asyncio.get_running_loop().time()

    def wait_for(self, chat: str) -> float:
        """Seconds until a message may go to ``chat``; 0 when it may go now."""
        now = self._now()
        ready = self._paid_at.get(chat, 0.0) - (self.burst - 1) * self.interval
        ended = self._ended.get(chat)
        if ended is not None and len(ended) == self.burst:
            oldest = ended[0][0]
            if oldest == math.inf:
                return max(ready - now, self.IN_FLIGHT_POLL)
            ready = max(ready, oldest + self.interval)
        return max(0.0, ready - now)

    def spend(self, chat: str) -> list[float]:
        """Count a send to ``chat`` starting now; set the returned cell to the time it ended."""
        now = self._now()
        self._paid_at[chat] = max(self._paid_at.get(chat, 0.0), now) + self.interval
        cell = [math.inf]
        self._ended.setdefault(chat, deque(maxlen=self.burst)).append(cell)
        if len(self._paid_at) > 4096:  # forget chats whose bucket is full again
            self._paid_at = {c: t for c, t in self._paid_at.items() if t > now}
            self._ended = {c: e for c, e in self._ended.items() if c in self._paid_at}
        return cell

    async def ready(self, chat: str) -> None:
        while (wait := self.wait_for(chat)) > 0:
            await asyncio.sleep(wait)

    def paced(self, send: SendFn, take: Callable[[], Awaitable[None]] | None = None) -> SendFn:
        """``send`` (of one message) paced per chat; with ``take`` (the overall budget's), the chat's turn is
        counted from the moment the token came, not from before waiting for it: messages of one chat held up by the
        overall budget would otherwise leave together with the next ones."""

        async def wrapped(user_id: str, reply: Reply) -> None:
            await self.ready(user_id)
            if take is not None:
                await take()
                await self.ready(user_id)  # another send to this chat may have gone meanwhile
            cell = self.spend(user_id)
            try:
                await send(user_id, reply)
            finally:
                cell[0] = self._now()

        return wrapped


class Budget(Protocol):
    """A token per message, waited for before sending (storage.send_budget, with its priority bound)."""

    async def take(self) -> None: ...


def budgeted(send: SendFn, budget: Budget) -> SendFn:
    async def wrapped(user_id: str, reply: Reply) -> None:
        await budget.take()
        await send(user_id, reply)

    return wrapped


def paced(send: SendFn, pacer: Pacer) -> SendFn:
    async def wrapped(user_id: str, reply: Reply) -> None:
        await pacer.run(send, user_id, reply)

    return wrapped


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def telegram_send(send: SendFn) -> SendFn:
    """Telegram's errors as the neutral ones: a flood wait (429) becomes RetryLater for that chat only."""
    from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError, TimedOut

    async def wrapped(user_id: str, reply: Reply) -> None:
        try:
            await send(user_id, reply)
        except Forbidden as error:
            raise Unreachable(str(error)) from error
        except RetryAfter as error:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                after = _seconds(error.retry_after)
            raise RetryLater(after, str(error)) from error
        except BadRequest as error:
            if any(marker in error.message.lower() for marker in TELEGRAM_GONE):
                raise Unreachable(str(error)) from error
            raise Rejected(str(error)) from error
        except TimedOut as error:
            # The message may or may not have gone out; retrying can duplicate it (see README).
            raise RetryLater(30, str(error)) from error
        except InvalidToken as error:
            raise RetryLater(600, "Telegram refused the bot token") from error
        except TelegramError as error:  # NetworkError: the call did not get through
            raise RetryLater(60, str(error), backoff=True) from error
        except ValueError as error:  # a user id that is not a number
            raise Rejected(str(error)) from error

    return wrapped


def zalo_send(send: SendFn) -> SendFn:
    from bot.zalo.errors import (
        ZaloBadRequest,
        ZaloError,
        ZaloForbidden,
        ZaloRateLimited,
        ZaloUnauthorized,
    )

    async def wrapped(user_id: str, reply: Reply) -> None:
        try:
            await send(user_id, reply)
        except ZaloForbidden as error:
            # Zalo documents 403 as an internal server error, not as "the user blocked the bot".
            raise RetryLater(60, str(error)) from error
        except ZaloRateLimited as error:
            # Without a Retry-After this is usually the monthly quota of the free tier: wait an hour.
            raise RetryLater(error.retry_after or 3600, str(error)) from error
        except ZaloBadRequest as error:
            raise Rejected(str(error)) from error
        except ZaloUnauthorized as error:
            raise RetryLater(600, "Zalo refused the bot token") from error
        except ZaloError as error:  # ZaloNetworkError, a server error
            raise RetryLater(60, str(error), backoff=True) from error

    return wrapped


def console_send(out: TextIO | None = None) -> SendFn:
    async def send(user_id: str, reply: Reply) -> None:
        stream = out or sys.stdout
        stream.write(f"[gửi tới người dùng {user_id}]\n{render_plain(reply)}\n\n")
        stream.flush()

    return send
