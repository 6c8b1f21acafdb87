"""An anonymous suggestion's whole life, searched for its sender.

After every step every row of every table is dumped, and everything the handlers see (listings, details,
the CSV export, the idea bank, the public list) and every log line (DEBUG) is searched for the sender's
name, phone and channel user id, and every column that refers to a person or an identity for the sender's
ids. They may appear only in the sender's own account rows (person, identity, role grant, conversation),
which in turn must not mention the suggestion; and in the one place the README names: the sealed
``suggestion_sender`` row (which holds none of them readably) and, only while a message to the sender waits
in the outbox, that notice row — wiped once sent."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import asdict
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from bot.app import App
from handlers.domain import Role
from handlers.parsing import fold
from handlers.suggestions.bank import public_suggestions
from handlers.suggestions.reminders import run_suggestion_jobs
from tests.reminder_support import Recorder
from tests.support import Chat, Clock
from tests.test_suggestions import grant, register, send_suggestion

NAME = "Hoàng Thị Kín Đáo"
PHONE = "0915550199"
USER_ID = "7315550199"
CONTENT = "Giảm giấy tờ khi xin nghỉ phép\nĐề nghị xin nghỉ phép qua phần mềm quản lý văn bản, bỏ bản giấy."
# Logs of the database drivers print every statement with its parameters: that is database access, not logging.
SQL_TRACE = ("sqlalchemy", "aiosqlite", "asyncpg")


class OpaqueChat(Chat):
    """Event ids like real platforms' (Telegram update ids): nothing in them names the user."""

    def _event_id(self) -> str:
        return uuid.uuid4().hex


async def dump(app: App) -> dict[str, list[dict[str, Any]]]:
    async with app.database.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        tables = {}
        for name in names:
            if name == "alembic_version":
                continue
            rows = (await conn.execute(text(f'SELECT * FROM "{name}"'))).mappings().all()
            tables[name] = [dict(r) for r in rows]
    return tables


def _refs() -> dict[str, dict[str, str]]:
    """Per table, the columns that refer to a person or an identity, and to which."""
    refs: dict[str, dict[str, str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            for fk in column.foreign_keys:
                target = fk.target_fullname.split(".")[0]
                if target in ("person", "identity"):
                    refs.setdefault(table.name, {})[column.name] = target
    refs.setdefault("person", {})["id"] = "person"
    refs.setdefault("identity", {})["id"] = "identity"
    refs.setdefault("conversation", {})["identity_id"] = "identity"
    return refs


def _numbers(value: Any) -> set[int]:
    """Every integer inside a row, its JSON columns included (a suggestion id kept in conversation state)."""
    if isinstance(value, bool):
        return set()
    if isinstance(value, int):
        return {value}
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _numbers(json.loads(value))
        except ValueError:
            return set()
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    return set()


class Audit:
    def __init__(self, app: App, person_id: int, identity_id: int) -> None:
        self.app = app
        self.ids = {"person": person_id, "identity": identity_id}
        self.words = [fold(NAME), PHONE, USER_ID]
        self.refs = _refs()
        self.code = ""
        self.suggestion_id = -1

    def _own(self, table: str, row: dict[str, Any]) -> bool:
        """The sender's own account: they registered, so these rows name them whatever they send."""
        if table == "person":
            return row["id"] == self.ids["person"]
        if table == "identity":
            return row["id"] == self.ids["identity"]
        if table == "role_grant":
            return row["person_id"] == self.ids["person"]
        if table == "conversation":
            return row["identity_id"] == self.ids["identity"]
        return False

    def _outbox(self, table: str, row: dict[str, Any]) -> bool:
        """A message to the anonymous sender waiting to be sent: the one transient place."""
        return table == "notice" and row["kind"] == "suggestion_anon" and row["status"] in ("pending", "claimed")

    def leaks(self, text_: str) -> list[str]:
        folded = fold(text_)
        return [w for w in self.words if w in folded or w in text_]

    async def check_tables(self, *, outbox_allowed: bool) -> None:
        tables = await dump(self.app)
        assert tables["suggestion_sender"], "the sealed link exists"
        for table, rows in tables.items():
            for row in rows:
                flat = " | ".join(str(v) for v in row.values())
                if self._own(table, row):
                    if self.code:
                        assert self.code not in flat and "nghỉ phép" not in flat, (table, row)
                        state = row.get("state") if table == "conversation" else None
                        assert self.suggestion_id not in _numbers(state), (table, row)
                    continue
                assert not self.leaks(flat), (table, row)
                for column, target in self.refs.get(table, {}).items():
                    if row.get(column) == self.ids[target]:
                        assert outbox_allowed and self._outbox(table, row), (table, column, row)

    def check_shown(self, *texts: str) -> None:
        for shown in texts:
            assert not self.leaks(shown), shown

    def check_logs(self, records: list[logging.LogRecord]) -> None:
        assert records, "logging was captured"
        for record in records:
            message = record.getMessage()
            if record.name.startswith(SQL_TRACE):
                # A statement may name the sender's account (every message loads it) but never together
                # with a suggestion.
                if self.leaks(message):
                    assert "suggestion" not in message and self.code not in message, message
                continue
            assert not self.leaks(message), message


@pytest.fixture
def audit_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    # SQL tracing too (SQLAlchemy keeps it at WARNING unless asked), to check what it may and may not show.
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


async def test_anonymous_sender_is_nowhere(app: App, clock: Clock, audit_logs: pytest.LogCaptureFixture) -> None:
    recorder = Recorder()
    service = app.reminder_service(recorder)  # the app's reminder sources include the suggestion jobs
    sender = OpaqueChat(app.core.handle, user_id=USER_ID)
    secretary = OpaqueChat(app.core.handle, user_id="200")
    head = OpaqueChat(app.core.handle, user_id="300")
    reader = OpaqueChat(app.core.handle, user_id="400")
    await register(sender, NAME, "Quang Trung", phone=PHONE)
    await register(secretary, "Lê Thị Thư", "Bắc Sơn")
    await register(head, "Phạm Văn Trưởng", "Nội vụ")
    await register(reader, "Đỗ Văn Đọc", "Kim Đồng")
    await grant(app, "Lê Thị Thư", Role.SECRETARIAT)
    await grant(app, "Phạm Văn Trưởng", Role.UNIT_HEAD)
    async with app.database.unit_of_work() as store:
        identity = await store.identity("console", USER_ID)
    assert identity.person_id is not None
    audit = Audit(app, identity.person_id, identity.id)

    # Sending, with a file whose name gives the sender away.
    await sender.say("/hienke")
    await sender.press("Cải cách hành chính")
    await sender.say(CONTENT)
    await sender.send_file("Hoang_Thi_Kin_Dao_de_xuat.pdf", b"%PDF-1.4 de xuat")
    await sender.press("Xong")
    await sender.press("Gửi ẩn danh")
    await sender.press("Đồng ý công khai")
    await sender.press("Gửi hiến kế")
    code = sender.text.split("Mã theo dõi: ")[1].split("\n")[0]
    audit.code = code
    audit.suggestion_id = next(r["id"] for r in (await dump(app))["suggestion"] if r["code"] == code)
    await audit.check_tables(outbox_allowed=False)

    # The secretariat: list, detail, the file, the export, forwarding.
    await secretary.say("/xulyhienke")
    listing = secretary.text + " ".join(secretary.options)
    await secretary.press(code)
    detail = secretary.text
    assert "Người gửi: Ẩn danh" in detail and "tep-1.pdf" in detail
    await secretary.press("Xem tệp đính kèm")
    files = [r.document.file_name for r in secretary.replies if r.document is not None]
    assert files == ["tep-1.pdf"]
    await secretary.press("Quay lại danh sách")
    await secretary.press("Xuất danh sách")
    export = next(r.document for r in secretary.replies if r.document is not None).content.decode("utf-8-sig")
    assert code in export
    await secretary.press(code)
    await secretary.press("Chuyển đơn vị trả lời")
    await secretary.press("Phòng Nội vụ")
    audit.check_shown(listing, detail, " ".join(files), export, secretary.text)
    await audit.check_tables(outbox_allowed=True)

    # The unit head answers; the answer reaches the sender through the bot, then the outbox row is wiped.
    await head.say("/xulyhienke")
    await head.press(code)
    audit.check_shown(head.text)
    await head.press("Trả lời")
    await head.say("Từ tháng 5/2026 đơn nghỉ phép được duyệt trên phần mềm quản lý văn bản.")
    await head.press("Gửi trả lời")
    await audit.check_tables(outbox_allowed=True)
    await service.tick()
    answers = recorder.to(USER_ID)
    assert len(answers) == 2 and "Phòng Nội vụ" in answers[0] and "duyệt trên phần mềm" in answers[1]
    async with app.database.unit_of_work() as store:
        await run_suggestion_jobs(store, app.config, clock())
    await audit.check_tables(outbox_allowed=False)

    # The sender follows it up: rating and one clarification.
    await sender.say("/hienke")
    await sender.press(code)
    assert "duyệt trên phần mềm" in sender.text
    await sender.press("Đánh giá câu trả lời")
    await sender.press("5 —")
    await sender.press("Đề nghị làm rõ")
    await sender.say("Có áp dụng cho nghỉ ốm không?")
    await audit.check_tables(outbox_allowed=False)
    await head.say("/xulyhienke")
    await head.press(code)
    audit.check_shown(head.text)
    await head.press("Trả lời đề nghị làm rõ")
    await head.say("Có, áp dụng cho mọi loại nghỉ.")
    await head.press("Gửi trả lời")
    await service.tick()
    assert "mọi loại nghỉ" in recorder.to(USER_ID)[-1]
    await service.tick()  # the planning pass wipes what was sent
    await audit.check_tables(outbox_allowed=False)

    # Overdue reminders (of another suggestion), the idea bank, the public list, a draft for a unit.
    await send_suggestion(reader, content="Đề nghị lắp thêm ghế chờ cho khu vực tiếp dân tầng một.")
    clock.advance(days=30)
    await service.tick()
    assert any("quá hạn" in t for _, user, t in recorder.sent if user == "200")
    await reader.say("/nganhangykien nghi phep")
    bank = reader.text
    assert code in bank
    await reader.press(code)
    bank += reader.text
    async with app.database.unit_of_work() as store:
        public = [asdict(p) for p in await public_suggestions(store, app.config)]
    assert [p["code"] for p in public] == [code]
    await secretary.say("/xulyhienke")
    await secretary.press("gần đây")
    await secretary.press(code)
    await secretary.press("Chuyển thành bản nháp sáng kiến")
    await secretary.press("Phòng Nội vụ")
    await service.tick()
    await service.tick()
    audit.check_shown(bank, str(public), secretary.text, *(t for _, user, t in recorder.sent if user != USER_ID))
    await audit.check_tables(outbox_allowed=False)

    # The sealed row is the only link, and it holds nothing readable.
    tables = await dump(app)
    (sealed,) = tables["suggestion_sender"]
    assert not audit.leaks(str(sealed))
    assert set(sealed) == {"suggestion_id", "nonce", "tag", "seal"}
    audit.check_logs(audit_logs.records)
