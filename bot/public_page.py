"""The public web page of recognised initiatives and the signed document downloads, as aiohttp routes on the
bot's own HTTP server (bot/runner.py).

GET /                      the list, newest year first (mobile-first HTML, no external assets)
GET /sang-kien/{receipt}   one initiative
GET /danh-sach.xlsx        the same list as a spreadsheet
GET /tai-lieu/{token}      a document behind an expiring HMAC-signed link (what Zalo users get instead of a file)

What is shown comes only from handlers.flows.review_public: recognised, not secret, never the confidential part."""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.settings import Settings
from documents.sheets import XLSX_MIME
from handlers.flows.review_documents import DOWNLOAD_PATH, make, public_list
from handlers.flows.review_public import PublicRecord, public_records
from handlers.flows.review_rules import ReviewConfig, verify_link
from handlers.parsing import format_date

if TYPE_CHECKING:
    from bot.app import App

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SITE_TITLE = "Sáng kiến được công nhận"
SITE_LEAD = (
    "Danh sách công khai các sáng kiến đã được Hội đồng Sáng kiến công nhận. Sáng kiến thuộc bí mật nhà nước, "
    "bí mật kinh doanh và các thông tin cần bảo mật không được đăng."
)
EMPTY = "Chưa có sáng kiến nào được công bố."
NOT_FOUND = "Không tìm thấy sáng kiến này trong danh sách công khai."
BAD_LINK = "Đường dẫn tải tài liệu không hợp lệ hoặc đã hết hạn. Anh/Chị vui lòng yêu cầu lại trong bot."
DOWNLOAD_XLSX = "Tải danh sách (Excel)"
BACK = "← Tất cả sáng kiến"
YEAR_HEADING = "Năm {year}"
COUNT = "{n} sáng kiến"
LABEL_AUTHORS = "Tác giả"
LABEL_UNIT = "Đơn vị"
LABEL_FIELD = "Lĩnh vực"
LABEL_TYPE = "Loại giải pháp"
LABEL_RECEIPT = "Số hồ sơ"
LABEL_PUBLISHED = "Công bố ngày"
LABEL_SUMMARY = "Tóm tắt"
MORE = "Xem chi tiết"

# Mobile first: one column, fluid width, long words wrap; wider screens only get a wider column.
STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;
font-size:16px;line-height:1.55;color:#1d232a;background:#f4f5f7;overflow-wrap:anywhere;word-break:break-word}
header{background:#9b1c1c;color:#fff;padding:18px 16px}
header h1{margin:0;font-size:1.3rem;line-height:1.3}
header p{margin:6px 0 0;font-size:.92rem;opacity:.92}
main{width:100%;max-width:760px;margin:0 auto;padding:12px}
h2{font-size:1.1rem;margin:18px 4px 8px}
.card{background:#fff;border-radius:12px;padding:14px 16px;margin:0 0 12px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.card h3{margin:6px 0 4px;font-size:1.05rem;line-height:1.35}
.card h3 a{color:#12335b;text-decoration:none}
.meta{margin:0;color:#4a5563;font-size:.92rem}
.meta b{color:#1d232a;font-weight:600}
.summary{margin:8px 0 0}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:.8rem;font-weight:700;background:#e5e7eb}
.gA{background:#fde68a;color:#7a4b00}.gB{background:#dbeafe;color:#1e3a8a}.gC{background:#dcfce7;color:#14532d}
.tools{margin:8px 4px}
a{color:#0b57d0}
footer{color:#6b7280;font-size:.85rem;text-align:center;padding:16px}
@media (min-width:700px){header{padding:24px}header h1{font-size:1.6rem}}
"""


def review_config(settings: Settings) -> ReviewConfig:
    secret = settings.document_link_secret.get_secret_value() if settings.document_link_secret else ""
    channel = settings.telegram_public_channel_id.strip()
    return ReviewConfig(
        public_base_url=settings.public_base_url,
        link_secret=secret.encode(),
        link_ttl=timedelta(hours=settings.document_link_ttl_hours),
        public_channel=("telegram", channel) if channel else None,
        public_page=settings.public_page,
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _badge(record: PublicRecord) -> str:
    css = f"g{record.grade}" if record.grade in ("A", "B", "C") else ""
    return f'<span class="badge {css}">{_e(record.grade_label)}</span>'


def _meta(label: str, value: str) -> str:
    return f'<p class="meta"><b>{_e(label)}:</b> {_e(value)}</p>'


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(SITE_TITLE)}</h1><p>{_e(SITE_LEAD)}</p></header>\n"
        f"<main>\n{body}\n</main>\n<footer>Sáng kiến bot</footer>\n</body>\n</html>\n"
    )


def _link(record: PublicRecord) -> str:
    return "/sang-kien/" + urllib.parse.quote(record.receipt)


def render_list(records: list[PublicRecord]) -> str:
    parts = [f'<p class="tools"><a href="/danh-sach.xlsx">{_e(DOWNLOAD_XLSX)}</a></p>']
    if not records:
        parts.append(f'<div class="card"><p>{_e(EMPTY)}</p></div>')
    year = None
    for record in records:
        if record.year != year:
            year = record.year
            n = sum(1 for r in records if r.year == year)
            parts.append(f"<h2>{_e(YEAR_HEADING.format(year=year))} · {_e(COUNT.format(n=n))}</h2>")
        summary = record.summary if len(record.summary) <= 280 else record.summary[:279].rstrip() + "…"
        parts.append(
            '<article class="card">'
            f"{_badge(record)}"
            f'<h3><a href="{_e(_link(record))}">{_e(record.title)}</a></h3>'
            f"{_meta(LABEL_AUTHORS, ', '.join(record.authors))}"
            f"{_meta(LABEL_UNIT, record.unit)}"
            f"{_meta(LABEL_FIELD, record.field)}"
            f'<p class="summary">{_e(summary)}</p>'
            f'<p class="meta"><a href="{_e(_link(record))}">{_e(MORE)}</a></p>'
            "</article>"
        )
    return _page(SITE_TITLE, "\n".join(parts))


def render_detail(record: PublicRecord) -> str:
    body = (
        f'<p class="tools"><a href="/">{_e(BACK)}</a></p>'
        '<article class="card">'
        f"{_badge(record)}"
        f"<h3>{_e(record.title)}</h3>"
        f"{_meta(LABEL_AUTHORS, ', '.join(record.authors))}"
        f"{_meta(LABEL_UNIT, record.unit)}"
        f"{_meta(LABEL_FIELD, record.field)}"
        f"{_meta(LABEL_TYPE, record.solution_type)}"
        f"{_meta(LABEL_RECEIPT, record.receipt)}"
        f"{_meta(LABEL_PUBLISHED, format_date(record.published_at.date()))}"
        f'<h2>{_e(LABEL_SUMMARY)}</h2><p class="summary">{_e(record.summary)}</p>'
        "</article>"
    )
    return _page(f"{record.title} — {SITE_TITLE}", body)


def render_message(text: str) -> str:
    body = f'<p class="tools"><a href="/">{_e(BACK)}</a></p><div class="card"><p>{_e(text)}</p></div>'
    return _page(SITE_TITLE, body)


HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8", headers=HEADERS)


def _attachment(name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode() or "tai-lieu"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{urllib.parse.quote(name)}"


def public_routes(app: App) -> list[tuple[str, Handler]]:
    """GET routes for the HTTP server: the public page when enabled, downloads when links are configured."""
    config = app.config.review
    routes: list[tuple[str, Handler]] = []

    async def listing(_: web.Request) -> web.Response:
        async with app.database.unit_of_work() as store:
            return _html(render_list(await public_records(store)))

    async def detail(request: web.Request) -> web.Response:
        receipt = request.match_info["receipt"].strip().upper()
        async with app.database.unit_of_work() as store:
            records = await public_records(store, receipt=receipt)
        if not records:
            return _html(render_message(NOT_FOUND), status=404)
        return _html(render_detail(records[0]))

    async def spreadsheet(_: web.Request) -> web.Response:
        today = app.clock().astimezone(app.config.timezone).date()
        async with app.database.unit_of_work() as store:
            content = public_list(await public_records(store), today)
        headers = {**HEADERS, "Content-Disposition": _attachment("sang-kien-cong-khai.xlsx")}
        return web.Response(body=content, content_type=XLSX_MIME, headers=headers)

    async def download(request: web.Request) -> web.Response:
        now = app.clock()
        payload = verify_link(request.match_info["token"], config.link_secret, now)
        if payload is None:
            return _html(render_message(BAD_LINK), status=403)
        async with app.database.unit_of_work() as store:
            person = await store.person(int(payload.get("p", 0)))
            document = await make(store, payload, person, now, app.config.timezone) if person else None
        if document is None:
            return _html(render_message(BAD_LINK), status=403)
        headers = {**HEADERS, "Content-Disposition": _attachment(document.file_name), "Cache-Control": "no-store"}
        return web.Response(body=document.content, content_type=document.mime_type, headers=headers)

    if config.public_page:
        routes += [("/", listing), ("/sang-kien/{receipt}", detail), ("/danh-sach.xlsx", spreadsheet)]
    if config.link_secret:
        routes.append((DOWNLOAD_PATH + "{token}", download))
    return routes
