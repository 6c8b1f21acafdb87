"""The public page as a portal visitor uses it: the national header and issuing body, search with or without
diacritics, filters by year, unit, field and class, numbered pages, a permanent detail page with the public parts
of the application and the recognition decision, the contact in the footer — over HTTP, in headless Chromium at
390×844 and 1280×900 (screenshots under test-artifacts/), and from `python -m bot` with no channel token."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientSession, web
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.public_page import public_routes
from bot.settings import Settings
from handlers.domain import Role
from tests.review_support import accept, application, person, publish_round, scored, submit
from tests.support import Clock

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ISSUER = "Ủy ban nhân dân thành phố Tam Điệp"
CONTACT = "Phòng Kinh tế, 01 Quang Trung, Tam Điệp | Điện thoại: 0229 3864 123 | Thư điện tử: kinhte@tamdiep.vn"
SECRET = "Mật khẩu máy chủ: TamDiep@2026"
CONTENT = "Bước 1: lập danh sách học sinh.\nBước 2: in mã QR cho từng em.\nBước 3: phụ huynh quét mã xem điểm."
# title, unit, field, points (each of two members): classes A, A, B, C, certificate, certificate
CASES = [
    ("Số hóa sổ liên lạc bằng mã QR", "THCS-QT", "education", (28, 28, 38)),
    ("Một cửa điện tử tiếp nhận hồ sơ học sinh", "TH-KD", "admin_reform", (27, 27, 37)),
    ("Thư viện sách nói cho học sinh khiếm thị", "THCS-QT", "education", (22, 22, 30)),
    ("Bảng tin điện tử ở sân trường", "TH-KD", "digital", (19, 19, 25)),
    ("Sổ theo dõi thiết bị dạy học trên bảng tính", "THCS-QT", "digital", (16, 16, 22)),
    ("Lịch trực nhật tự động", "TH-KD", "education", (15, 16, 21)),
]
UNIT_NAMES = {"THCS-QT": "Trường THCS Quang Trung", "TH-KD": "Trường Tiểu học Kim Đồng"}


@pytest.fixture
async def portal(settings: Settings, database_url: tuple[str, dict], clock: Clock) -> AsyncIterator[App]:
    configured = settings.model_copy(
        update={
            "public_page": True,
            "public_base_url": "https://sangkien.tamdiep.vn",
            "public_issuer": ISSUER,
            "public_contact": CONTACT,
            "public_page_size": 4,
        }
    )
    app = App(configured, clock=clock, engine_kwargs=database_url[1])
    await app.prepare()
    await published(app, clock)
    yield app
    await app.close()


async def published(app: App, clock: Clock) -> None:
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    members = [await person(app, f"Thành viên {k}", "P-NV", user_id=f"m{k}", roles=(Role.COUNCIL,)) for k in (1, 2)]
    authors = {
        "THCS-QT": await person(app, "Nguyễn Thị Ánh", "THCS-QT", user_id="a1"),
        "TH-KD": await person(app, "Phạm Quốc Dũng", "TH-KD", user_id="a2"),
    }
    for title, unit, field, points in CASES:
        who = authors[unit]
        extra: dict = {"field": field}
        if title.startswith("Số hóa"):
            extra |= {"content": CONTENT + "\n" + SECRET, "confidential": SECRET}
            extra |= {"scope": "Đã áp dụng tại khối 6, 7.\nCó thể nhân rộng cho các trường THCS trong tỉnh."}
            extra |= {"benefit_author": "Giảm 70% thời gian tra cứu điểm.\nPhụ huynh nắm kết quả kịp thời."}
        initiative = await submit(app, clock, who, application(who, UNIT_NAMES[unit], title, **extra))
        initiative = await accept(app, clock, initiative, secretary)
        sheets = {members[0]: points, members[1]: points}
        await scored(app, clock, initiative, sheets)
    sec = await publish_round(app, "sec")
    await sec.say("/quyetdinh 1 125/QĐ-UBND 20/05/2026")
    assert "Đã ghi quyết định" in sec.text, sec.text


async def client_for(app: App) -> TestClient:
    web_app = web.Application()
    for path, handler in public_routes(app):
        web_app.router.add_get(path, handler)
    client = TestClient(TestServer(web_app))
    await client.start_server()
    return client


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/sang-kien/[^"]+">([^<]+)</a></h3>', html)


async def test_search_filters_paging_and_detail_over_http(portal: App) -> None:
    client = await client_for(portal)
    try:

        async def get(url: str) -> str:
            response = await client.get(url)
            assert response.status == 200, url
            return await response.text()

        home = await get("/")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in home and "Độc lập - Tự do - Hạnh phúc" in home
        assert ISSUER in home and "Điện thoại: 0229 3864 123" in home and "kinhte@tamdiep.vn" in home
        assert "Tìm thấy 6 sáng kiến — trang 1/2" in home
        assert titles(home) == [c[0] for c in CASES[:4]]  # best class and score first
        assert "Số biên nhận" in home and "Số hồ sơ" not in home
        assert "Quyết định công nhận:</b> Số 125/QĐ-UBND ngày 20/05/2026" in home
        assert '<a href="/?trang=2" rel="next">' in home and 'aria-current="page">1<' in home
        assert titles(await get("/?trang=2")) == [c[0] for c in CASES[4:]]
        assert titles(await get("/?trang=99")) == [c[0] for c in CASES[4:]]  # past the end: the last page

        # Search with or without diacritics, several words, receipt numbers.
        assert titles(await get("/?q=so+hoa+ma+qr")) == ["Số hóa sổ liên lạc bằng mã QR"]
        assert titles(await get("/?q=Sổ+liên+lạc")) == ["Số hóa sổ liên lạc bằng mã QR"]
        assert titles(await get("/?q=khiem+thi")) == ["Thư viện sách nói cho học sinh khiếm thị"]
        assert titles(await get("/?q=sk-2026-0002")) == ["Một cửa điện tử tiếp nhận hồ sơ học sinh"]
        assert titles(await get("/?q=pham+quoc+dung")) == [c[0] for c in CASES if c[1] == "TH-KD"]
        nothing = await get("/?q=tau+vu+tru")
        assert "Không tìm thấy sáng kiến phù hợp" in nothing and titles(nothing) == []
        assert titles(await get(f"/?q={SECRET.split(':')[1].strip()}")) == []  # the confidential part is not searched

        # Filters: year, unit, field, class — and combined with search, keeping the other parameters when paging.
        assert len(titles(await get("/?nam=2026"))) == 4 and titles(await get("/?nam=2025")) == []
        quang_trung = await get("/?donvi=Trường+THCS+Quang+Trung")
        assert titles(quang_trung) == [c[0] for c in CASES if c[1] == "THCS-QT"]
        assert '<option value="Trường THCS Quang Trung" selected>' in quang_trung
        assert titles(await get("/?linhvuc=Chuyển+đổi+số")) == [c[0] for c in CASES if c[2] == "digital"]
        assert titles(await get("/?loai=a")) == [c[0] for c in CASES[:2]]
        assert titles(await get("/?loai=GCN")) == [c[0] for c in CASES[4:]]
        assert titles(await get("/?loai=B&donvi=Trường+THCS+Quang+Trung")) == [CASES[2][0]]
        assert titles(await get("/?loai=B&donvi=Trường+Tiểu+học+Kim+Đồng")) == []
        education = await get("/?linhvuc=Giáo+dục+và+đào+tạo")
        assert "Tìm thấy 3 sáng kiến" in education and "Xóa bộ lọc" in education

        # The detail page: permanent address, the public parts with their line breaks, the decision.
        detail = await get("/sang-kien/SK-2026-0001")
        assert "<h1>Số hóa sổ liên lạc bằng mã QR</h1>" in detail
        assert "Bước 1: lập danh sách học sinh.\nBước 2: in mã QR cho từng em." in detail
        assert "Đã áp dụng tại khối 6, 7.\nCó thể nhân rộng" in detail
        assert "Giảm 70% thời gian tra cứu điểm.\nPhụ huynh nắm kết quả kịp thời." in detail
        assert "<dt>Quyết định công nhận</dt><dd>Số 125/QĐ-UBND ngày 20/05/2026</dd>" in detail
        assert "<dt>Xếp loại</dt><dd>Loại A</dd>" in detail and "<dt>Số biên nhận</dt><dd>SK-2026-0001</dd>" in detail
        assert "https://sangkien.tamdiep.vn/sang-kien/SK-2026-0001" in detail
        assert "TamDiep@2026" not in detail and "TamDiep@2026" not in home
        assert (await client.get("/sang-kien/sk-2026-0001")).status == 200
        assert (await client.get("/sang-kien/SK-2026-0099")).status == 404

        # Nothing from elsewhere; accessible and printable.
        for page in (home, detail):
            assert "<script" not in page and "<link" not in page and "@import" not in page
            assert not re.search(r"(src|href)=\"(https?:)?//", page) and "url(" not in page
            assert '<html lang="vi">' in page and 'href="#noi-dung"' in page and '<main id="noi-dung"' in page
            assert "@media print" in page and "@page{size:A4" in page
        assert '<label for="q">' in home and '<label for="donvi">' in home and 'role="search"' in home
        response = await client.get("/")
        assert "script-src" not in response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    finally:
        await client.close()


async def _run(args: list[str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode == 0, err.decode(errors="replace")[-2000:]
    return out.decode("utf-8")


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (Debian: apt-get install -y chromium); .ci/run installs it when it can",
)
async def test_the_portal_in_headless_chromium_on_a_phone_and_a_desktop(portal: App, tmp_path: Path) -> None:
    web_app = web.Application()
    for path, handler in public_routes(portal):
        web_app.router.add_get(path, handler)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    flags += ["--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}"]
    pages = {
        "list": "/",
        "search": "/?q=so+hoa",
        "filter": "/?donvi=Trường+Tiểu+học+Kim+Đồng&loai=A",
        "page2": "/?trang=2",
        "detail": "/sang-kien/SK-2026-0001",
    }
    doms: dict[str, str] = {}
    shots: list[Path] = []
    try:
        for width, height in ((390, 844), (1280, 900)):
            size = [f"--window-size={width},{height}"]
            for name, path in pages.items():
                if width == 390 or name in ("list", "detail"):
                    doms[f"{name}-{width}"] = await _run([CHROMIUM, *flags, *size, "--dump-dom", base + path])
                shot = tmp_path / f"public-{name}-{width}x{height}.png"
                await _run([CHROMIUM, *flags, *size, f"--screenshot={shot}", base + path])
                shots.append(shot)
        # Printed (print CSS): A4, without the search form or the pager.
        printed = tmp_path / "public-list-print.pdf"
        await _run([CHROMIUM, *flags, "--no-pdf-header-footer", f"--print-to-pdf={printed}", base + "/"])
    finally:
        await runner.cleanup()
    if shutil.which("pdftotext"):
        text = (await _run(["pdftotext", "-layout", str(printed), "-"])).replace("\n", " ")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and CASES[0][0] in text
        assert "Tra cứu sáng kiến" not in text and "Trang sau" not in text and "Tìm kiếm" not in text
    assert printed.read_bytes()[:5] == b"%PDF-"
    assert titles(doms["list-390"]) == [c[0] for c in CASES[:4]]
    assert "Tìm thấy 6 sáng kiến — trang 1/2" in doms["list-1280"]
    assert titles(doms["search-390"]) == ["Số hóa sổ liên lạc bằng mã QR"]
    assert titles(doms["filter-390"]) == ["Một cửa điện tử tiếp nhận hồ sơ học sinh"]
    assert titles(doms["page2-390"]) == [c[0] for c in CASES[4:]]
    detail = doms["detail-390"]
    assert "Bước 1: lập danh sách học sinh.\nBước 2: in mã QR cho từng em." in detail
    assert "Số 125/QĐ-UBND ngày 20/05/2026" in detail and "TamDiep@2026" not in detail
    assert ISSUER in detail and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in detail
    ARTIFACTS.mkdir(exist_ok=True)
    for shot in shots:
        png = shot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert f"{width}x{height}" in shot.name
        shutil.copyfile(shot, ARTIFACTS / shot.name)  # for a person to look at
    shutil.copyfile(printed, ARTIFACTS / printed.name)


async def test_python_m_bot_serves_the_page_with_no_channel_token(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN")}
    env |= {
        "PUBLIC_PAGE": "true",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_PORT": str(port),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "FILE_STORE_DIR": str(tmp_path / "files"),
        "PUBLIC_ISSUER": ISSUER,
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKEN": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdin=asyncio.subprocess.DEVNULL,  # as a service: the end of stdin ends the console, not the server
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        async with ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as health:
                        ok = await health.text()
                    async with session.get(f"http://127.0.0.1:{port}/") as front:
                        page = await front.text()
                    break
                except OSError:
                    await asyncio.sleep(0.1)
            else:
                raise AssertionError("the HTTP server did not start")
        assert ok == "ok" and front.status == 200
        assert ISSUER in page and "Chưa có sáng kiến nào được công bố." in page
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    log = out.decode(errors="replace")
    assert f"HTTP server listening on 127.0.0.1:{port}" in log, log
