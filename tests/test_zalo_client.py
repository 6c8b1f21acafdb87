"""ZaloClient against the fake Zalo API; update parsing and message splitting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.zalo.client import ZaloClient
from bot.zalo.errors import (
    ZaloBadRequest,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRateLimited,
    ZaloServerError,
    ZaloUnauthorized,
)
from bot.zalo.redact import TokenRedactingFilter
from bot.zalo.updates import ZaloUpdate, parse_update, parse_updates, split_text, to_inbound, units
from handlers.types import AttachmentKind
from tests.fakes.zalo_api import FakeZalo

TOKEN = "3141592653:Zq9-SeCrEtToKeN-do-not-leak"


class Sleeps:
    """Stands in for asyncio.sleep: records the delays instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def fake() -> AsyncIterator[FakeZalo]:
    async with FakeZalo(TOKEN) as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(fake: FakeZalo, sleeps: Sleeps) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=sleeps) as zalo:
        yield zalo


def mock_client(handler: Any, sleeps: Sleeps, token: str = TOKEN) -> ZaloClient:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    return ZaloClient(token, base_url="https://bot-api.example", http=http, sleep=sleeps)


def assert_no_token(*texts: str) -> None:
    for text in texts:
        assert TOKEN not in text


# --- client ----------------------------------------------------------------------------------------------


async def test_get_me(client: ZaloClient) -> None:
    me = await client.get_me()
    assert me["account_name"] == "bot.sangkien"


async def test_idle_poll_answers_none(client: ZaloClient, fake: FakeZalo) -> None:
    assert await client.get_updates(timeout=0) is None
    assert [c.status for c in fake.calls] == [408]
    assert fake.rejected == 0


async def test_get_updates_returns_one_update(client: ZaloClient, fake: FakeZalo) -> None:
    message_id = await fake.user_sends_text("u1", "Xin chào")
    update = await client.get_updates(timeout=1)
    assert update is not None
    assert update["event_name"] == "message.text.received"
    assert update["message"]["message_id"] == message_id


async def test_send_message_length_limit(client: ZaloClient, fake: FakeZalo) -> None:
    await client.send_message("u1", "x" * 2000)
    with pytest.raises(ValueError):
        await client.send_message("u1", "x" * 2001)
    with pytest.raises(ValueError):
        await client.send_message("u1", "")
    assert fake.sent_to("u1") == ["x" * 2000]
    assert len(fake.calls_to("sendMessage")) == 1


async def test_fake_refuses_over_long_text_even_if_a_client_sends_it(fake: FakeZalo) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(f"{fake.base_url}/bot{TOKEN}/sendMessage", json={"chat_id": "u1", "text": ""})
    assert answer.status_code == 400
    assert fake.sent_to("u1") == []
    assert fake.rejected == 1


async def test_429_is_retried_then_succeeds(fake: FakeZalo, client: ZaloClient, sleeps: Sleeps) -> None:
    fake.fail_next = [429]
    await client.send_message("u1", "chào")
    assert fake.sent_to("u1") == ["chào"]
    assert sleeps.delays == [0.5]


async def test_server_errors_are_retried_with_exponential_backoff(
    fake: FakeZalo, client: ZaloClient, sleeps: Sleeps
) -> None:
    fake.fail_next = [500, 500]
    await client.send_message("u1", "chào")
    assert fake.sent_to("u1") == ["chào"]
    assert sleeps.delays == [0.5, 1.0]


async def test_server_errors_surface_after_retries(fake: FakeZalo, sleeps: Sleeps) -> None:
    fake.fail_next = [502] * 10
    async with ZaloClient(TOKEN, base_url=fake.base_url, sleep=sleeps, max_retries=2) as client:
        with pytest.raises(ZaloServerError) as caught:
            await client.get_me()
    assert caught.value.code == 502
    assert len(fake.calls) == 3


async def test_retry_after_is_honoured(sleeps: Sleeps) -> None:
    answers = [
        httpx.Response(429, json={"ok": False, "error_code": 429, "parameters": {"retry_after": 3}}),
        httpx.Response(200, json={"ok": True, "result": {"message_id": "m1"}}),
    ]
    client = mock_client(lambda request: answers.pop(0), sleeps)
    assert await client.send_message("u1", "chào") == {"message_id": "m1"}
    assert sleeps.delays == [3.0]


async def test_401_raises_at_once_and_never_leaks_the_token(
    fake: FakeZalo, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # Other adapters quieten httpx process-wide; this test wants its request line, to check the masking.
    caplog.set_level(logging.DEBUG, logger="httpx")
    fake.token = "the-right-token-is-another-one"
    client = ZaloClient(TOKEN, base_url=fake.base_url, sleep=sleeps)
    with pytest.raises(ZaloUnauthorized) as caught:
        await client.send_message("u1", "chào")
    await client.aclose()

    assert len(fake.calls) == 1 and sleeps.delays == []
    err = caught.value
    assert err.code == 401
    assert_no_token(str(err), repr(err), repr(err.args), repr(client), caplog.text)
    for record in caplog.records:
        assert_no_token(record.getMessage(), record.exc_text or "")
    # httpx did log the request line, with the token masked.
    assert any(r.name == "httpx" and "bot***/sendMessage" in r.getMessage() for r in caplog.records)


async def test_network_errors_are_retried_and_redacted(sleeps: Sleeps, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"cannot reach {request.url}", request=request)

    client = mock_client(refuse, sleeps)
    with pytest.raises(ZaloNetworkError) as caught:
        await client.get_me()
    assert sleeps.delays == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert "cannot reach" in str(caught.value)
    assert_no_token(str(caught.value), repr(caught.value), caplog.text)


async def test_monthly_quota_surfaces_as_rate_limited(sleeps: Sleeps) -> None:
    async with (
        FakeZalo(TOKEN, monthly_quota=2) as fake,
        ZaloClient(TOKEN, base_url=fake.base_url, sleep=sleeps, max_retries=3) as client,
    ):
        await client.send_message("u1", "một")
        await client.send_message("u1", "hai")
        with pytest.raises(ZaloRateLimited) as caught:
            await client.send_message("u1", "ba")
    assert caught.value.code == 429
    assert fake.sent_to("u1") == ["một", "hai"]
    assert len(fake.calls_to("sendMessage")) == 2 + 4
    assert sleeps.delays == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(("status", "error"), [(403, ZaloForbidden), (400, ZaloBadRequest), (404, ZaloBadRequest)])
async def test_client_errors_raise_at_once(
    fake: FakeZalo, client: ZaloClient, sleeps: Sleeps, status: int, error: type[Exception]
) -> None:
    fake.fail_next = [status]
    with pytest.raises(error):
        await client.send_message("u1", "chào")
    assert sleeps.delays == []


async def test_webhook_methods(client: ZaloClient, fake: FakeZalo) -> None:
    await client.set_webhook("https://example.org/zalo", "s3cret-s3cret")
    assert (await client.get_webhook_info())["url"] == "https://example.org/zalo"
    with pytest.raises(ZaloError) as caught:
        await client.get_updates(timeout=0)
    assert caught.value.code == 409  # the fake's choice: polling while a webhook is set is a conflict
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""


async def test_photo_and_chat_action(client: ZaloClient, fake: FakeZalo) -> None:
    await client.send_chat_action("u1", "typing")
    await client.send_photo("u1", "https://example.org/a.png", caption="Ảnh")
    assert fake.photos["u1"] == [("https://example.org/a.png", "Ảnh")]


def test_repr_and_filter_hide_the_token() -> None:
    client = ZaloClient(TOKEN, base_url="https://bot-api.example")
    assert_no_token(repr(client), str(client))
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, "GET %s %d", (f"/bot{TOKEN}/getMe", 200), None)
    TokenRedactingFilter([TOKEN]).filter(record)
    assert record.getMessage() == "GET /bot***/getMe 200"


# --- split_text ------------------------------------------------------------------------------------------


def test_split_long_reply_at_line_boundaries() -> None:
    lines = [f"{i}. Sáng kiến cải tiến quy trình tiếp nhận hồ sơ số {i} " + "x" * (i % 70) for i in range(80)]
    text = "\n".join(lines)
    assert len(text) > 5000
    chunks = split_text(text)
    assert len(chunks) >= 3
    assert all(0 < len(c) <= 2000 for c in chunks)
    assert "\n".join(chunks) == text
    # Splits fall between lines: every chunk is made of whole lines.
    assert all(set(c.split("\n")) <= set(lines) for c in chunks)


def test_split_one_long_line_at_word_boundaries() -> None:
    line = " ".join(f"từ{i}" for i in range(1200))[:4500]
    chunks = split_text(line)
    assert len(chunks) == 3
    assert all(0 < len(c) <= 2000 for c in chunks)
    assert "".join(chunks) == line
    assert all(c.endswith(" ") for c in chunks[:-1])


def test_split_one_long_word_hard() -> None:
    assert [len(c) for c in split_text("x" * 4500)] == [2000, 2000, 500]


def test_split_never_yields_blank_chunks() -> None:
    assert split_text("") == []
    assert split_text("\n\n  \n") == []
    assert split_text("a" * 2000 + "\n\n" + "b" * 2000) == ["a" * 2000, "b" * 2000]
    assert split_text("ngắn") == ["ngắn"]


# --- parse_update / to_inbound ---------------------------------------------------------------------------


def update_body(event: str = "message.text.received", **message: Any) -> dict[str, Any]:
    return {
        "event_name": event,
        "message": {
            "message_id": "mid-1",
            "date": 1750316131602,
            "chat": {"id": "u1", "chat_type": "PRIVATE"},
            "from": {"id": "u1", "display_name": "Trần Thị B", "is_bot": False},
            **message,
        },
    }


def test_parse_update_wrapped_and_bare() -> None:
    bare = update_body(text="Xin chào")
    expected = ZaloUpdate(
        event_name="message.text.received",
        message_id="mid-1",
        chat_id="u1",
        chat_type="PRIVATE",
        user_id="u1",
        display_name="Trần Thị B",
        date_ms=1750316131602,
        text="Xin chào",
    )
    assert parse_update(bare) == expected
    assert parse_update({"ok": True, "result": bare}) == expected


@pytest.mark.parametrize(
    "body",
    [
        None,
        "text",
        [],
        {},
        {"ok": False, "error_code": 408, "description": "Request timeout"},
        {"ok": True, "result": None},
        {"ok": True, "result": []},
        {"event_name": "message.text.received"},
        {"event_name": "message.text.received", "message": "x"},
        update_body(chat=None),
        update_body(**{"from": {"display_name": "no id"}}),
        update_body(message_id=""),
    ],
)
def test_parse_update_rejects_malformed(body: Any) -> None:
    assert parse_update(body) is None


def test_to_inbound_kinds() -> None:
    def inbound(body: dict[str, Any]) -> Any:
        update = parse_update(body)
        assert update is not None
        return to_inbound(update)

    text = inbound(update_body(text="Xin chào"))
    # The sender is part of the event id: two users can never shadow each other's events.
    assert (text.channel, text.user_id, text.text, text.event_id) == ("zalo", "u1", "Xin chào", "u1:mid-1")
    assert text.display_name == "Trần Thị B"

    image = inbound(update_body("message.image.received", photo_url="https://p/1.jpg", caption="Ảnh"))
    assert image.attachment.kind is AttachmentKind.PHOTO
    assert image.attachment.url == "https://p/1.jpg"
    assert image.text == "Ảnh"

    assert inbound(update_body("message.sticker.received")).attachment.kind is AttachmentKind.STICKER
    assert inbound(update_body("message.unsupported.received")).attachment.kind is AttachmentKind.OTHER

    group = update_body(text="hi")
    group["message"]["chat"]["chat_type"] = "GROUP"
    assert inbound(group) is None
    bot = update_body(text="hi")
    bot["message"]["from"]["is_bot"] = True
    assert inbound(bot) is None


def test_split_counts_utf16_units() -> None:
    # An emoji is one character but two UTF-16 units, as Zalo counts: 1,500 of them make two messages.
    assert split_text("😀" * 1500) == ["😀" * 1000, "😀" * 500]
    assert units("😀") == 2 and units("ắ") == 1
    line = "Chúc mừng 🎉 " * 400
    chunks = split_text(line)
    assert len(chunks) == 3 and all(units(c) <= 2000 for c in chunks)
    assert "".join(chunks) == line


@pytest.mark.parametrize(
    ("body", "count"),
    [
        ({"ok": True, "result": update_body(text="một")}, 1),
        ({"ok": True, "result": [update_body(text="một"), update_body(text="hai")]}, 2),
        ([update_body(text="một")], 1),
        (update_body(text="trần"), 1),
        ({"ok": True, "result": []}, 0),
        (None, 0),
    ],
)
def test_parse_updates_takes_one_update_or_a_list(body: Any, count: int) -> None:
    updates = parse_updates(body)
    assert len(updates) == count
    assert all(parse_update(u) is not None for u in updates)


def test_event_name_is_inferred_when_missing_or_not_a_name() -> None:
    def parsed(event: Any, **message: Any) -> ZaloUpdate:
        body = update_body(**message)
        if event is None:
            del body["event_name"]
        else:
            body["event_name"] = event
        update = parse_update(body)
        assert update is not None
        return update

    assert parsed(None, text="Xin chào").event_name == "message.text.received"
    assert parsed("", photo="https://p/2.jpg").event_name == "message.image.received"
    assert parsed(5, sticker="abc").event_name == "message.sticker.received"
    assert parsed(None).event_name == "message.unsupported.received"


def test_photo_is_taken_from_photo_or_photo_url() -> None:
    for field in ("photo_url", "photo"):
        update = parse_update(update_body("message.image.received", **{field: "https://p/3.jpg"}))
        assert update is not None and update.photo_url == "https://p/3.jpg"
        inbound = to_inbound(update)
        assert inbound is not None and inbound.attachment is not None
        assert (inbound.attachment.kind, inbound.attachment.url) == (AttachmentKind.PHOTO, "https://p/3.jpg")


def test_to_inbound_cleans_text_and_name() -> None:
    body = update_body(text="a\x00b\u202ec\ud800d\r\ne")
    body["message"]["from"]["display_name"] = "Trần\u2067 B"
    update = parse_update(body)
    assert update is not None
    inbound = to_inbound(update)
    assert inbound is not None and (inbound.text, inbound.display_name) == ("abcd\ne", "Trần B")
