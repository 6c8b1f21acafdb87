"""The public web page of recognised initiatives and the signed document downloads, as aiohttp routes on the
bot's own HTTP server (bot/runner.py).

GET /                      the list, newest year first: search (?q=), filters (?nam=, ?donvi=, ?linhvuc=, ?loai=),
                           pages (?trang=) — HTML from bot/public_html.py, no external assets
GET /sang-kien/{receipt}   one initiative, at a permanent address
GET /danh-sach.xlsx        the same list as a spreadsheet
GET /tai-lieu/{token}      a document behind an expiring HMAC-signed link (what Zalo users get instead of a file)

What is shown comes only from handlers.review.public: recognised, not secret, never the confidential part."""

from __future__ import annotations

import urllib.parse
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.public_html import Site, render_detail, render_list, render_message
from bot.public_listing import Query, listing
from bot.settings import Settings
from documents.sheets import XLSX_MIME
from handlers.review.documents import DOWNLOAD_PATH, make, public_list
from handlers.review.public import public_records
from handlers.review.rules import verify_link
from handlers.texts import public_page as T

if TYPE_CHECKING:
    from bot.app import App

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def site(settings: Settings) -> Site:
    contact = tuple(line.strip() for line in settings.public_contact.split("|") if line.strip())
    return Site(
        issuer=settings.public_issuer.strip() or T.SITE_TITLE, contact=contact, base_url=settings.public_base_url
    )


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
    about = site(app.settings)
    size = app.settings.public_page_size
    routes: list[tuple[str, Handler]] = []

    async def front(request: web.Request) -> web.Response:
        async with app.database.unit_of_work() as store:
            records = await public_records(store)
        found = listing(records, Query.parse(request.query), size)
        return _html(render_list(about, found, any_published=bool(records)))

    async def detail(request: web.Request) -> web.Response:
        receipt = request.match_info["receipt"].strip().upper()
        async with app.database.unit_of_work() as store:
            records = await public_records(store, receipt=receipt)
        if not records:
            return _html(render_message(about, T.NOT_FOUND), status=404)
        return _html(render_detail(about, records[0]))

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
            return _html(render_message(about, T.BAD_LINK), status=403)
        async with app.database.unit_of_work() as store:
            person = await store.person(int(payload.get("p", 0)))
            document = await make(store, payload, person, now, app.config.timezone) if person else None
        if document is None:
            return _html(render_message(about, T.BAD_LINK), status=403)
        headers = {**HEADERS, "Content-Disposition": _attachment(document.file_name), "Cache-Control": "no-store"}
        return web.Response(body=document.content, content_type=document.mime_type, headers=headers)

    if config.public_page:
        routes += [("/", front), ("/sang-kien/{receipt}", detail), ("/danh-sach.xlsx", spreadsheet)]
    if config.link_secret:
        routes.append((DOWNLOAD_PATH + "{token}", download))
    return routes
