"""The public page's HTML: what a visitor of a provincial portal expects — the national header and the issuing
body, a search form with filters, numbered pages, a detail page per initiative at a permanent address, a footer
with the contact — accessible (labels, a skip link, landmarks, visible focus) and printable (print CSS), with no
script, font or image from anywhere (the Content-Security-Policy forbids them too)."""

from __future__ import annotations

import html
import urllib.parse
from dataclasses import dataclass

from bot.public_listing import BASE, CERTIFICATE, PROVINCE, Listing
from handlers.parsing import format_date
from handlers.review.public import PublicRecord
from handlers.texts import province as P
from handlers.texts import public_page as T

STYLE = """
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",Arial,sans-serif;
font-size:16px;line-height:1.55;color:#1d232a;background:#f3f4f6;overflow-wrap:anywhere;word-break:break-word}
a{color:#0b4fb3}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{outline:3px solid #f59e0b;
outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;color:#000;padding:8px 12px;z-index:2}
.skip:focus{left:8px;top:8px}
.wrap{width:100%;max-width:1040px;margin:0 auto;padding:0 14px}
.masthead{background:#a3161a;color:#fff;border-bottom:4px solid #f2c94c}
.masthead .wrap{padding-top:14px;padding-bottom:16px;text-align:center}
.nation{margin:0;font-weight:700;font-size:.82rem;letter-spacing:.02em}
.motto{margin:0 auto 8px;font-weight:700;font-size:.9rem;display:inline-block;
border-bottom:1px solid rgba(255,255,255,.8);padding-bottom:2px}
.issuer{margin:6px 0 0;font-size:1rem;font-weight:700;text-transform:uppercase;letter-spacing:.02em}
.masthead h1,.masthead .h1{margin:4px 0 0;font-size:1.35rem;line-height:1.3;color:#fff2c4;font-weight:700}
.masthead .h1 a{color:inherit;text-decoration:none}
.lead{margin:8px auto 0;max-width:760px;font-size:.85rem;opacity:.95}
main.wrap{padding-top:16px;padding-bottom:8px}
.crumbs{margin:0 0 10px;font-size:.92rem}
.panel{background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:14px 16px;margin:0 0 14px}
.panel h2{margin:0 0 10px;font-size:1.1rem}
.search label{display:block;font-weight:600;font-size:.9rem;margin:0 0 4px}
.search input,.search select{width:100%;font:inherit;font-size:1rem;padding:9px 10px;border:1px solid #8c96a3;
border-radius:8px;background:#fff;color:#1d232a;min-height:44px}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.fields .q{grid-column:1/-1}
.hint{margin:4px 0 0;font-size:.85rem;color:#4b5563}
.actions{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-top:12px}
button{font:inherit;font-weight:700;background:#0b4fb3;color:#fff;border:0;border-radius:8px;padding:10px 18px;
min-height:44px;cursor:pointer}
.count{margin:0 2px 10px;font-weight:600}
.results{list-style:none;margin:0;padding:0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:10px;padding:14px 16px;margin:0 0 12px}
.card h3{margin:6px 0 6px;font-size:1.08rem;line-height:1.35}
.card h3 a{text-decoration:none}
.card h3 a:hover{text-decoration:underline}
.meta{margin:2px 0;color:#3f4854;font-size:.93rem}
.meta b{color:#1d232a;font-weight:600}
.summary{margin:8px 0 0}
.badge{display:inline-block;padding:2px 10px;border-radius:999px;font-size:.8rem;font-weight:700;
background:#e5e7eb;color:#1f2937}
.gA{background:#fde68a;color:#713f00}.gB{background:#dbeafe;color:#1e3a8a}.gC{background:#dcfce7;color:#14532d}
.pager ul{list-style:none;display:flex;flex-wrap:wrap;gap:6px;padding:0;margin:6px 0 14px}
.pager a,.pager span{display:inline-block;min-width:44px;min-height:44px;line-height:44px;text-align:center;
padding:0 10px;border:1px solid #c4cad2;border-radius:8px;background:#fff;text-decoration:none}
.pager [aria-current]{background:#0b4fb3;color:#fff;border-color:#0b4fb3;font-weight:700}
.facts{display:grid;grid-template-columns:1fr;gap:2px 16px;margin:10px 0 0}
.facts dt{font-weight:700;color:#3f4854;font-size:.9rem;margin-top:6px}
.facts dd{margin:0}
.detail h1{font-size:1.3rem;line-height:1.35;margin:8px 0 4px}
.detail h2{font-size:1.05rem;margin:18px 0 6px;color:#a3161a}
.prose{white-space:pre-line;margin:0}
.tools{margin:4px 2px 12px}
footer{background:#1f2937;color:#e5e7eb;font-size:.9rem;margin-top:18px}
footer .wrap{padding-top:16px;padding-bottom:18px}
footer p{margin:4px 0}
footer strong{color:#fff}
@media (min-width:700px){
.masthead h1,.masthead .h1{font-size:1.7rem}.nation{font-size:.95rem}.motto{font-size:1rem}
.fields{grid-template-columns:2fr 1fr 1.4fr 1.4fr 1fr}.fields .q{grid-column:auto}.lead{font-size:.92rem}
.facts{grid-template-columns:max-content 1fr}.facts dt{margin-top:0}
}
@media print{
@page{size:A4;margin:18mm 15mm}
body{background:#fff;color:#000;font-family:"Times New Roman","DejaVu Serif",serif;font-size:12pt}
.masthead{background:none;color:#000;border-bottom:1px solid #000}
.masthead h1,.masthead .h1,.masthead .lead{color:#000}.motto{border-color:#000}
.search,.pager,.skip,.tools,.crumbs,.more{display:none!important}
.card,.panel{border:0;border-bottom:1px solid #999;border-radius:0;padding:8px 0;break-inside:avoid}
a{color:#000;text-decoration:none}
.badge{border:1px solid #000;background:none!important;color:#000!important}
footer{background:none;color:#000;border-top:1px solid #000}footer strong{color:#000}
}
"""


@dataclass(frozen=True)
class Site:
    issuer: str
    contact: tuple[str, ...]
    base_url: str = ""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def grade_css(record: PublicRecord) -> str:
    return f"g{record.grade}" if record.grade in ("A", "B", "C") else ""


def _badge(record: PublicRecord) -> str:
    return f'<span class="badge {grade_css(record)}">{_e(record.grade_label)}</span>'


def _meta(label: str, value: str) -> str:
    return f'<p class="meta"><b>{_e(label)}:</b> {_e(value)}</p>'


def detail_path(record: PublicRecord) -> str:
    return "/sang-kien/" + urllib.parse.quote(record.receipt)


def decision_text(record: PublicRecord) -> str:
    if not record.decision_number or record.decision_date is None:
        return T.DECISION_PENDING
    return T.DECISION_TEXT.format(number=record.decision_number, date=format_date(record.decision_date))


def page(site: Site, title: str, body: str, *, home: bool = True) -> str:
    """``home``: the list, whose main heading is the site's title; elsewhere the title links home and the page's
    own heading is its h1."""
    contact = "".join(f"<p>{_e(line)}</p>" for line in site.contact)
    name = _e(T.SITE_TITLE)
    heading = f"<h1>{name}</h1>" if home else f'<p class="h1"><a href="/">{name}</a></p>'

    return (
        "<!doctype html>\n"
        '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<a class="skip" href="#noi-dung">{_e(T.SKIP)}</a>\n'
        '<header class="masthead"><div class="wrap">'
        f'<p class="nation">{_e(T.NATION)}</p><p class="motto">{_e(T.MOTTO)}</p>'
        f'<p class="issuer">{_e(site.issuer)}</p>'
        f"{heading}"
        f'<p class="lead">{_e(T.SITE_LEAD)}</p>'
        "</div></header>\n"
        f'<main id="noi-dung" class="wrap">\n{body}\n</main>\n'
        f'<footer><div class="wrap"><p><strong>{_e(site.issuer)}</strong></p>{contact}'
        f"<p>{_e(T.FOOTER_NOTE)}</p></div></footer>\n"
        "</body>\n</html>\n"
    )


def _select(name: str, label: str, options: list[tuple[str, str]], chosen: str) -> str:
    items = [f'<option value="">{_e(T.FILTER_ALL)}</option>']
    for value, text in options:
        selected = " selected" if value == chosen else ""
        items.append(f'<option value="{_e(value)}"{selected}>{_e(text)}</option>')
    control = f'<select id="{name}" name="{name}">{"".join(items)}</select>'
    return f'<div><label for="{name}">{_e(label)}</label>{control}</div>'


def _grade_label(grade: str) -> str:
    return T.CERTIFICATE_FILTER if grade == CERTIFICATE else f"Loại {grade}"


def search_form(found: Listing) -> str:
    query = found.query
    fields = [
        '<div class="q"><label for="q">'
        f'{_e(T.SEARCH_LABEL)}</label><input id="q" name="q" type="search" value="{_e(query.text)}" '
        f'placeholder="{_e(T.SEARCH_PLACEHOLDER)}" autocomplete="off" aria-describedby="q-hint">'
        f'<p class="hint" id="q-hint">{_e(T.SEARCH_HINT)}</p></div>',
        _select("nam", T.FILTER_YEAR, [(str(y), str(y)) for y in found.years], str(query.year or "")),
        _select("donvi", T.FILTER_UNIT, [(u, u) for u in found.units], query.unit),
        _select("linhvuc", T.FILTER_FIELD, [(f, f) for f in found.fields], query.field),
        _select("loai", T.FILTER_GRADE, [(g, _grade_label(g)) for g in found.grades], query.grade),
    ]
    if found.levels:  # a province: initiatives recognised by its bodies (cấp cơ sở) and by itself (cấp tỉnh)
        levels = [(BASE, P.LEVEL_BASE), (PROVINCE, P.LEVEL_PROVINCE)]
        fields.append(_select("cap", T.FILTER_LEVEL, [lv for lv in levels if lv[0] in found.levels], query.level))
    reset = f'<a href="/">{_e(T.RESET)}</a>' if query.filtered else ""
    return (
        '<section class="panel search" aria-labelledby="tra-cuu">'
        f'<h2 id="tra-cuu">{_e(T.SEARCH_HEADING)}</h2>'
        '<form method="get" action="/" role="search">'
        f'<div class="fields">{"".join(fields)}</div>'
        f'<div class="actions"><button type="submit">{_e(T.SUBMIT)}</button>{reset}</div>'
        "</form></section>"
    )


def _card(record: PublicRecord) -> str:
    summary = record.summary if len(record.summary) <= 280 else record.summary[:279].rstrip() + "…"
    return (
        '<li class="card">'
        f"{_badge(record)}"
        f'<h3><a href="{_e(detail_path(record))}">{_e(record.title)}</a></h3>'
        f"{_meta(T.LABEL_RECEIPT, record.receipt)}"
        f"{_meta(T.LABEL_AUTHORS, ', '.join(record.authors))}"
        f"{_meta(T.LABEL_UNIT, record.unit)}"
        f"{_meta(T.LABEL_FIELD, record.field)}"
        f"{_meta(T.LABEL_YEAR, str(record.year))}"
        f"{_meta(T.LABEL_LEVEL, record.level_label)}"
        f"{_meta(T.LABEL_DECISION, decision_text(record))}"
        f'<p class="summary">{_e(summary)}</p>'
        f'<p class="meta more"><a href="{_e(detail_path(record))}">{_e(T.MORE)}'
        f'<span class="skip"> — {_e(record.title)}</span></a></p>'
        "</li>"
    )


def _pager(found: Listing) -> str:
    if found.pages <= 1:
        return ""
    query, current = found.query, found.query.page
    items = []
    if current > 1:
        items.append(f'<li><a href="{_e(query.url(page=current - 1))}" rel="prev">{_e(T.PREVIOUS)}</a></li>')
    for n in range(1, found.pages + 1):
        if n == current:
            items.append(f'<li><span aria-current="page">{n}</span></li>')
        elif n in (1, found.pages) or abs(n - current) <= 2:
            items.append(f'<li><a href="{_e(query.url(page=n))}" aria-label="{_e(T.PAGE_N.format(n=n))}">{n}</a></li>')
        elif abs(n - current) == 3:
            items.append("<li><span>…</span></li>")
    if current < found.pages:
        items.append(f'<li><a href="{_e(query.url(page=current + 1))}" rel="next">{_e(T.NEXT)}</a></li>')
    return f'<nav class="pager" aria-label="{_e(T.PAGER)}"><ul>{"".join(items)}</ul></nav>'


def render_list(site: Site, found: Listing, any_published: bool) -> str:
    parts = [search_form(found)]
    count = T.FOUND.format(n=found.total)
    if found.pages > 1:
        count += " — " + T.PAGE_OF.format(page=found.query.page, pages=found.pages)
    parts.append(f'<h2 class="count" role="status">{_e(count)}</h2>')
    if not found.records:
        message = T.NO_MATCH if any_published else T.EMPTY
        parts.append(f'<div class="panel"><p>{_e(message)}</p></div>')
    else:
        parts.append(f'<ol class="results">{"".join(_card(r) for r in found.records)}</ol>')
    parts.append(_pager(found))
    parts.append(f'<p class="tools"><a href="/danh-sach.xlsx">{_e(T.DOWNLOAD_XLSX)}</a></p>')
    return page(site, T.SITE_TITLE, "\n".join(parts))


def _section(title: str, text: str) -> str:
    return f'<h2>{_e(title)}</h2><p class="prose">{_e(text or T.NOT_GIVEN)}</p>'


def render_detail(site: Site, record: PublicRecord) -> str:
    link = (site.base_url.rstrip("/") if site.base_url else "") + detail_path(record)
    facts = [
        (T.LABEL_RECEIPT, record.receipt),
        (T.LABEL_AUTHORS, ", ".join(record.authors)),
        (T.LABEL_UNIT, record.unit),
        (T.LABEL_FIELD, record.field),
        (T.LABEL_TYPE, record.solution_type),
        (T.LABEL_YEAR, str(record.year)),
        (T.LABEL_GRADE, record.grade_label),
        (T.LABEL_LEVEL, record.level_label),
        (T.LABEL_DECISION, decision_text(record)),
        (T.LABEL_PUBLISHED, format_date(record.published_at.date())),
    ]
    rows = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    sections = [
        _section(T.SECTION_CONTENT, record.content),
        _section(T.SECTION_SCOPE, record.scope),
        _section(T.SECTION_BENEFIT, record.benefit),
    ]
    if record.benefit_users:
        sections.append(_section(T.SECTION_BENEFIT_USERS, record.benefit_users))
    body = (
        f'<nav class="crumbs" aria-label="breadcrumb"><a href="/">{_e(T.HOME)}</a> › {_e(record.receipt)}</nav>'
        '<article class="panel detail">'
        f"{_badge(record)}"
        f"<h1>{_e(record.title)}</h1>"
        f'<dl class="facts">{rows}</dl>'
        f"{''.join(sections)}"
        f'<p class="meta"><b>{_e(T.LABEL_LINK)}:</b> <a href="{_e(detail_path(record))}">{_e(link)}</a></p>'
        "</article>"
        f'<p class="tools"><a href="/">{_e(T.BACK)}</a></p>'
    )
    return page(site, f"{record.title} — {T.SITE_TITLE}", body, home=False)


def render_message(site: Site, text: str) -> str:
    body = f'<p class="tools"><a href="/">{_e(T.BACK)}</a></p><div class="panel"><p>{_e(text)}</p></div>'
    return page(site, T.SITE_TITLE, body, home=False)
