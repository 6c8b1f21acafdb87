"""Absurd input gets a clear answer, never a crash: parsers turn it into their step's message, the public
HTTP routes answer 4xx to malformed paths, and text echoed back carries no control or bidi characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.app import App
from handlers import parsing
from handlers.parsing import ParseError
from tests.support import Chat, Clock
from tests.test_review_public import client_for, public_app  # noqa: F401  (fixture)

ABSURD = [
    "9" * 400,
    "1" + "0" * 400 + "%",
    "9" * 400 + " tỷ",
    "0," + "0" * 500 + "1",
    "1e999999",
    "NaN",
    "inf",
    "²",
    "١٢",
    "\ud800",
    "\u202e05/09/2025",
    "\x00\x1b[31m",
    "1/1/" + "9" * 400,
    "99/99/99999999999",
    "9" * 400 + "; 1",
    "",
    " " * 5000,
]
PARSERS: list[tuple[str, Callable[[str], Any]]] = [
    ("parse_percent", parsing.parse_percent),
    ("parse_percent_list", lambda t: parsing.parse_percent_list(t, 2)),
    ("parse_money", parsing.parse_money),
    ("parse_date", lambda t: parsing.parse_date(t, today=TODAY)),
    ("parse_birth_date", lambda t: parsing.parse_birth_date(t, today=TODAY)),
    ("parse_phone", parsing.parse_phone),
    ("parse_person_name", parsing.parse_person_name),
]
TODAY = date(2026, 3, 3)
UNSAFE = {"\u202e", "\u2066", "\x07", "\x1b", "\x00", "\ud800"}


@pytest.mark.parametrize(("name", "parse"), PARSERS, ids=[n for n, _ in PARSERS])
def test_absurd_input_gets_the_parsers_message(name: str, parse: Callable[[str], Any]) -> None:
    for text in ABSURD:
        try:
            parse(text)
        except ParseError as error:
            assert error.message and not UNSAFE & set(error.message), (name, text[:20], error.message)
            assert len(error.message) < 400


def test_a_400_digit_share_is_out_of_range() -> None:
    with pytest.raises(ParseError, match="không quá 100"):
        parsing.parse_percent_list("9" * 400 + "; 1", 2)
    with pytest.raises(ParseError, match=r"không quá 10\.000\.000\.000\.000 đ"):
        parsing.parse_money("9" * 400)


def test_record_numbers_are_plain_small_numbers() -> None:
    assert parsing.parse_id(" 12 ") == 12
    assert [parsing.parse_id(t) for t in ("²", "١", "9" * 400, "-1", "", "1.0")] == [None] * 6


async def test_echoed_text_carries_no_control_or_bidi_characters(app: App) -> None:
    chat = Chat(app.core.handle, "h1")
    await chat.say("/start")
    await chat.say("Nguyễn Văn An")
    await chat.say("\u202eTrường\x07 \ud800ABC\x1b[31m")  # a unit that does not exist, echoed back
    shown = chat.text
    assert "không tìm thấy đơn vị" in shown.lower() or "Không tìm thấy" in shown
    assert not UNSAFE & set(shown) and "\ufffd" in shown and "ABC" in shown
    admin = Chat(app.core.handle, "900")
    for answer in ["/start", "Quản Trị", "Nội vụ", "Chuyên viên", "bỏ qua", "1"]:
        await admin.say(answer)
    await admin.say("/\u2066lệnh\x00lạ")
    assert not UNSAFE & set(admin.text) and all(unicodedata.category(c) != "Cc" or c in "\n\t" for c in admin.text)
    await admin.say("/capquyen " + "9" * 400 + " thuky")
    assert "Cách dùng" in admin.text or "/capquyen" in admin.text


async def test_public_routes_answer_4xx_to_malformed_paths(public_app: App, clock: Clock) -> None:  # noqa: F811
    client = await client_for(public_app)
    paths = [
        "/tai-lieu/%C3%A9t%C3%A9.abc",
        "/tai-lieu/e30.%C3%A9%C3%A9",
        "/tai-lieu/%ED%A0%80.%ED%A0%80",
        "/tai-lieu/" + "a" * 5000 + "." + "b" * 43,
        "/tai-lieu/%00.%00",
        "/tai-lieu/e30.e30",
        "/sang-kien/%C3%A9",
        "/sang-kien/" + "9" * 3000,
        "/sang-kien/%00%E2%80%AE",
    ]
    try:
        for path in paths:
            response = await client.get(path)
            assert 400 <= response.status < 500, (path[:40], response.status)
    finally:
        await client.close()
