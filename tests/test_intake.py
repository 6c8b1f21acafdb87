"""The durable intake itself: claims, takeover of a dead worker's rows, poison events, and bad bytes."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.intake.clean import clean_text
from bot.intake.dispatcher import APOLOGY, IncomingEvent
from handlers.types import Inbound, Reply, Result
from storage.database import Database
from storage.intake import Busy, SqlIntake, Wait
from tests.intake_support import Pipeline

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def test_a_dead_workers_claims_are_taken_over_once_its_heartbeat_is_stale(database_url, tmp_path) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    clock = Clock()
    first = SqlIntake(database, "worker-a", stale_after=timedelta(seconds=15))
    second = SqlIntake(database, "worker-b", stale_after=timedelta(seconds=15))
    try:
        await first.beat(clock())
        await second.beat(clock())
        stored = await first.store("telegram", [("u1", "1", "{}"), ("u1", "2", "{}")], clock())
        assert [s.sender for s in stored] == ["u1", "u1"]
        # The first event is stored claimed by the worker that stored it; the second waits behind it.
        item = stored[0].item
        assert item is not None and item.attempts == 1 and stored[1].item is None
        # A redelivery of a stored update is dropped.
        assert await first.store("telegram", [("u1", "1", "{}")], clock()) == []
        # The first worker's own claims never take what was handed to its caller: busy, look again later.
        assert isinstance(await first.claim_event("telegram", "u1", clock()), Busy)
        # While the first worker is alive, the second takes nothing of this sender: not even the later event.
        assert isinstance(await second.claim_event("telegram", "u1", clock()), Busy)

        clock.now += timedelta(seconds=20)  # the first worker died: no more beats
        await second.beat(clock())
        assert await second.pending_senders(clock()) == [("telegram", "u1")]
        taken = await second.claim_event("telegram", "u1", clock())
        assert taken is not None and taken.id == item.id and taken.attempts == 2
    finally:
        await database.dispose()


async def test_replies_wait_out_a_flood_wait_and_keep_their_order(database_url) -> None:
    url, kwargs = database_url
    database = Database(url, **kwargs)
    await database.migrate()
    clock = Clock()
    intake = SqlIntake(database, "worker-a")
    try:
        await intake.beat(clock())
        async with database.transaction() as session:
            await intake.add_replies(session, [("telegram", "42", "first"), ("telegram", "42", "second")], clock())
        item = await intake.claim_reply("telegram", "42", clock())
        assert item is not None and not isinstance(item, Wait) and item.payload == "first"
        await intake.postpone_reply(item.id, clock() + timedelta(seconds=620), "429")
        # The chat's first reply is due later: nothing is sent out of order meanwhile.
        waiting = await intake.claim_reply("telegram", "42", clock())
        assert isinstance(waiting, Wait)
        clock.now += timedelta(seconds=621)
        again = await intake.claim_reply("telegram", "42", clock())
        assert again is not None and not isinstance(again, Wait) and again.payload == "first"
    finally:
        await database.dispose()


async def test_an_event_that_keeps_failing_is_set_aside_with_an_apology(tmp_path: Path) -> None:
    seen: list[str] = []

    async def handle(inbound: Inbound) -> Result:
        seen.append(inbound.text or "")
        if inbound.text == "loi":
            raise RuntimeError("boom")
        return Result(replies=[Reply(f"Đã nhận: {inbound.text}")])

    pipeline = await Pipeline.on_sqlite(tmp_path, handle)
    sent: list[tuple[str, str]] = []

    async def send(user: str, reply: Reply) -> None:
        sent.append((user, reply.text))

    async def decode(payload: dict) -> Inbound:
        return Inbound(channel="test", user_id=payload["user"], text=payload["text"], event_id=payload["id"])

    pipeline.senders.add("test", send)
    pipeline.add("test", decode)
    await pipeline.start()
    try:
        events = [
            IncomingEvent("7", str(i), {"user": "7", "text": t, "id": f"7:{i}"})
            for i, t in enumerate(["a", "loi", "b"])
        ]
        await pipeline.dispatcher.receive("test", events)
        await pipeline.idle()
        assert seen.count("loi") == 3
        assert sent == [("7", "Đã nhận: a"), ("7", APOLOGY), ("7", "Đã nhận: b")]
        counts = await pipeline.intake.counts()
        assert counts["inbox.done"] == 2 and counts["inbox.failed"] == 1
    finally:
        await pipeline.close()


def test_clean_text_removes_what_cannot_be_stored_or_safely_echoed() -> None:
    assert clean_text("Nguy\udcffễn\x00 An\u202e\r\nX") == "Nguyễn An\nX"
    assert clean_text("Ho\u0300a") == "Hòa"  # NFC: decomposed marks are composed


def test_console_survives_invalid_utf8_and_control_bytes(tmp_path: Path) -> None:
    """The real command, with bytes a terminal or a broken file can send: no crash, the text is kept cleaned."""
    data = b"/start\n\xff\xfeNguy\xc3\xaan V\x00\xe4n An\n" + "Nguyễn Văn An\n1\n".encode()
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}",
        "FILE_STORE_DIR": str(tmp_path / "files"),
        "SUGGESTION_KEY_FILE": str(tmp_path / "key"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console"], input=data, capture_output=True, cwd=ROOT, env=env, timeout=60
    )
    out, err = done.stdout.decode(), done.stderr.decode()
    assert done.returncode == 0, err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert "Bước 2/4" in out  # the clean name was taken and registration went on
    # Every event was stored and handled.
    rows = sqlite3.connect(tmp_path / "db.sqlite3").execute("SELECT status, payload FROM inbox_event").fetchall()
    assert {status for status, _ in rows} == {"done"}
    assert all("\x00" not in json.loads(payload).get("text", "") for _, payload in rows)


async def test_two_users_do_not_wait_for_each_other(tmp_path: Path) -> None:
    """One user's slow reply (a flood wait) does not hold back another user's."""
    release = asyncio.Event()

    async def handle(inbound: Inbound) -> Result:
        return Result(replies=[Reply(f"trả lời {inbound.text}")])

    pipeline = await Pipeline.on_sqlite(tmp_path, handle)
    delivered: list[str] = []

    async def send(user: str, reply: Reply) -> None:
        if user == "slow":
            await release.wait()
        delivered.append(user)

    async def decode(payload: dict) -> Inbound:
        return Inbound(channel="test", user_id=payload["user"], text="x", event_id=payload["id"])

    pipeline.senders.add("test", send)
    pipeline.add("test", decode)
    await pipeline.start()
    try:
        await pipeline.dispatcher.receive("test", [IncomingEvent("slow", "1", {"user": "slow", "id": "slow:1"})])
        await pipeline.dispatcher.receive("test", [IncomingEvent("fast", "1", {"user": "fast", "id": "fast:1"})])
        for _ in range(100):
            if "fast" in delivered:
                break
            await asyncio.sleep(0.02)
        assert delivered == ["fast"]
        release.set()
        await pipeline.idle()
        assert delivered == ["fast", "slow"]
    finally:
        await pipeline.close()


def test_a_reply_survives_the_outbox_whole() -> None:
    from bot.intake.codec import reply_from_json, reply_to_json
    from handlers.types import Document, Option

    reply = Reply(
        "Chọn «đơn vị»",
        options=(Option("u1", "Phòng Nội vụ"), Option("keep", "Giữ nguyên", key="0")),
        document=Document("m02.docx", b"PK\x03\x04\xff", "application/msword"),
        request_contact="Chia sẻ số điện thoại",
    )
    assert reply_from_json(reply_to_json(reply)) == reply


def test_console_takes_only_regular_files_and_never_reads_more_than_the_limit(tmp_path: Path) -> None:
    import os

    from bot.console import attachment_from_path

    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    assert attachment_from_path(fifo, 1000).content is None  # returns at once: a pipe is never opened
    assert attachment_from_path(Path("/dev/zero"), 1000).content is None
    assert attachment_from_path(tmp_path, 1000).content is None
    big = tmp_path / "big.pdf"
    big.write_bytes(b"x" * 2000)
    assert attachment_from_path(big, 1000).content is None
    small = tmp_path / "small.pdf"
    small.write_bytes(b"%PDF-1.4 ok")
    assert attachment_from_path(small, 1000).content == b"%PDF-1.4 ok"


async def test_two_replicas_receiving_one_senders_messages_handle_them_once_and_in_order(database_url) -> None:
    """Webhook replicas behind a load balancer: one user's messages land on either process. Each message is stored
    claimed only when nothing of that user is open, the other replica waits while one holds the user, and nothing
    is left behind for the periodic recovery."""
    url, kwargs = database_url
    if url.startswith("sqlite"):
        return  # SQLite serves one bot process (a second one takes the file's claims over at start)
    handled: list[tuple[str, str]] = []
    sent: list[str] = []

    def pipeline_for(name: str) -> Pipeline:
        async def handle(inbound: Inbound) -> Result:
            handled.append((name, inbound.text or ""))
            await asyncio.sleep(0.01)  # a handling that takes a moment, so the replicas overlap
            return Result(replies=[Reply(f"Đã nhận: {inbound.text}")])

        pipeline = Pipeline(Database(url, **kwargs), handle)

        async def send(user: str, reply: Reply) -> None:
            sent.append(reply.text)

        async def decode(payload: dict) -> Inbound:
            return Inbound(channel="test", user_id=payload["user"], text=payload["text"])

        pipeline.senders.add("test", send)
        pipeline.add("test", decode)
        return pipeline

    first, second = pipeline_for("a"), pipeline_for("b")
    await first.start()
    await second.start()
    try:
        texts = [f"tin {i}" for i in range(12)]
        for i, text in enumerate(texts):
            replica = first if i % 2 == 0 else second
            await replica.dispatcher.receive("test", [IncomingEvent("9", str(i), {"user": "9", "text": text})])
        for _ in range(300):
            if len(sent) == len(texts):
                break
            await asyncio.sleep(0.02)
        await first.idle()
        await second.idle()
        assert [text for _, text in handled] == texts
        assert sent == [f"Đã nhận: {t}" for t in texts]
        counts = await first.intake.counts()
        assert counts == {"inbox.done": len(texts), "outbox.sent": len(texts)}
    finally:
        await first.close()
        await second.close()
