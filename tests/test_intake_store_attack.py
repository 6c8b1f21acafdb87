"""Attacks on 49f2289: whether a sender (a chat) has anything open is asked inside the row's INSERT.

``SqlIntake.store`` writes each event with one statement whose status, claim and attempts are CASE expressions
over EXISTS (an open row of the sender), ON CONFLICT DO NOTHING; ``add_replies`` writes the first reply of the
chat being answered the same way and lets its returned status decide the chat's later rows of the call. Each
test tries to break a promise of the intake through its public API: one claim per sender (per chat), arrival
order, a redelivery stored once, nothing lost or handled twice, a handed row never claimed again by its worker.
The change held; the one hole found (the two tests at the end) was older than it: on PostgreSQL a redelivery of
the event being handled deadlocked with the handling transaction.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.intake.dispatcher import IncomingEvent
from handlers.types import Inbound, Outgoing, Reply, Result
from storage.database import Database
from storage.intake import (
    CLAIMED,
    DONE,
    FAILED,
    INBOX,
    OUTBOX,
    PENDING,
    SENDING,
    SENT,
    Busy,
    InboxItem,
    OutboxItem,
    SqlIntake,
    Wait,
)
from storage.models import InboxEventRow, ReplyOutboxRow
from tests.intake_support import eventually
from tests.test_intake_attack import Bench

T0 = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)
X = ("test", "X")  # the chat whose event is being handled
OTHER = ("test", "O")  # another chat the same handling writes to


def _db(database_url) -> Database:
    url, kwargs = database_url
    return Database(url, **kwargs)


def _is_pg(database_url) -> bool:
    return not database_url[0].startswith("sqlite")


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


async def _inbox(database: Database) -> list[InboxEventRow]:
    async with database.transaction() as session:
        return list((await session.execute(select(InboxEventRow).order_by(InboxEventRow.id))).scalars())


async def _outbox(database: Database) -> list[ReplyOutboxRow]:
    async with database.transaction() as session:
        return list((await session.execute(select(ReplyOutboxRow).order_by(ReplyOutboxRow.id))).scalars())


def _snapshot(rows: list[InboxEventRow]) -> list[tuple]:
    return [(r.id, r.payload, r.status, r.claimed_by, r.attempts, _aware(r.claimed_at)) for r in rows]


def _claims(rows: list[InboxEventRow] | list[ReplyOutboxRow]) -> list[tuple]:
    return [(r.status, r.claimed_by, r.attempts, _aware(r.claimed_at)) for r in rows]


# --- store: one intake ------------------------------------------------------------------------------------


async def test_a_batch_of_one_sender_is_stored_first_claimed_then_pending_in_batch_order(database_url) -> None:
    database = _db(database_url)
    intake = SqlIntake(database, "w-a")
    try:
        batch = [("u", str(k), json.dumps({"n": k})) for k in (5, 3, 9, 1, 7)]  # keys not in sorted order
        stored = await intake.store("test", batch, T0)
        rows = await _inbox(database)
        assert [(r.sender, r.event_key, r.payload) for r in rows] == batch
        assert _claims(rows) == [(CLAIMED, "w-a", 1, T0)] + [(PENDING, None, 0, None)] * 4
        assert all(_aware(r.received_at) == T0 and r.handled_at is None for r in rows)
        assert [s.sender for s in stored] == ["u"] * 5
        assert stored[0].item == InboxItem(rows[0].id, "test", "u", batch[0][2], 1)
        assert [s.item for s in stored[1:]] == [None] * 4
        # Handed: this worker's own claim does not take it again, another live worker does not take the rest.
        other = SqlIntake(database, "w-b")
        await intake.beat(T0)
        await other.beat(T0)
        assert isinstance(await intake.claim_event("test", "u", T0), Busy)
        assert isinstance(await other.claim_event("test", "u", T0), Busy)
    finally:
        await database.dispose()


async def test_interleaved_senders_with_redeliveries_inside_and_across_batches_are_stored_once_each(
    database_url,
) -> None:
    database = _db(database_url)
    intake = SqlIntake(database, "w-a")
    try:
        first = [
            ("a", "1", "a1"),
            ("b", "1", "b1"),
            ("a", "2", "a2"),
            ("a", "1", "a1 again"),  # redelivered inside the batch, with another payload
            ("c", "1", "c1"),
            ("b", "1", "b1 again"),
            ("b", "2", "b2"),
        ]
        stored = await intake.store("test", first, T0)
        assert [(s.sender, s.item is not None) for s in stored] == [
            ("a", True),
            ("b", True),
            ("a", False),
            ("c", True),
            ("b", False),
        ]
        assert [s.item.payload for s in stored if s.item] == ["a1", "b1", "c1"]
        second = [
            ("c", "1", "c1 again"),
            ("a", "3", "a3"),
            ("b", "2", "b2 again"),
            ("d", "1", "d1"),
            ("a", "2", "a2 again"),
            ("d", "2", "d2"),
            ("d", "1", "d1 again"),
        ]
        stored = await intake.store("test", second, T0)
        assert [(s.sender, s.item is not None) for s in stored] == [("a", False), ("d", True), ("d", False)]
        # The same sender and key on another channel is another event; the channel has nothing open for "a".
        on_zalo = await intake.store("zalo", [("a", "1", "zalo a1"), ("a", "1", "zalo a1 again")], T0)
        assert [(s.sender, s.item.payload if s.item else None) for s in on_zalo] == [("a", "zalo a1")]
        # Everything of a batch redelivered: nothing new, nothing changed.
        before = _snapshot(await _inbox(database))
        assert await intake.store("test", first + second, T0) == []
        rows = await _inbox(database)
        assert _snapshot(rows) == before

        by_sender: dict[tuple[str, str], list[tuple[str, str, str | None]]] = defaultdict(list)
        for r in rows:
            by_sender[(r.channel, r.sender)].append((r.payload, r.status, r.claimed_by))
        assert dict(by_sender) == {
            ("test", "a"): [("a1", CLAIMED, "w-a"), ("a2", PENDING, None), ("a3", PENDING, None)],
            ("test", "b"): [("b1", CLAIMED, "w-a"), ("b2", PENDING, None)],
            ("test", "c"): [("c1", CLAIMED, "w-a")],
            ("test", "d"): [("d1", CLAIMED, "w-a"), ("d2", PENDING, None)],
            ("zalo", "a"): [("zalo a1", CLAIMED, "w-a")],
        }
    finally:
        await database.dispose()


async def test_a_redelivery_of_a_done_failed_or_claimed_event_is_dropped_and_changes_nothing(database_url) -> None:
    database = _db(database_url)
    a, b = SqlIntake(database, "w-a"), SqlIntake(database, "w-b")
    try:
        await a.beat(T0)
        await b.beat(T0)
        (one,) = await a.store("test", [("u", "1", "p1")], T0)
        assert one.item is not None
        async with database.transaction() as session:
            await a.finish_event(session, one.item.id, T0)
        a.let_go(INBOX, one.item.id)
        assert await a.store("test", [("u", "1", "p1 again")], T0) == []
        assert await b.store("test", [("u", "1", "p1 again")], T0) == []
        # Done is not open: the next event is stored claimed, by whichever replica got it.
        (two,) = await b.store("test", [("u", "2", "p2")], T0)
        assert two.item is not None and two.item.payload == "p2"
        async with database.transaction() as session:
            await b.finish_event(session, two.item.id, T0, FAILED)
        b.let_go(INBOX, two.item.id)
        assert await a.store("test", [("u", "2", "p2 again")], T0) == []
        (three,) = await a.store("test", [("u", "3", "p3")], T0)
        assert three.item is not None
        # Redelivered to the other replica while claimed: dropped there, still this worker's, not claimed twice.
        assert await b.store("test", [("u", "3", "p3 again")], T0) == []
        (four,) = await b.store("test", [("u", "4", "p4")], T0)
        assert four.item is None
        rows = await _inbox(database)
        assert [(r.event_key, r.payload, r.status, r.claimed_by, r.attempts) for r in rows] == [
            ("1", "p1", DONE, "w-a", 1),
            ("2", "p2", FAILED, "w-b", 1),
            ("3", "p3", CLAIMED, "w-a", 1),
            ("4", "p4", PENDING, None, 0),
        ]
        assert isinstance(await b.claim_event("test", "u", T0), Busy)
        assert isinstance(await a.claim_event("test", "u", T0), Busy)  # "3" is handed to a's caller
    finally:
        await database.dispose()


async def test_an_event_behind_a_retired_or_dead_workers_claim_waits_and_the_older_one_goes_first(
    database_url,
) -> None:
    database = _db(database_url)
    a, b = SqlIntake(database, "w-a"), SqlIntake(database, "w-b")
    try:
        await a.beat(T0)
        await b.beat(T0)
        # A clean stop gives the claimed event back as pending: a new event must not be claimed ahead of it.
        (first,) = await a.store("test", [("r", "1", "r1")], T0)
        assert first.item is not None
        await a.retire()
        (second,) = await b.store("test", [("r", "2", "r2")], T0)
        assert second.item is None
        taken = await b.claim_event("test", "r", T0)
        assert isinstance(taken, InboxItem) and (taken.payload, taken.attempts) == ("r1", 2)

        # A worker that died holding a sender's event: what arrives after waits behind it, then is taken in order.
        dead = SqlIntake(database, "w-dead")
        await dead.beat(T0)
        (held,) = await dead.store("test", [("d", "1", "d1")], T0)
        assert held.item is not None
        later = T0 + timedelta(seconds=20)
        await b.beat(later)
        stored = await b.store("test", [("d", "2", "d2"), ("d", "3", "d3")], later)
        assert [s.item for s in stored] == [None, None]
        got = await b.claim_event("test", "d", later)
        assert isinstance(got, InboxItem) and (got.payload, got.attempts) == ("d1", 2)
        order = [got.payload]
        while isinstance(got, InboxItem):
            async with database.transaction() as session:
                await b.finish_event(session, got.id, later)
                got = await b.claim_next_event(session, "test", "d", later)
            if isinstance(got, InboxItem):
                order.append(got.payload)
        assert got is None and order == ["d1", "d2", "d3"]
    finally:
        await database.dispose()


ODD = [
    'He said "hi" and it\'s \\"fine\\"',
    "'; DROP TABLE inbox_event; --",
    "%s %(at)s %(owner)s :at ? $1 ::VARCHAR {} {{}}",
    "👩‍👩‍👧‍👦 Ho\u0300a Nguyễn \u202eabc\u202c \u2028\u2029 \ufeff \U0010fffd \ufffd",
    "\t\r\n\x01\x1f\x7f trailing spaces   ",
    "ễ" * 150_000 + "end",  # about 450 kB of UTF-8
    "",
]


async def test_odd_payloads_senders_and_keys_are_stored_and_handed_exactly(database_url) -> None:
    database = _db(database_url)
    intake = SqlIntake(database, "w-a")
    sender = "ngư\u1eddi 'dùng' \"1\" 🙂"
    try:
        batch = [(sender, f"k'\"{i}ễ", text) for i, text in enumerate(ODD)]
        stored = await intake.store("test", batch, T0)
        assert [s.item.payload if s.item else None for s in stored] == [ODD[0]] + [None] * (len(ODD) - 1)
        assert stored[0].item is not None and stored[0].item.sender == sender
        # One sender per odd payload too: each stored claimed, handed exactly.
        each = [(f"{text[:20]}|{i}", "1", text) for i, text in enumerate(ODD)]
        handed = await intake.store("test", each, T0)
        assert [s.item.payload if s.item else None for s in handed] == ODD
        assert await intake.store("test", batch + each, T0) == []
        rows = await _inbox(database)
        assert [(r.sender, r.event_key, r.payload) for r in rows] == batch + each
        async with database.transaction() as session:
            replies = [(*X, text) for text in ODD]
            out = await intake.add_replies(session, [(*OTHER, ODD[3]), *replies], T0, claim_chat=X)
        assert [i.payload for i in out] == ODD
        assert [r.payload for r in await _outbox(database)] == [ODD[3], *ODD]
    finally:
        await database.dispose()


# --- store: replicas at once ------------------------------------------------------------------------------


def _replicas(database_url, n: int) -> tuple[list[Database], list[SqlIntake]]:
    """n intakes with their own worker names: on PostgreSQL each with its own pool (really concurrent); on SQLite
    on one Database (one process serves an SQLite file), still interleaving between transactions."""
    if _is_pg(database_url):
        databases = [_db(database_url) for _ in range(n)]
        return databases, [SqlIntake(d, f"w{i}") for i, d in enumerate(databases)]
    database = _db(database_url)
    return [database], [SqlIntake(database, f"w{i}") for i in range(n)]


async def test_replicas_storing_one_senders_events_at_once_claim_exactly_one_and_handle_each_once_in_order(
    database_url,
) -> None:
    """Each round: three replicas store batches of four senders at once (senders interleaved in another order on
    each, keys overlapping: a webhook retry landing on another replica) while claims are asked for; then all
    three handle the senders at once, sometimes claiming the next event in the handling transaction."""
    databases, intakes = _replicas(database_url, 3)
    rnd = random.Random(11)
    senders = [f"s{i}" for i in range(4)]
    handled: dict[str, list[int]] = defaultdict(list)
    in_hand: set[str] = set()
    try:
        for intake in intakes:
            await intake.beat(T0)

        async def claim_meanwhile(intake: SqlIntake, sender: str) -> object:
            await asyncio.sleep(rnd.uniform(0, 0.01))
            return await intake.claim_event("test", sender, T0)

        async def work(intake: SqlIntake, sender: str, item: InboxItem | None) -> None:
            while True:
                if item is None:
                    got = await intake.claim_event("test", sender, T0)
                    if isinstance(got, Busy):
                        await asyncio.sleep(0.003)
                        continue
                    if got is None:
                        return
                    item = got
                assert sender not in in_hand, f"two workers hold {sender} at once"
                in_hand.add(sender)
                handled[sender].append(item.id)
                await asyncio.sleep(rnd.uniform(0, 0.003))
                chain = rnd.random() < 0.5
                async with intake.database.transaction() as session:
                    await intake.finish_event(session, item.id, T0)
                    in_hand.discard(sender)  # still claimed until this commits: nobody else can take the next
                    following = await intake.claim_next_event(session, "test", sender, T0) if chain else None
                intake.let_go(INBOX, item.id)
                item = following if isinstance(following, InboxItem) else None

        for round_ in range(8):
            batches = []
            for i in range(len(intakes)):
                batch = [
                    (s, f"{round_}:{k}", json.dumps({"k": k, "by": i}))
                    for s in senders
                    for k in sorted(rnd.sample(range(6), 3))
                ]
                rnd.shuffle(batch)
                batches.append(batch)
            results = await asyncio.gather(
                *(intake.store("test", batch, T0) for intake, batch in zip(intakes, batches, strict=True)),
                *(claim_meanwhile(rnd.choice(intakes), s) for s in senders),
            )
            stored, claims = results[: len(intakes)], results[len(intakes) :]
            assert all(isinstance(c, Busy) or c is None for c in claims), claims
            rows = [r for r in await _inbox(databases[0]) if r.event_key.startswith(f"{round_}:")]
            keys = {(s, k) for batch in batches for s, k, _ in batch}
            assert sorted((r.sender, r.event_key) for r in rows) == sorted(keys)
            assert sum(len(s) for s in stored) == len(keys)
            for i, batch in enumerate(batches):  # what each replica stored, in its batch's order
                mine = [r for r in rows if json.loads(r.payload)["by"] == i]
                assert len(mine) == len(stored[i])
                for s in senders:
                    got = [r.event_key for r in mine if r.sender == s]
                    assert got == [k for who, k, _ in batch if who == s and k in got]
            holders: dict[str, list[tuple[str, InboxItem]]] = defaultdict(list)
            for intake, fresh in zip(intakes, stored, strict=True):
                for new in fresh:
                    if new.item is not None:
                        holders[new.sender].append((intake.worker, new.item))
            for s in senders:
                mine = [r for r in rows if r.sender == s]
                claimed = [r for r in mine if r.status == CLAIMED]
                assert len(claimed) == 1 and claimed[0].id == mine[0].id, (s, _claims(mine))
                assert [(w, i.id) for w, i in holders[s]] == [(claimed[0].claimed_by, claimed[0].id)]
                assert all(r.status == PENDING and r.claimed_by is None for r in mine[1:])
            await asyncio.wait_for(
                asyncio.gather(
                    *(
                        work(intake, s, next((i for w, i in holders[s] if w == intake.worker), None))
                        for intake in intakes
                        for s in senders
                    )
                ),
                timeout=20,
            )
            for s in senders:
                ids = [r.id for r in rows if r.sender == s]
                assert handled[s][-len(ids) :] == ids
        rows = await _inbox(databases[0])
        assert {r.status for r in rows} == {DONE}
        assert sum(len(v) for v in handled.values()) == len(rows)
    finally:
        for database in databases:
            await database.dispose()


async def test_a_store_racing_the_handling_of_the_senders_open_event_never_leaves_two_claims(database_url) -> None:
    """Replica A handles the sender's claimed event (finishing it, and in half the rounds claiming the next in the
    same transaction) while replica B stores the sender's next two events: whoever gets the next one, only one does,
    and nothing is left unclaimable."""
    databases, (a, b) = _replicas(database_url, 2)
    rnd = random.Random(3)
    try:
        await a.beat(T0)
        await b.beat(T0)
        for round_ in range(25):
            sender = f"u{round_}"
            (first,) = await a.store("test", [(sender, "0", "e0")], T0)
            assert first.item is not None
            chain = round_ % 2 == 0

            async def handle(item: InboxItem = first.item, sender: str = sender, chain: bool = chain) -> object:
                await asyncio.sleep(rnd.uniform(0, 0.004))
                async with a.database.transaction() as session:
                    await a.finish_event(session, item.id, T0)
                    await asyncio.sleep(rnd.uniform(0, 0.004))
                    following = await a.claim_next_event(session, "test", sender, T0) if chain else None
                a.let_go(INBOX, item.id)
                return following

            async def store(sender: str = sender) -> list:
                await asyncio.sleep(rnd.uniform(0, 0.006))
                return await b.store("test", [(sender, "1", "e1"), (sender, "2", "e2")], T0)

            following, stored = await asyncio.gather(handle(), store())
            rows = [r for r in await _inbox(databases[0]) if r.sender == sender]
            assert [r.payload for r in rows] == ["e0", "e1", "e2"]
            assert rows[0].status == DONE
            takers = [w for w, got in (("w0", following), ("w1", stored[0].item)) if isinstance(got, InboxItem)]
            assert len(takers) <= 1, (takers, _claims(rows))
            assert stored[1].item is None
            assert [r.claimed_by for r in rows[1:] if r.status == CLAIMED] == takers
            assert rows[2].status == PENDING
            if takers:
                assert rows[1].status == CLAIMED and rows[1].claimed_by == takers[0]
            else:  # left pending behind nothing: the next claim (B's kicked worker) takes it, in order
                got = await b.claim_event("test", sender, T0)
                assert isinstance(got, InboxItem) and got.payload == "e1"
    finally:
        for database in databases:
            await database.dispose()


# --- add_replies ------------------------------------------------------------------------------------------

OLDER = [
    "none",
    "pending",
    "sending_live",
    "sending_dead",
    "handed_here",
    "sent",
    "failed",
    "postponed",
    "other_channel",
    "other_chat",
]
# An older unsent reply of the chat being answered: the new ones must wait behind it.
BLOCKING = {"pending", "sending_live", "sending_dead", "handed_here", "postponed"}


@pytest.mark.parametrize("older", OLDER)
async def test_replies_other_claim_claim_other_with_an_older_reply_of_the_chat(database_url, older: str) -> None:
    database = _db(database_url)
    me, other = SqlIntake(database, "me"), SqlIntake(database, "other")
    try:
        await me.beat(T0)
        await other.beat(T0 if older == "sending_live" else T0 - timedelta(minutes=5))
        held: list[OutboxItem] = []  # what this process holds in memory, oldest first
        async with database.transaction() as session:
            if older == "pending":
                await me.add_replies(session, [(*X, "old")], T0)
            elif older in ("sending_live", "sending_dead"):
                assert len(await other.add_replies(session, [(*X, "old")], T0, claim_chat=X)) == 1
            elif older in ("handed_here", "sent", "failed", "postponed"):
                held = await me.add_replies(session, [(*X, "old")], T0, claim_chat=X)
                assert len(held) == 1
            elif older == "other_channel":
                await me.add_replies(session, [("zalo", "X", "old")], T0)
            elif older == "other_chat":
                await me.add_replies(session, [(*OTHER, "old")], T0)
        if older in ("sent", "failed", "postponed"):
            if older == "postponed":
                await me.postpone_reply(held[0].id, T0 + timedelta(minutes=10), "429")
            else:
                await me.settle_reply(held[0].id, SENT if older == "sent" else FAILED, T0)
            me.let_go(OUTBOX, held[0].id)
            held = []
        before = {r.id for r in await _outbox(database)}

        async with database.transaction() as session:
            rows_in = [(*OTHER, "o1"), (*X, "x1"), (*X, "x2"), (*OTHER, "o2")]
            handed = await me.add_replies(session, rows_in, T0, claim_chat=X)
        new = [r for r in await _outbox(database) if r.id not in before]
        assert [(r.channel, r.chat, r.payload) for r in new] == rows_in
        taken = older not in BLOCKING
        mine = (SENDING, "me", 1, T0) if taken else (PENDING, None, 0, None)
        free = (PENDING, None, 0, None)
        assert _claims(new) == [free, mine, mine, free]
        assert all(_aware(r.due_at) == T0 and _aware(r.created_at) == T0 and r.error == "" for r in new)
        assert handed == ([OutboxItem(r.id, "test", "X", r.payload, 1) for r in new[1:3]] if taken else [])

        # The chat's next claim by this worker: never a row handed to its caller; else the oldest, in turn.
        now = T0
        sent: list[str] = []
        first = await me.claim_reply(*X, now)
        if older in ("none", "sent", "failed", "other_channel", "other_chat", "sending_live", "handed_here"):
            assert isinstance(first, Busy)
        elif older == "postponed":
            assert first == Wait(T0 + timedelta(minutes=10))
            now = first.until
        else:
            assert isinstance(first, OutboxItem) and first.payload == "old"
            assert first.attempts == (2 if older == "sending_dead" else 1)
            held.insert(0, first)
        held += handed
        for _ in range(12):
            item = held.pop(0) if held else await me.claim_reply(*X, now)
            if item is None:
                break
            if isinstance(item, Wait):
                now = item.until
                continue
            if isinstance(item, Busy):  # the live other worker sends what it holds
                (row,) = [r for r in await _outbox(database) if r.status == SENDING and r.claimed_by == "other"]
                await other.settle_reply(row.id, SENT, now)
                sent.append(row.payload)
                continue
            sent.append(item.payload)
            await me.settle_reply(item.id, SENT, now)
            me.let_go(OUTBOX, item.id)
        assert sent == (["old"] if older in BLOCKING else []) + ["x1", "x2"]
        to_o: list[str] = []
        while isinstance(item := await me.claim_reply(*OTHER, now), OutboxItem):
            to_o.append(item.payload)
            await me.settle_reply(item.id, SENT, now)
        assert item is None
        assert to_o == (["old"] if older == "other_chat" else []) + ["o1", "o2"]
    finally:
        await database.dispose()


async def test_replies_written_twice_in_one_transaction_or_after_a_rollback_keep_one_claim(database_url) -> None:
    database = _db(database_url)
    me = SqlIntake(database, "me")
    y = ("test", "Y")
    try:
        await me.beat(T0)
        async with database.transaction() as session:
            first = await me.add_replies(session, [(*X, "a")], T0, claim_chat=X)
            again = await me.add_replies(session, [(*OTHER, "o"), (*X, "b"), (*X, "c")], T0, claim_chat=X)
            # A claim chat without rows of its own in the call claims nothing.
            none = await me.add_replies(session, [(*OTHER, "o2")], T0, claim_chat=("test", "Z"))
        assert [i.payload for i in first] == ["a"] and again == [] and none == []
        rows = await _outbox(database)
        assert [(r.chat, r.payload, r.status) for r in rows] == [
            ("X", "a", SENDING),
            ("O", "o", PENDING),
            ("X", "b", PENDING),
            ("X", "c", PENDING),
            ("O", "o2", PENDING),
        ]

        class Undo(Exception):
            pass

        lost: list[OutboxItem] = []
        with pytest.raises(Undo):
            async with database.transaction() as session:
                lost = await me.add_replies(session, [(*y, "lost")], T0, claim_chat=y)
                raise Undo
        assert len(lost) == 1
        me.let_go(OUTBOX, lost[0].id)  # as the dispatcher does for a rolled-back transaction
        async with database.transaction() as session:
            kept = await me.add_replies(session, [(*y, "y1"), (*y, "y2")], T0, claim_chat=y)
        assert [i.payload for i in kept] == ["y1", "y2"]
        assert [r.payload for r in await _outbox(database) if r.chat == "Y"] == ["y1", "y2"]
        assert isinstance(await me.claim_reply(*y, T0), Busy)
    finally:
        await database.dispose()


async def test_replicas_writing_replies_to_one_chat_at_once_hand_them_to_one_only(database_url) -> None:
    """Three replicas each handle an event that answers X (and writes to O) at once, while a fourth asks for X's
    next reply: X's replies are handed to one of them only, the oldest, and X gets every reply once, in order."""
    databases, intakes = _replicas(database_url, 4)
    writers, asker = intakes[:3], intakes[3]
    rnd = random.Random(5)
    sent: list[str] = []
    try:
        for intake in intakes:
            await intake.beat(T0)
        for round_ in range(12):

            async def write(intake: SqlIntake, round_: int = round_) -> list[OutboxItem]:
                await asyncio.sleep(rnd.uniform(0, 0.004))
                tag = f"{round_}:{intake.worker}"
                async with intake.database.transaction() as session:
                    rows = [(*OTHER, f"{tag}:o"), (*X, f"{tag}:0"), (*X, f"{tag}:1"), (*OTHER, f"{tag}:o2")]
                    handed = await intake.add_replies(session, rows, T0, claim_chat=X)
                    await asyncio.sleep(rnd.uniform(0, 0.004))
                    return handed

            async def ask() -> object:
                await asyncio.sleep(rnd.uniform(0, 0.006))
                return await asker.claim_reply(*X, T0)

            *handed, asked = await asyncio.gather(*(write(w) for w in writers), ask())
            assert isinstance(asked, Busy) or asked is None, asked
            rows = [r for r in await _outbox(databases[0]) if r.chat == "X" and r.status != SENT]
            holders = [(w.worker, h) for w, h in zip(writers, handed, strict=True) if h]
            assert len(holders) == 1, (holders, _claims(rows))
            worker, items = holders[0]
            assert [i.id for i in items] == [r.id for r in rows[:2]]
            assert all(r.claimed_by == worker for r in rows[:2])
            assert _claims(rows[2:]) == [(PENDING, None, 0, None)] * 4
            for w in writers:  # each replica's two replies to X are consecutive, in its order
                ids = [r.id for r in rows if r.payload.startswith(f"{round_}:{w.worker}:")]
                assert [r.payload for r in rows if r.id in ids] == [f"{round_}:{w.worker}:{k}" for k in (0, 1)]
            holder = next(w for w in writers if w.worker == worker)
            for item in items:
                sent.append(item.payload)
                await holder.settle_reply(item.id, SENT, T0)
                holder.let_go(OUTBOX, item.id)
            while True:  # the rest, claimed by any replica in turn
                claimer = rnd.choice(intakes)
                item = await claimer.claim_reply(*X, T0)
                if not isinstance(item, OutboxItem):
                    break
                sent.append(item.payload)
                await claimer.settle_reply(item.id, SENT, T0)
            assert item is None
        x_rows = [r for r in await _outbox(databases[0]) if r.chat == "X"]
        assert sent == [r.payload for r in x_rows]
        assert Counter(r.status for r in x_rows) == Counter({SENT: 12 * 6})
    finally:
        for database in databases:
            await database.dispose()


# --- through the dispatcher -------------------------------------------------------------------------------


def _batches(rnd: random.Random, count: Counter[str], n: int, size: int) -> list[list[IncomingEvent]]:
    """Batches of four senders' new messages, interleaved; about one event in four is a redelivery of one earlier
    in the same batch (redeliveries across batches are sent once the first delivery is handled: see the bug)."""
    out = []
    for _ in range(n):
        batch: list[IncomingEvent] = []
        for _ in range(size):
            if batch and rnd.random() < 0.25:
                batch.append(rnd.choice(batch))
                continue
            user = rnd.choice("ABCD")
            key = str(count[user])
            count[user] += 1
            batch.append(IncomingEvent(user, key, {"user": user, "text": f"{user}{key}"}))
        out.append(batch)
    return out


async def _receive_all(receivers: list, batches: list[list[IncomingEvent]], rnd: random.Random) -> int:
    async def one(receive, batch: list[IncomingEvent]) -> int:
        await asyncio.sleep(rnd.uniform(0, 0.05))
        return await receive("test", batch)

    return sum(await asyncio.gather(*(one(receivers[i % len(receivers)], b) for i, b in enumerate(batches))))


async def test_concurrent_batches_of_interleaved_senders_with_redeliveries_are_handled_once_in_order(
    database_url,
) -> None:
    handled: list[tuple[str, str]] = []

    async def handle(inbound: Inbound) -> Result:
        handled.append((inbound.user_id, inbound.text or ""))
        await asyncio.sleep(random.uniform(0, 0.005))
        out = [Outgoing("test", "D", Reply(f"notice {inbound.text}"))] if inbound.user_id == "A" else []
        return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(2)], outgoing=out)

    bench = Bench(_db(database_url), handle)
    await bench.pipeline.start()
    try:
        rnd, count = random.Random(2), Counter()
        first = _batches(rnd, count, n=8, size=8)
        new = await _receive_all([bench.dispatcher.receive], first, rnd)
        await bench.pipeline.idle()
        second = _batches(rnd, count, n=6, size=8)
        # Every earlier batch again (handled by now), at once with new ones.
        new += await _receive_all([bench.dispatcher.receive], first + second, rnd)
        rows = await _inbox(bench.pipeline.database)
        assert new == len(rows) == len({(e.sender, e.key) for b in first + second for e in b})
        texts = [(r.sender, json.loads(r.payload)["text"]) for r in rows]  # arrival order: the ids
        notices = sum(1 for s, _ in texts if s == "A")
        await eventually(lambda: len(bench.sent) == 2 * len(rows) + notices, "every reply", timeout=10)
        await bench.pipeline.idle()
        assert sorted(handled) == sorted(texts)
        for user in "ABCD":
            mine = [t for s, t in texts if s == user]
            assert [t for s, t in handled if s == user] == mine
            own = [t for t in bench.sent_to(user) if not t.startswith("notice")]
            assert own == [f"{t}.{k}" for t in mine for k in range(2)]
        assert [t for t in bench.sent_to("D") if t.startswith("notice")] == [
            f"notice {t}" for s, t in texts if s == "A"
        ]
        assert await bench.pipeline.intake.counts() == {"inbox.done": len(rows), "outbox.sent": len(bench.sent)}
    finally:
        await bench.pipeline.close()


async def test_two_replicas_receiving_one_users_batches_at_once_then_each_others_handle_each_event_once(
    database_url,
) -> None:
    """PostgreSQL, two live processes getting batches of the same four users at once; then every batch again at
    the other replica (a webhook retried there) while new ones arrive."""
    if not _is_pg(database_url):
        return  # one process serves an SQLite file
    handled: list[tuple[str, str, str]] = []

    def bench_for(name: str) -> Bench:
        async def handle(inbound: Inbound) -> Result:
            handled.append((name, inbound.user_id, inbound.text or ""))
            await asyncio.sleep(random.uniform(0, 0.005))
            return Result(replies=[Reply(f"{inbound.text}.{k}") for k in range(2)])

        return Bench(_db(database_url), handle)

    a, b = bench_for("a"), bench_for("b")
    await a.pipeline.start()
    await b.pipeline.start()
    try:
        rnd, count = random.Random(6), Counter()
        first = _batches(rnd, count, n=8, size=6)
        new = await _receive_all([a.dispatcher.receive, b.dispatcher.receive], first, rnd)
        await a.pipeline.idle()
        await b.pipeline.idle()
        second = _batches(rnd, count, n=6, size=6)
        new += await _receive_all([b.dispatcher.receive, a.dispatcher.receive], first + second, rnd)
        rows = await _inbox(a.pipeline.database)
        assert new == len(rows) == len({(e.sender, e.key) for batch in first + second for e in batch})
        texts = [(r.sender, json.loads(r.payload)["text"]) for r in rows]
        await eventually(lambda: len(a.sent) + len(b.sent) == 2 * len(rows), "every reply", timeout=15)
        await a.pipeline.idle()
        await b.pipeline.idle()
        assert sorted((s, t) for _, s, t in handled) == sorted(texts)
        for user in "ABCD":
            mine = [t for s, t in texts if s == user]
            assert [t for _, s, t in handled if s == user] == mine
        sent = a.sent + b.sent
        assert len(sent) == len(set(sent)) == 2 * len(rows)
        assert await a.pipeline.intake.counts() == {"inbox.done": len(rows), "outbox.sent": 2 * len(rows)}
    finally:
        await a.pipeline.close()
        await b.pipeline.close()


# --- a redelivery of the event being handled (a PostgreSQL deadlock, fixed) ---------------------------------
# store() takes the sender's advisory lock; its INSERT ... ON CONFLICT DO NOTHING of a redelivered key used to wait
# for the uncommitted transaction that had updated that event's row (finish_event), which then asked for the same
# lock in claim_next_event: PostgreSQL aborted one of them after a second. The INSERT now skips a key already
# stored, judged in its own snapshot, before any conflict check.


async def test_a_redelivery_of_the_event_being_handled_is_dropped_without_a_deadlock(database_url) -> None:
    """The handling transaction of the sender's event u:1 has marked it done and will claim u:2 next, when the
    platform redelivers u:1 (a webhook retried, on this or another replica)."""
    databases, (a, b) = _replicas(database_url, 2)
    try:
        await a.beat(T0)
        await b.beat(T0)
        (one, two) = await a.store("test", [("u", "1", "p1"), ("u", "2", "p2")], T0)
        assert one.item is not None and two.item is None
        finished = asyncio.Event()

        async def handle() -> object:
            async with a.database.transaction() as session:
                await a.finish_event(session, one.item.id, T0)
                finished.set()
                await asyncio.sleep(0.3)  # the rest of the handling: the replies are written
                return await a.claim_next_event(session, "test", "u", T0)

        async def redeliver() -> list:
            await finished.wait()
            return await b.store("test", [("u", "1", "p1"), ("u", "3", "p3")], T0)

        following, stored = await asyncio.gather(handle(), redeliver(), return_exceptions=True)
        assert isinstance(following, InboxItem) and following.payload == "p2", following
        assert isinstance(stored, list) and [s.item for s in stored] == [None], stored
        rows = await _inbox(databases[0])
        assert [(r.payload, r.status) for r in rows] == [("p1", DONE), ("p2", CLAIMED), ("p3", PENDING)]
    finally:
        for database in databases:
            await database.dispose()


class SlowRepliesIntake(SqlIntake):
    """Writing the replies takes a moment (a big result, a slow round trip): the handling transaction is open with
    the event already marked done when the redelivery arrives."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.writing = asyncio.Event()

    async def add_replies(self, session, replies, now, *, claim_chat=None) -> list[OutboxItem]:
        if not self.writing.is_set():
            self.writing.set()
            await asyncio.sleep(0.3)
        return await super().add_replies(session, replies, now, claim_chat=claim_chat)


async def test_a_webhook_retry_while_its_event_is_being_handled_is_acknowledged_and_handled_once(
    database_url,
) -> None:
    bench, handled = Bench.echo(_db(database_url))
    intake = bench.use_intake(SlowRepliesIntake)
    await bench.pipeline.start()
    try:
        one = IncomingEvent("u", "1", {"user": "u", "text": "one"})
        two = IncomingEvent("u", "2", {"user": "u", "text": "two"})
        assert await bench.dispatcher.receive("test", [one, two]) == 2
        await intake.writing.wait()
        # Telegram did not hear the 200 in time and sends the first update again.
        again: object
        try:
            again = await bench.dispatcher.receive("test", [one])
        except Exception as error:  # the webhook would answer 500
            again = error
        await eventually(lambda: bench.sent_to("u") == ["ok one", "ok two"], "both replies", timeout=5)
        await bench.pipeline.idle()
        assert again == 0
        assert handled == ["one", "two"]  # no handling rolled back and repeated
    finally:
        await bench.pipeline.close()
