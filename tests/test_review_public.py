"""The public listing: the web page, the public spreadsheet and the Telegram channel post show recognised
initiatives only, never the confidential part, never a state or business secret; and the page in a phone-sized
headless Chromium."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App
from bot.public_page import public_routes
from bot.runner import Runtime, run_channels
from bot.senders import Senders
from bot.settings import Settings
from bot.telegram_channel import TelegramChannel
from handlers.domain import Person, Role
from scheduler.sweeper import Sweeper
from storage.models import IdentityRow, NoticeRow
from storage.notices import SqlNoticeQueue
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.zalo_api import FakeZalo
from tests.review_support import accept, application, person, publish_round, scored, submit
from tests.support import Clock

CHANNEL_ID = "-1001234567890"
ZALO_TOKEN = "zalo-public-page-token-0123"
BASE_URL = "https://sangkien.example.vn"
CONFIDENTIAL = "Danh sách 45 học sinh có hoàn cảnh khó khăn tại lớp 9A3 và số điện thoại phụ huynh"
PUBLIC_TITLE = "Sổ tay điện tử & nhật ký lớp học cho giáo viên chủ nhiệm"
STATE_SECRET = "Hệ thống liên lạc mã hóa của Ban Chỉ huy quân sự"
BUSINESS_SECRET = "Công thức phân bón hữu cơ vi sinh của Hợp tác xã"
NOT_RECOGNISED = "Sáng kiến chưa đạt yêu cầu về hiệu quả"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture
async def public_app(settings: Settings, database_url: tuple[str, dict], clock: Clock) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "public_page": True,
            "public_base_url": BASE_URL,
            "telegram_public_channel_id": CHANNEL_ID,
            "document_link_secret": SecretStr("khoa-bi-mat-cua-duong-dan-tai-lieu"),
        }
    )
    application_ = App(configured, clock=clock, engine_kwargs=database_url[1])
    await application_.prepare()
    yield application_
    await application_.close()


async def published(app: App, clock: Clock) -> dict[str, Person]:
    """Four initiatives scored and published: one public (its confidential part repeated in its description),
    one state secret, one business secret, one not recognised."""
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    m1 = await person(app, "Đỗ Minh Châu", "P-NV", user_id="c1", roles=(Role.COUNCIL,))
    m2 = await person(app, "Vũ Thị Dung", "P-NV", user_id="c2", roles=(Role.COUNCIL,))
    author = await person(app, "Nguyễn Thị Ánh", "THCS-QT", user_id="a1")
    other = await person(app, "Phạm Quốc Dũng", "TH-KD", user_id="a2")
    content = f"Mỗi giáo viên ghi nhật ký trên điện thoại. {CONFIDENTIAL}. Phụ huynh xem kết quả hằng tuần."
    cases = [
        (author, PUBLIC_TITLE, {"confidential": CONFIDENTIAL, "content": content}, (28, 28, 38)),
        (other, STATE_SECRET, {"secrecy": "state"}, (27, 27, 36)),
        (other, BUSINESS_SECRET, {"secrecy": "business"}, (26, 26, 35)),
        (author, NOT_RECOGNISED, {}, (10, 10, 15)),
    ]
    for who, title, extra, points in cases:
        unit = "Trường THCS Quang Trung" if who is author else "Trường Tiểu học Kim Đồng"
        initiative = await submit(app, clock, who, application(who, unit, title, **extra))
        initiative = await accept(app, clock, initiative, secretary)
        await scored(app, clock, initiative, {m1: points, m2: points})
    await publish_round(app, "sec")
    return {"author": author, "other": other}


def leaks(text: str) -> list[str]:
    return [s for s in (CONFIDENTIAL, "9A3", STATE_SECRET, BUSINESS_SECRET, NOT_RECOGNISED) if s in text]


async def client_for(app: App) -> TestClient:
    web_app = web.Application()
    for path, handler in public_routes(app):
        web_app.router.add_get(path, handler)
    client = TestClient(TestServer(web_app))
    await client.start_server()
    return client


async def test_public_page_export_and_channel_show_only_what_may_be_public(public_app: App, clock: Clock) -> None:
    await published(public_app, clock)
    client = await client_for(public_app)
    try:
        page = await client.get("/")
        assert page.status == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
        html = await page.text()
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert '<html lang="vi">' in html
        assert "Sổ tay điện tử &amp; nhật ký lớp học cho giáo viên chủ nhiệm" in html
        assert "Nguyễn Thị Ánh" in html and "Trường THCS Quang Trung" in html and "Giáo dục và đào tạo" in html
        assert "Loại A" in html and "Mỗi giáo viên ghi nhật ký trên điện thoại" in html
        assert leaks(html) == []
        assert "http://" not in html.replace('href="/', "") and "https://" not in html  # no external assets

        detail = await client.get("/sang-kien/sk-2026-0001")
        assert detail.status == 200
        detail_html = await detail.text()
        assert "Phụ huynh xem kết quả hằng tuần" in detail_html and leaks(detail_html) == []
        for hidden in ("SK-2026-0002", "SK-2026-0003", "SK-2026-0004", "SK-2099-0001"):
            response = await client.get(f"/sang-kien/{hidden}")
            assert response.status == 404
            assert leaks(await response.text()) == []

        export = await client.get("/danh-sach.xlsx")
        assert export.status == 200
        book = load_workbook(io.BytesIO(await export.read()))
        cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
        assert PUBLIC_TITLE in cells and "Nguyễn Thị Ánh" in cells
        assert leaks(" ".join(cells)) == []
    finally:
        await client.close()

    async with public_app.database.unit_of_work() as store:
        posts = (await store.session.execute(select(NoticeRow).where(NoticeRow.kind == "public:post"))).scalars().all()
        channel = (
            await store.session.execute(select(IdentityRow).where(IdentityRow.external_id == CHANNEL_ID))
        ).scalar_one()
    assert len(posts) == 1 and posts[0].identity_id == channel.id and channel.channel == "telegram"
    assert PUBLIC_TITLE in posts[0].text and f"{BASE_URL}/sang-kien/SK-2026-0001" in posts[0].text
    assert leaks(posts[0].text) == []

    # The sweeper posts it through the Telegram adapter, once.
    async with FakeTelegram() as telegram:
        adapter = TelegramChannel(telegram.token, _no_receive, base_url=telegram.base_url)
        await adapter.initialize()
        try:
            sweeper = Sweeper(
                SqlNoticeQueue(public_app.database),
                public_app.database.unit_of_work,
                Senders().telegram(adapter),
                clock,
            )
            await sweeper.sweep()
            await sweeper.sweep()
        finally:
            await adapter.stop()
        sent = telegram.sent_to(CHANNEL_ID)
    assert len(sent) == 1 and PUBLIC_TITLE in (sent[0].text or "") and leaks(sent[0].text or "") == []


async def _no_receive(channel: str, events: object) -> int:
    raise AssertionError("nothing is received in this test")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install -y chromium); .ci/run installs it when it can",
)
async def test_public_page_on_a_phone_in_headless_chromium(public_app: App, clock: Clock, tmp_path: Path) -> None:
    await published(public_app, clock)
    web_app = web.Application()
    for path, handler in public_routes(public_app):
        web_app.router.add_get(path, handler)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    shot = tmp_path / "public-page-390x844.png"
    base = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=390,844"]
    try:
        dom = await _run([*base, "--dump-dom", f"http://127.0.0.1:{port}/"])
        await _run([*base, f"--screenshot={shot}", f"http://127.0.0.1:{port}/"])
        detail = await _run([*base, "--dump-dom", f"http://127.0.0.1:{port}/sang-kien/SK-2026-0001"])
    finally:
        await runner.cleanup()
    # Chromium decoded the page as UTF-8: the Vietnamese comes back intact from its DOM.
    assert "Sổ tay điện tử &amp; nhật ký lớp học cho giáo viên chủ nhiệm" in dom
    assert "Sáng kiến được công nhận" in dom and "Trường THCS Quang Trung" in dom
    assert leaks(dom) == [] and leaks(detail) == []
    # Phone-ready without JavaScript: a device-width viewport, fluid column, long words wrap, no fixed widths
    # wider than the phone, no external stylesheet, font or script.
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in dom
    assert "max-width:760px" in dom and "width:100%" in dom and "overflow-wrap:anywhere" in dom
    assert "<script" not in dom and "<link" not in dom
    widths = [int(w) for w in re.findall(r"(?<![-\w])width:(\d+)px", dom)]
    assert all(w <= 390 for w in widths)
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png[16:20], "big") == 390 and int.from_bytes(png[20:24], "big") == 844
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / shot.name)  # for a person to look at


async def _run(args: list[str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=90)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode("utf-8")


async def test_the_bot_serves_the_public_page_without_any_webhook(
    settings: Settings, database_url: tuple[str, dict], clock: Clock
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with FakeZalo(ZALO_TOKEN) as zalo:  # a channel that polls: no webhook needs the HTTP server
        configured = settings.model_copy(
            update={
                "public_page": True,
                "http_host": "127.0.0.1",
                "http_port": port,
                "zalo_bot_token": SecretStr(ZALO_TOKEN),
                "zalo_api_base_url": zalo.base_url,
            }
        )
        app = App(configured, clock=clock, engine_kwargs=database_url[1])
        await app.prepare()
        runtime = Runtime()
        task = asyncio.create_task(run_channels(app, ["zalo"], runtime))
        try:
            await _public_page_is_served(port)
        finally:
            runtime.stop.set()
            await asyncio.wait_for(task, timeout=15)
            await app.close()
        assert zalo.calls_to("getUpdates") or zalo.calls_to("deleteWebhook")  # it did poll


async def _public_page_is_served(port: int) -> None:
    async with ClientSession() as session:
        for _ in range(100):
            try:
                async with session.get(f"http://127.0.0.1:{port}/") as response:
                    page = await response.text()
                    break
            except OSError:
                await asyncio.sleep(0.05)
        else:
            raise AssertionError("the HTTP server did not start")
    assert response.status == 200 and "Chưa có sáng kiến nào được công bố." in page
