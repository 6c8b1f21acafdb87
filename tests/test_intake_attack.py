"""Attacks on the durable intake's handed claims, batched budget and reply ordering.

Each test is a hole tried: the four it found (a kick spent on a row still being handed over, on both tables;
tokens spent on senders that gave up; a rate that is not a multiple of five exceeded) are fixed. Every test turns
the periodic recovery off (``recover_seconds``): whatever it finds is a message left waiting ten seconds.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from bot.intake.dispatcher import Dispatcher, IncomingEvent
from handlers.store import Store
from handlers.types import Inbound, Outgoing, Reply, Result
from scheduler.ports import RetryLater
from storage.database import Database
from storage.intake import SqlIntake, Stored
from storage.send_budget import BROADCAST, REPLY, SqlSendBudget
from tests.intake_support import Pipeline, eventually, inbox_rows, outbox_rows

NO_RECOVERY = 3600.0
AnIntake = TypeVar("AnIntake", bound=SqlIntake)


class Bench:
    """A pipeline on a "test" channel recording what was handled and what was sent, chat by chat."""

    def __init__(
        self,
        database: Database,
        handle: Callable[[Inbound], Awaitable[Result]],
        send: Callable[[str, Reply], Awaitable[None]] | None = None,
    ) -> None:
        self.sent: list[tuple[str, str]] = []

        self.pipeline = Pipeline(database, handle)
        self.pipeline.dispatcher.recover_seconds = NO_RECOVERY

        async def default_send(user: str, reply: Reply) -> None:
            self.sent.append((user, reply.text))

        async def decode(payload: dict) -> Inbound:
            return Inbound(channel="test", user_id=payload["user"], text=payload["text"])

        self.pipeline.senders.add("test", send or default_send)
        self.pipeline.add("test", decode)

    @property
    def dispatcher(self) -> Dispatcher:
        return self.pipeline.dispatcher

    @classmethod
    def echo(cls, database: Database) -> tuple[Bench, list[str]]:
        """A bench whose handler answers «ok <text>», and the texts it handled, in order."""
        handled: list[str] = []

        async def handle(inbound: Inbound) -> Result:
            handled.append(inbound.text or "")
            return Result(replies=[Reply(f"ok {inbound.text}")])

        return cls(database, handle), handled

    def use_intake(self, kind: type[AnIntake]) -> AnIntake:
        """Put an intake of ``kind`` (a subclass that misbehaves on purpose) in the pipeline's place, same worker."""
        intake = kind(self.pipeline.database, self.pipeline.intake.worker)
        self.pipeline.intake = intake
        self.dispatcher.intake = intake
        self.pipeline.replies.intake = intake
        return intake

    async def say(self, user: str, key: str, text: str) -> int:
        return await self.dispatcher.receive("test", [IncomingEvent(user, key, {"user": user, "text": text})])

    def sent_to(self, chat: str) -> list[str]:
        return [text for user, text in self.sent if user == chat]


def _db(database_url) -> Database:
    url, kwargs = database_url
    return Database(url, **kwargs)


# --- holds ------------------------------------------------------------------------------------------------


def without_repeats(texts: list[str]) -> list[str]:
    """What was sent, a message sent twice in a row (the one in flight at a stop) counted once."""
    return [t for j, t in enumerate(texts) if j == 0 or texts[j - 1] != t]


async def test_a_burst_split_across_many_concurrent_receives_is_handled_once_in_arrival_order(database_url) -> None:
    """Thirty messages of one user, each its own receive, many at once, while handling takes a moment."""
    handled: list[str] = []

    async def handle(inbound: Inbound) -> Result:
        handled.append(inbound.text or "")
        await asyncio.sleep(random.uniform(0, 0.01))
        return Result(replies=[Reply(f"r {inbound.text}")])

    bench = Bench(_db(database_url), handle)
    await bench.pipeline.start()
    try:
        rnd = random.Random(13)

        async def one(i: int) -> None:
            await asyncio.sleep(rnd.uniform(0, 0.15))
            await bench.say("7", str(i), f"m{i:02d}")

        await asyncio.gather(*(one(i) for i in range(30)))
        await eventually(lambda: len(bench.sent) == 30, "every reply", timeout=8)
        await bench.pipeline.idle()
        arrival_texts = [json.loads(r.payload)["text"] for r in await inbox_rows(bench.pipeline)]
        assert handled == arrival_texts
        assert bench.sent_to("7") == [f"r {t}" for t in arrival_texts]
        assert await bench.pipeline.intake.counts() == {"inbox.done": 30, "outbox.sent": 30}
    finally:
        await bench.pipeline.close()


async def test_a_handler_failing_once_while_more_arrive_keeps_order_and_handles_each_once(database_url) -> None:
    attempts: Counter[str] = Counter()
    done: list[str] = []

    async def handle(inbound: Inbound) -> Result:
        text = inbound.text or ""
        attempts[text] += 1
        await asyncio.sleep(0.02)
        if text in ("b", "e") and attempts[text] == 1:
            raise RuntimeError("transient")
        done.append(text)
        return Result(replies=[Reply(f"ok {text}")])

    bench = Bench(_db(database_url), handle)
    await bench.pipeline.start()
    try:
        for i, text in enumerate("abcdefg"):
            await bench.say("5", str(i), text)
            await asyncio.sleep(0.03)
        await eventually(lambda: len(bench.sent) == 7, "every reply", timeout=8)
        await bench.pipeline.idle()
        assert done == list("abcdefg")
        assert attempts == Counter({t: 2 if t in "be" else 1 for t in "abcdefg"})
        assert bench.sent_to("5") == [f"ok {t}" for t in "abcdefg"]
    finally:
        await bench.pipeline.close()


async def test_a_replayed_commit_hands_its_replies_once_and_claims_the_next_event_again(database_url) -> None:
    """A HandleWithCommit that rolls the first transaction back after its commit callback ran (as a core retrying
    on a stale conversation would) and runs it again: the rolled-back handed replies and the next event it
    claimed never existed; nothing is sent twice, nothing is lost."""
    database = _db(database_url)
    replayed: set[str] = set()
    order: list[str] = []

    class Replay(Exception):
        pass

    async def handle_with_commit(inbound: Inbound, on_commit: Callable[[Store, Result], Awaitable[None]]) -> Result:
        text = inbound.text or ""
        while True:
            try:
                async with database.unit_of_work() as store:
                    await asyncio.sleep(0.02)
                    result = Result(
                        replies=[Reply(f"{text}.1"), Reply(f"{text}.2")],
                        outgoing=[Outgoing("test", "other", Reply(f"{text}->other"))],
                    )
                    await on_commit(store, result)
                    if text not in replayed:
                        replayed.add(text)
                        raise Replay
                order.append(text)
                return result
            except Replay:
                continue

    async def unused(inbound: Inbound) -> Result:
        raise AssertionError("handled through handle_with_commit")

    bench = Bench(database, unused)
    bench.dispatcher.handle = handle_with_commit
    await bench.pipeline.start()
    try:
        for i in range(6):
            await bench.say("3", str(i), f"t{i}")
            await asyncio.sleep(0.01)
        await eventually(lambda: len(bench.sent) == 18, "every reply", timeout=8)
        await bench.pipeline.idle()
        assert order == [f"t{i}" for i in range(6)]
        assert bench.sent_to("3") == [f"t{i}.{k}" for i in range(6) for k in (1, 2)]
        assert bench.sent_to("other") == [f"t{i}->other" for i in range(6)]
        counts = await bench.pipeline.intake.counts()
        assert counts == {"inbox.done": 6, "outbox.sent": 18}
    finally:
        await bench.pipeline.close()


async def test_a_flood_wait_with_handed_replies_behind_it_and_new_replies_arriving_keeps_the_chat_in_order(
    database_url,
) -> None:
    sent: list[tuple[str, str]] = []
    refused: Counter[str] = Counter()

    async def handle(inbound: Inbound) -> Result:
        return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(3)])

    async def send(user: str, reply: Reply) -> None:
        # The first reply of the first and third messages meets a flood wait, once each.
        if reply.text in ("a.0", "c.1") and not refused[reply.text]:
            refused[reply.text] += 1
            raise RetryLater(0.3)
        await asyncio.sleep(0.005)
        sent.append((user, reply.text))

    bench = Bench(_db(database_url), handle, send)
    await bench.pipeline.start()
    try:
        for i, text in enumerate("abcd"):
            await bench.say("8", str(i), text)
            await asyncio.sleep(0.05)
        await eventually(lambda: len(sent) == 12, "every reply", timeout=8)
        await bench.pipeline.idle()
        assert [t for _, t in sent] == [f"{m}.{k}" for m in "abcd" for k in range(3)]
        rows = await outbox_rows(bench.pipeline)
        assert {r.status for r in rows} == {"sent"}
    finally:
        await bench.pipeline.close()


async def test_notices_to_a_user_who_is_typing_are_each_sent_once_and_each_stream_in_order(database_url) -> None:
    """User A's events produce messages for B while B writes: B's chat gets all, once, each source in order."""

    async def handle(inbound: Inbound) -> Result:
        await asyncio.sleep(random.uniform(0, 0.01))
        if inbound.user_id == "A":
            return Result(
                replies=[Reply(f"A got {inbound.text}")],
                outgoing=[Outgoing("test", "B", Reply(f"notice {inbound.text}"))],
            )
        return Result(replies=[Reply(f"B got {inbound.text}")])

    bench = Bench(_db(database_url), handle)
    await bench.pipeline.start()
    try:

        async def user(name: str) -> None:
            for i in range(15):
                await bench.say(name, str(i), f"{name}{i:02d}")
                await asyncio.sleep(random.uniform(0, 0.02))

        await asyncio.gather(user("A"), user("B"))
        await eventually(lambda: len(bench.sent) == 45, "every message", timeout=8)
        await bench.pipeline.idle()
        to_b = bench.sent_to("B")
        assert len(to_b) == len(set(to_b)) == 30
        assert [t for t in to_b if t.startswith("notice")] == [f"notice A{i:02d}" for i in range(15)]
        assert [t for t in to_b if t.startswith("B got")] == [f"B got B{i:02d}" for i in range(15)]
        assert bench.sent_to("A") == [f"A got A{i:02d}" for i in range(15)]
    finally:
        await bench.pipeline.close()


async def test_a_stop_with_handed_events_and_replies_queued_loses_nothing_and_a_new_dispatcher_finishes(
    database_url,
) -> None:
    """Stop while one user's events wait behind a slow one and replies wait behind a slow send; a new process
    on the same database handles and sends the rest, in order, repeating at most the reply in flight."""
    database = _db(database_url)
    handled: list[str] = []
    sent: list[str] = []

    async def handle(inbound: Inbound) -> Result:
        handled.append(inbound.text or "")
        await asyncio.sleep(0.05)
        return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(3)])

    async def slow_send(user: str, reply: Reply) -> None:
        await asyncio.sleep(0.04)
        sent.append(reply.text)

    first = Bench(database, handle, slow_send)
    await first.pipeline.start()
    for i in range(8):
        await first.say("4", str(i), f"m{i}")
    await eventually(lambda: len(sent) >= 2, "the first replies")
    await first.dispatcher.stop()  # the database stays open for the next process

    second = Bench(Database(database.url), handle, slow_send)
    await second.pipeline.start()
    try:
        await eventually(lambda: sent[-1:] == ["m7.2"], "the last reply", timeout=8)
        await second.pipeline.idle()
        assert handled == [f"m{i}" for i in range(8)]
        expected = [f"m{i}.{k}" for i in range(8) for k in range(3)]
        # Sent in order; a repeat only of the reply that was in flight at the stop.
        deduped = without_repeats(sent)
        assert deduped == expected
        assert len(sent) - len(expected) <= 1
        counts = await second.pipeline.intake.counts()
        assert counts == {"inbox.done": 8, "outbox.sent": 24}
    finally:
        await second.pipeline.close()
        await database.dispose()


async def test_two_replicas_with_one_users_messages_at_both_and_notices_to_that_user_from_both(database_url) -> None:
    """PostgreSQL, two live processes: X writes to both at once while Y (on both) sends X notices. No event is
    handled twice, no message sent twice, X's own stream and each notice stream in order."""
    url, kwargs = database_url
    if url.startswith("sqlite"):
        return
    handled: list[tuple[str, str]] = []
    sent: list[tuple[str, str, str]] = []

    def bench_for(name: str) -> Bench:
        async def handle(inbound: Inbound) -> Result:
            handled.append((inbound.user_id, inbound.text or ""))
            await asyncio.sleep(random.uniform(0, 0.01))
            if inbound.user_id == "Y":
                return Result(
                    replies=[Reply(f"Y got {inbound.text}")],
                    outgoing=[Outgoing("test", "X", Reply(f"notice {inbound.text}"))],
                )
            return Result(replies=[Reply(f"X got {inbound.text}.{k}") for k in range(2)])

        async def send(user: str, reply: Reply) -> None:
            await asyncio.sleep(random.uniform(0, 0.005))
            sent.append((name, user, reply.text))

        return Bench(Database(url, **kwargs), handle, send)

    a, b = bench_for("a"), bench_for("b")
    await a.pipeline.start()
    await b.pipeline.start()
    try:
        rnd = random.Random(5)

        async def user(name: str) -> None:
            for i in range(12):
                await rnd.choice((a, b)).say(name, str(i), f"{name}{i:02d}")
                await asyncio.sleep(rnd.uniform(0, 0.03))

        await asyncio.gather(user("X"), user("Y"))
        await eventually(lambda: len(sent) == 12 * 2 + 12 * 2, "every message", timeout=9)
        await a.pipeline.idle()
        await b.pipeline.idle()
        assert [t for u, t in handled if u == "X"] == [f"X{i:02d}" for i in range(12)]
        assert [t for u, t in handled if u == "Y"] == [f"Y{i:02d}" for i in range(12)]
        texts = [t for _, _, t in sent]
        assert len(texts) == len(set(texts))
        to_x = [t for _, u, t in sent if u == "X"]
        assert [t for t in to_x if t.startswith("X got")] == [
            f"X got X{i:02d}.{k}" for i in range(12) for k in range(2)
        ]
        assert [t for t in to_x if t.startswith("notice")] == [f"notice Y{i:02d}" for i in range(12)]
        assert await a.pipeline.intake.counts() == {"inbox.done": 24, "outbox.sent": 48}
    finally:
        await a.pipeline.close()
        await b.pipeline.close()


async def test_the_budget_under_many_waiters_with_cancellations_never_exceeds_its_rate(database_url) -> None:
    database = _db(database_url)
    await database.migrate()
    # 30/s: one message every 1/25.5 s; two processes of one account.
    budgets = [SqlSendBudget(database, "telegram:9", 30) for _ in range(2)]
    booked: list[float] = []
    rnd = random.Random(2)

    async def taker(budget: SqlSendBudget, priority: str, i: int) -> None:
        await asyncio.sleep(rnd.uniform(0, 0.4))
        booked.append(await budget.take(priority))

    try:
        tasks = [asyncio.create_task(taker(budgets[i % 2], REPLY if i % 3 else BROADCAST, i)) for i in range(60)]
        await asyncio.sleep(0.3)
        cancelled = [t for t in tasks if not t.done() and rnd.random() < 0.3]
        for t in cancelled:
            t.cancel()
        results = await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), timeout=8)
        survivors = sum(1 for r in results if not isinstance(r, BaseException))
        assert cancelled and survivors == len(booked)
        ordered = sorted(booked)
        assert min(b - a for a, b in itertools.pairwise(ordered)) >= budgets[0].interval * 0.999
        # A waiter that gave up does not keep the others waiting: a later take goes through at once-ish.
        started = asyncio.get_running_loop().time()
        await budgets[0].take(REPLY)
        assert asyncio.get_running_loop().time() - started < 0.5
    finally:
        await database.dispose()


async def test_telegram_flood_waits_on_a_busy_chat_keep_every_stream_in_order_and_send_each_once(tmp_path) -> None:
    """The real Telegram adapter against the strict fake answering every fourth send 429: one user's replies
    (two per message) and another user's notices to that user, while that user writes too."""
    from bot.telegram_channel import TelegramChannel
    from tests.fakes.telegram_api import FakeTelegram

    async def handle(inbound: Inbound) -> Result:
        text = inbound.text or ""
        out = [Outgoing("telegram", "2002", Reply(f"notice {text}"))] if inbound.user_id == "1001" else []
        return Result(replies=[Reply(f"{text}.{k}") for k in range(2)], outgoing=out)

    async with FakeTelegram(inject_429_every=4) as fake:
        pipeline = await Pipeline.on_sqlite(tmp_path, handle)
        pipeline.dispatcher.recover_seconds = NO_RECOVERY
        channel = TelegramChannel(
            fake.token,
            pipeline.dispatcher.receive,
            base_url=fake.base_url,
            base_file_url=fake.base_file_url,
            poll_timeout=1,
        )
        pipeline.senders.telegram(channel)
        pipeline.add("telegram", channel.decode)
        await pipeline.start()
        await channel.start_polling()
        try:
            for i in range(3):
                await fake.user_sends_text(1001, f"a{i}")
                if i < 2:
                    await fake.user_sends_text(2002, f"b{i}")
            await fake.wait_for_messages(1001, 6, timeout=9)
            await fake.wait_for_messages(2002, 7, timeout=9)
        finally:
            await channel.stop()
            await pipeline.close()
        assert [m.text for m in fake.sent_to(1001)] == [f"a{i}.{k}" for i in range(3) for k in range(2)]
        to_b = [m.text for m in fake.sent_to(2002)]
        assert len(to_b) == len(set(to_b)) == 7
        assert [t for t in to_b if t.startswith("notice")] == [f"notice a{i}" for i in range(3)]
        assert [t for t in to_b if t.startswith("b")] == [f"b{i}.{k}" for i in range(2) for k in range(2)]
        assert fake.rejected_count >= 2


async def test_a_stop_during_a_flood_wait_then_a_new_process_sends_the_chat_in_order_after_the_wait(
    database_url,
) -> None:
    database = _db(database_url)
    sent: list[str] = []
    waited: list[str] = []

    async def handle(inbound: Inbound) -> Result:
        return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(3)])

    async def send(user: str, reply: Reply) -> None:
        if reply.text == "a.1" and not waited:
            waited.append(reply.text)
            raise RetryLater(0.6)
        sent.append(reply.text)

    first = Bench(database, handle, send)
    await first.pipeline.start()
    await first.say("1", "1", "a")
    await eventually(lambda: bool(waited), "the flood wait")
    await first.say("1", "2", "b")  # written behind the postponed reply
    await first.dispatcher.stop()
    assert sent == ["a.0"]
    second = Bench(Database(database.url), handle, send)
    await second.pipeline.start()
    try:
        await eventually(lambda: len(sent) == 6, "every reply", timeout=5)
        await second.pipeline.idle()
        assert sent == ["a.0", "a.1", "a.2", "b.0", "b.1", "b.2"]
    finally:
        await second.pipeline.close()
        await database.dispose()


async def test_a_crash_with_handed_events_and_replies_in_memory_is_finished_by_the_next_process(database_url) -> None:
    """No stop, no retire: the process's tasks just die. On SQLite the next process takes the file's claims at
    once; replies come out in order, at most the one in flight per chat repeated, each event's effect once."""
    if not database_url[0].startswith("sqlite"):
        return  # on PostgreSQL the dead process's claims wait for its heartbeat to go stale (covered elsewhere)
    database = _db(database_url)
    sent: list[tuple[str, str]] = []

    async def handle(inbound: Inbound) -> Result:
        await asyncio.sleep(0.03)
        return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(2)])

    async def send(user: str, reply: Reply) -> None:
        await asyncio.sleep(0.03)
        sent.append((user, reply.text))

    first = Bench(database, handle, send)
    await first.pipeline.start()
    for user in ("u1", "u2"):
        for i in range(5):
            await first.say(user, str(i), f"{user}m{i}")
    await eventually(lambda: len(sent) >= 4, "some replies")
    dispatcher = first.dispatcher
    for task in [*dispatcher._workers.values(), *dispatcher.replies._workers.values(), dispatcher._maintenance]:
        task.cancel()
    await asyncio.sleep(0.05)

    second = Bench(Database(database.url), handle, send)
    await second.pipeline.start()
    try:
        await eventually(lambda: len({t for _, t in sent}) == 20, "every reply", timeout=8)
        await second.pipeline.idle()
        for user in ("u1", "u2"):
            mine = [t for u, t in sent if u == user]
            deduped = without_repeats(mine)
            assert deduped == [f"{user}m{i}.{k}" for i in range(5) for k in range(2)]
            assert len(mine) - len(deduped) <= 1
        counts = await second.pipeline.intake.counts()
        assert counts == {"inbox.done": 10, "outbox.sent": 20}
    finally:
        await second.pipeline.close()
        await database.dispose()


# --- bugs -------------------------------------------------------------------------------------------------


class LateAckIntake(SqlIntake):
    """The database has committed the stored events, but the acknowledgment reaches this process late (a network
    round trip on PostgreSQL): ``store`` returns a moment after the rows are visible to everyone."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.late_once = True

    async def store(self, channel: str, events: list[tuple[str, str, str]], now: datetime) -> list[Stored]:
        stored = await super().store(channel, events, now)
        if self.late_once:
            self.late_once = False
            await asyncio.sleep(0.2)
        return stored


async def test_an_event_stored_behind_one_still_being_handed_over_is_handled_without_the_recovery(
    database_url,
) -> None:
    bench, handled = Bench.echo(_db(database_url))
    intake = bench.use_intake(LateAckIntake)
    await bench.pipeline.start()
    try:
        first = asyncio.create_task(bench.say("6", "1", "one"))  # stored claimed; its caller hears of it late
        await eventually(lambda: not intake.late_once, "the first event stored")
        await bench.say("6", "2", "two")  # stored behind it: the sender's worker is kicked to claim it
        await first
        await eventually(lambda: handled == ["one", "two"], "both events handled", timeout=3)
    finally:
        await bench.pipeline.close()


async def test_a_notice_written_behind_a_reply_still_being_handed_over_is_sent_without_the_recovery(
    database_url,
) -> None:
    """X's reply is written claimed and handed; its handling returns a moment after the commit (the commit's
    acknowledgment travelling back). Meanwhile Y's event writes a notice for X behind it and kicks X's chat."""
    database = _db(database_url)
    committed_x = asyncio.Event()

    async def handle(inbound: Inbound) -> Result:
        if inbound.user_id == "Y":
            return Result(replies=[Reply("Y ok")], outgoing=[Outgoing("test", "X", Reply("notice from Y"))])
        return Result(replies=[Reply("X ok")])

    bench = Bench(database, handle)
    inner = bench.dispatcher.handle

    async def late_returning_handle(inbound: Inbound, on_commit: Callable[[Store, Result], Awaitable[None]]) -> Result:
        result = await inner(inbound, on_commit)
        if inbound.user_id == "X":
            committed_x.set()
            await asyncio.sleep(0.2)
        return result

    bench.dispatcher.handle = late_returning_handle
    await bench.pipeline.start()
    try:
        await bench.say("X", "1", "hi")
        await committed_x.wait()
        await bench.say("Y", "1", "hello")
        await eventually(lambda: bench.sent_to("X") == ["X ok", "notice from Y"], "both messages to X", timeout=3)
    finally:
        await bench.pipeline.close()
