"""handlers.parsing: what people type → values, and the Vietnamese messages they see when it fails."""

from __future__ import annotations

import ast
import inspect
import re
from datetime import date
from decimal import Decimal

import pytest

from handlers import parsing as P
from handlers.parsing import (
    ParseError,
    clean_text,
    fold,
    format_date,
    format_money,
    format_percent,
    is_yes,
    match_option,
    parse_birth_date,
    parse_date,
    parse_money,
    parse_percent,
    parse_percent_list,
    parse_person_name,
    parse_phone,
    require_text,
)
from handlers.texts import parsing as T
from handlers.types import Option

TODAY = date(2025, 6, 15)
VIETNAMESE_MARKS = re.compile(r"[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


def error_of(func, *args, **kwargs) -> str:
    with pytest.raises(ParseError) as info:
        func(*args, **kwargs)
    assert str(info.value) == info.value.message
    assert isinstance(info.value, ValueError)
    return info.value.message


# --------------------------------------------------------------------------------------------------
# The message catalogue
# --------------------------------------------------------------------------------------------------

MESSAGES = {name: value for name, value in vars(T).items() if name.isupper() and isinstance(value, str)}


def test_catalogue_has_the_messages_the_brief_names():
    for name in (
        "EMPTY",
        "TOO_LONG",
        "TOO_SHORT",
        "NO_EMOJI",
        "DATE_FORMAT",
        "DATE_IMPOSSIBLE",
        "DATE_OUT_OF_RANGE",
        "BIRTH_DATE_RANGE",
        "PERCENT_FORMAT",
        "PERCENT_RANGE",
        "PERCENT_COUNT",
        "PERCENT_SUM",
        "PHONE_FORMAT",
        "MONEY_FORMAT",
        "MONEY_RANGE",
    ):
        assert name in MESSAGES


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_every_message_is_polite_vietnamese_with_a_way_forward(name):
    message = MESSAGES[name]
    assert "Anh/Chị" in message
    assert VIETNAMESE_MARKS.search(message)
    assert message.strip() == message and "  " not in message
    assert len(message) < 250
    # Says what to do: an example of a good answer. An empty answer has no single good example (the
    # question being answered shows one), so that message says how to answer instead.
    if name == "EMPTY":
        assert "gõ câu trả lời" in message
    else:
        assert "ví dụ" in message.lower()


def test_parsing_module_has_no_user_facing_vietnamese_of_its_own():
    """Every message comes from the catalogue: apart from docstrings, the code's Vietnamese strings are
    only the short words it recognises."""
    tree = ast.parse(inspect.getsource(P))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]
    for value in strings:
        assert "Anh/Chị" not in value, value
        assert not (VIETNAMESE_MARKS.search(value) and re.search(r"\w[.!?]$", value)), value


# --------------------------------------------------------------------------------------------------
# fold
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giải pháp kỹ thuật", "giai phap ky thuat"),
        ("ĐỒNG Ý", "dong y"),
        ("đồng ý!", "dong y"),
        ("  Số   2.  ", "so 2"),
        ("Quản lý, tác-nghiệp", "quan ly tac nghiep"),
        ("Ứng dụng tiến bộ kỹ thuật", "ung dung tien bo ky thuat"),
        ("under_score", "under score"),
        ("", ""),
        ("?!...", ""),
        # Decomposed input (NFD, as some keyboards send) folds the same as composed.
        ("Nguye\u0302\u0303n", "nguyen"),
        ("Ðồng ý", "dong y"),  # Icelandic eth used for Đ
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


# --------------------------------------------------------------------------------------------------
# clean_text
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  xin chào  ", "xin chào"),
        ("a\u200bb", "ab"),  # zero-width space
        ("a\u200cb\u200eb\u200f", "abb"),  # ZWNJ, LRM, RLM
        ("\ufeffBOM ở đầu", "BOM ở đầu"),
        ("a\u2060b\u2061c\u2064", "abc"),
        ("abc\u202edef\u202c", "abcdef"),  # RTL override used to disguise text
        ("x\u202ay\u202bz\u202d", "xyz"),
        ("\u2066a\u2067b\u2068c\u2069", "abc"),  # bidi isolates
        ("a\u061cb", "ab"),  # Arabic letter mark
        ("chuông\x07 và\x00 null\x1b", "chuông và null"),
        ("dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"),
        ("dòng 1   \ndòng 2\t ", "dòng 1\ndòng 2"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n  \n \t \n\n b", "a\n\n b"),
        ("a\n\nb", "a\n\nb"),
        ("cột\tcột", "cột\tcột"),
        ("\n\n  đoạn văn  \n\n", "đoạn văn"),
        ("a\u2028b", "a\nb"),
        ("Tiết kiệm 20% 👍🎉", "Tiết kiệm 20% 👍🎉"),
        ("Gia đình 👨\u200d👩\u200d👧 vui", "Gia đình 👨\u200d👩\u200d👧 vui"),  # ZWJ emoji kept whole
        ("Việt Nam 🇻🇳", "Việt Nam 🇻🇳"),
        ("❤️ cảm ơn", "❤️ cảm ơn"),
        ("", ""),
    ],
)
def test_clean_text(text, expected):
    assert clean_text(text) == expected


def test_clean_text_composes_decomposed_vietnamese():
    assert clean_text("Nguye\u0302\u0303n Va\u0306n A") == "Nguyễn Văn A"


# --------------------------------------------------------------------------------------------------
# require_text
# --------------------------------------------------------------------------------------------------


def test_require_text_returns_cleaned_text():
    assert require_text("  Mô tả\u200b sáng kiến 📋  ", max_len=100) == "Mô tả sáng kiến 📋"


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t \n", "\u200b\u200b", "\u202e  \ufeff"])
def test_require_text_refuses_empty(text):
    assert error_of(require_text, text, max_len=100) == T.EMPTY


def test_require_text_refuses_ten_thousand_characters_naming_the_limit():
    message = error_of(require_text, "a" * 10_000, max_len=4000)
    assert message == T.TOO_LONG.format(limit="4.000", length="10.000")
    assert "4.000" in message and "10.000" in message
    assert "Anh/Chị" in message


def test_require_text_length_limit_is_inclusive_and_counts_cleaned_text():
    assert require_text("a" * 4000, max_len=4000) == "a" * 4000
    assert require_text("a" * 4000 + "   \u200b", max_len=4000) == "a" * 4000
    error_of(require_text, "a" * 4001, max_len=4000)


def test_require_text_refuses_too_short():
    message = error_of(require_text, "ngắn", max_len=100, min_len=10)
    assert message == T.TOO_SHORT.format(min_len="10")
    assert require_text("đủ mười ký", max_len=100, min_len=10) == "đủ mười ký"


@pytest.mark.parametrize("text", ["Nguyễn Văn An 😀", "Lê 👍 Thị", "Trần ❤️", "Phạm ✨", "An 🇻🇳"])
def test_require_text_refuses_emoji_when_asked(text):
    assert error_of(require_text, text, max_len=100, allow_emoji=False) == T.NO_EMOJI
    assert require_text(text, max_len=100) == text  # descriptions keep them


# --------------------------------------------------------------------------------------------------
# parse_person_name
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("  nguyễn   văn   an ", "nguyễn văn an"),  # kept as typed, no title-casing
        ("NGUYỄN THỊ MINH KHAI", "NGUYỄN THỊ MINH KHAI"),
        ("Nguyen Van An", "Nguyen Van An"),
        ("Tôn Nữ Thị\nHà", "Tôn Nữ Thị Hà"),
        ("Nguye\u0302\u0303n\u200b Văn An", "Nguyễn Văn An"),
        ("H'Hen Niê", "H'Hen Niê"),
    ],
)
def test_parse_person_name(text, expected):
    assert parse_person_name(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", T.EMPTY),
        ("   ", T.EMPTY),
        ("Nguyễn Văn An 😀", T.NO_EMOJI),
        ("Nguyễn Văn 2", T.NAME_HAS_DIGIT),
        ("0912345678", T.NAME_HAS_DIGIT),
        ("...", T.NAME_NO_LETTER),
        ("A" * 101, T.TOO_LONG.format(limit="100", length="101")),
    ],
)
def test_parse_person_name_refuses(text, message):
    assert error_of(parse_person_name, text) == message


def test_name_messages_give_an_example_name():
    for message in (T.NO_EMOJI, T.NAME_HAS_DIGIT, T.NAME_NO_LETTER):
        assert "ví dụ: Nguyễn Văn An" in message


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "20/4/2024",
        "20/04/2024",
        "20-04-2024",
        "20.04.2024",
        "20 04 2024",
        "20/4/24",
        "2024-04-20",
        "ngày 20 tháng 4 năm 2024",
        "Ngày 20 tháng 04 năm 2024",
        "20 thang 4 nam 2024",
        "ngay 20/4/2024",
        "  20/4/2024  ",
        "20/4/2024.",
        "20 / 4 / 2024",
        "20-4-24",
        "20\u200b/04/2024",
    ],
)
def test_parse_date_accepts(text):
    assert parse_date(text, today=TODAY) == date(2024, 4, 20)


def test_parse_date_is_always_day_first():
    assert parse_date("03/04/2024", today=TODAY) == date(2024, 4, 3)
    assert parse_date("12/11/2024", today=TODAY) == date(2024, 11, 12)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29/02/2024", date(2024, 2, 29)),
        ("29/2/2000", date(2000, 2, 29)),
        ("31/12/1999", date(1999, 12, 31)),
        ("1/1/1900", date(1900, 1, 1)),
        ("mùng 5 tháng 5 năm 2024", date(2024, 5, 5)),
        ("15/6/2026", date(2026, 6, 15)),  # exactly one year after today
        ("1/1/26", date(2026, 1, 1)),
        ("1/1/85", date(1985, 1, 1)),  # two-digit year more than a year ahead → 1900s
    ],
)
def test_parse_date_edges(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("31/02/2024", "31/02/2024"),
        ("29/02/2023", "29/02/2023"),
        ("29/2/1900", "29/02/1900"),
        ("30/2/2024", "30/02/2024"),
        ("31/4/2024", "31/04/2024"),
        ("00/01/2024", "00/01/2024"),
        ("32/1/2024", "32/01/2024"),
        ("1/13/2024", "01/13/2024"),
        ("4/20/2024", "04/20/2024"),  # month-first is never guessed
        ("10/0/2024", "10/00/2024"),
    ],
)
def test_parse_date_refuses_impossible_dates(text, shown):
    message = error_of(parse_date, text, today=TODAY)
    assert message == T.DATE_IMPOSSIBLE.format(text=shown, example="01/06/2025")
    # The example is itself a good recent answer: the first of this month, never more than a year ago.
    assert "không tồn tại" in message and "ví dụ: 01/06/2025" in message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hôm qua",
        "20/4",
        "20/4/2024/1",
        "20/4/202",
        "20/4/20245",
        "abc/def/ghij",
        "2024",
        "20042024",
        "100/4/2024",
        "20 tháng tư 2024",
        "20/4/2024 lúc 10 giờ",
        "2024-4-2024",
    ],
)
def test_parse_date_refuses_unparseable(text):
    message = error_of(parse_date, text, today=TODAY)
    assert message == "Ngày chưa đúng định dạng. Anh/Chị nhập theo dạng ngày/tháng/năm, ví dụ: 01/06/2025."


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("31/12/1899", "31/12/1899"),
        ("1/1/1000", "01/01/1000"),
        ("16/6/2026", "16/06/2026"),
        ("1/1/2030", "01/01/2030"),
    ],
)
def test_parse_date_refuses_out_of_range(text, shown):
    message = error_of(parse_date, text, today=TODAY)
    assert message == T.DATE_OUT_OF_RANGE.format(
        text=shown, min_year=1900, max_date="15/06/2026", example="01/06/2025"
    )
    assert "1900" in message and "15/06/2026" in message


def test_parse_date_one_year_after_a_leap_day():
    assert parse_date("28/2/2025", today=date(2024, 2, 29)) == date(2025, 2, 28)
    error_of(parse_date, "1/3/2025", today=date(2024, 2, 29))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/08/1985", date(1985, 8, 15)),
        ("15/8/85", date(1985, 8, 15)),
        ("ngày 1 tháng 1 năm 2000", date(2000, 1, 1)),
        ("15/06/2009", date(2009, 6, 15)),  # 16 today
        ("16/06/1924", date(1924, 6, 16)),  # 100 until tomorrow
    ],
)
def test_parse_birth_date(text, expected):
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("16/06/2009", "16/06/2009"),  # 15, turns 16 tomorrow
        ("1/1/2020", "01/01/2020"),
        ("1/1/2026", "01/01/2026"),  # future
        ("16/06/2025", "16/06/2025"),
        ("15/06/1924", "15/06/1924"),  # 101 today
        ("1/1/1850", "01/01/1850"),
        ("15/8/10", "15/08/2010"),
    ],
)
def test_parse_birth_date_refuses_unlikely_ages(text, shown):
    message = error_of(parse_birth_date, text, today=TODAY)
    assert message == T.BIRTH_DATE_RANGE.format(text=shown, min_age=16, max_age=100)
    assert "16" in message and "100" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02/1990", T.DATE_IMPOSSIBLE.format(text="31/02/1990", example="15/08/1985")),
        ("sinh năm 90", T.DATE_FORMAT.format(example="15/08/1985")),
    ],
)
def test_parse_birth_date_passes_on_date_errors(text, message):
    assert error_of(parse_birth_date, text, today=TODAY) == message


@pytest.mark.parametrize(
    ("d", "expected"),
    [(date(2024, 4, 20), "20/04/2024"), (date(2024, 12, 1), "01/12/2024"), (date(999, 1, 2), "02/01/0999")],
)
def test_format_date(d, expected):
    assert format_date(d) == expected
    if d.year >= 1900:
        assert parse_date(format_date(d), today=TODAY) == d


# --------------------------------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("50", Decimal("50")),
        ("50%", Decimal("50")),
        ("50 %", Decimal("50")),
        (" 50 % ", Decimal("50")),
        ("33,3", Decimal("33.3")),
        ("33.3", Decimal("33.3")),
        ("33,33", Decimal("33.33")),
        ("33,30", Decimal("33.3")),
        ("100", Decimal("100")),
        ("100,0", Decimal("100")),
        ("0,5", Decimal("0.5")),
        ("0.01", Decimal("0.01")),
        ("50 phần trăm", Decimal("50")),
        ("50.", Decimal("50")),
    ],
)
def test_parse_percent(text, expected):
    value = parse_percent(text)
    assert value == expected
    assert "E" not in str(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", T.PERCENT_RANGE.format(text="0")),
        ("0,0", T.PERCENT_RANGE.format(text="0")),
        ("-5", T.PERCENT_RANGE.format(text="-5")),
        ("100,5", T.PERCENT_RANGE.format(text="100,5")),
        ("150%", T.PERCENT_RANGE.format(text="150")),
        ("33,333", T.PERCENT_DECIMALS.format(text="33,333")),
        ("năm mươi", T.PERCENT_FORMAT.format(text="năm mươi")),
        ("", T.PERCENT_FORMAT.format(text="")),
        ("50%%", T.PERCENT_FORMAT.format(text="50%%")),
        ("1.000.000", T.PERCENT_FORMAT.format(text="1.000.000")),
        ("x" * 100, T.PERCENT_FORMAT.format(text="x" * 29 + "…")),
    ],
)
def test_parse_percent_refuses(text, message):
    assert error_of(parse_percent, text) == message


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("50, 30, 20", 3, ["50", "30", "20"]),
        ("50 30 20", 3, ["50", "30", "20"]),
        ("50%; 30%; 20%", 3, ["50", "30", "20"]),
        ("50% - 30% - 20%", 3, ["50", "30", "20"]),
        ("50 % - 30 % - 20 %", 3, ["50", "30", "20"]),
        ("50%, 30%, 20%", 3, ["50", "30", "20"]),
        ("50%,30%,20%", 3, ["50", "30", "20"]),
        ("50;30;20", 3, ["50", "30", "20"]),
        ("50\n30\n20", 3, ["50", "30", "20"]),
        ("50 – 30 – 20", 3, ["50", "30", "20"]),
        ("50/30/20", 3, ["50", "30", "20"]),
        ("50 + 30 + 20", 3, ["50", "30", "20"]),
        ("60 và 40", 2, ["60", "40"]),
        ("33,3; 33,3; 33,4", 3, ["33.3", "33.3", "33.4"]),
        ("33,3;33,3;33,4", 3, ["33.3", "33.3", "33.4"]),
        ("33,3 33,3 33,4", 3, ["33.3", "33.3", "33.4"]),
        ("33.3, 33.3, 33.4", 3, ["33.3", "33.3", "33.4"]),
        ("33,3%, 33,3%, 33,4%", 3, ["33.3", "33.3", "33.4"]),
        ("33,33; 33,33; 33,34", 3, ["33.33", "33.33", "33.34"]),
        ("50,30,20", 3, ["50", "30", "20"]),  # commas that cannot all be decimal commas
        ("50,50", 2, ["50", "50"]),
        ("100", 1, ["100"]),
        ("100%", 1, ["100"]),
        ("  70 ;  30  ", 2, ["70", "30"]),
    ],
)
def test_parse_percent_list(text, count, expected):
    assert parse_percent_list(text, count) == [Decimal(x) for x in expected]


@pytest.mark.parametrize(
    ("text", "count", "given", "example"),
    [
        ("50, 50", 3, 2, "50; 30; 20"),
        ("50 30 20", 2, 3, "60; 40"),
        ("100", 2, 1, "60; 40"),
        ("20 20 20 20 20", 4, 5, "40; 30; 20; 10"),
        ("50 50", 6, 2, "17; 17; 17; 17; 16; 16"),
    ],
)
def test_parse_percent_list_wrong_count(text, count, given, example):
    message = error_of(parse_percent_list, text, count)
    assert message == T.PERCENT_COUNT.format(expected=count, given=given, example=example)
    assert f"Cần {count} tỷ lệ" in message and f"đã nhập {given}" in message


@pytest.mark.parametrize(
    ("text", "count", "total"),
    [
        ("50, 30, 10", 3, "90"),
        ("33,3; 33,3; 33,3", 3, "99,9"),
        ("50; 49,5", 2, "99,5"),
        ("60 60", 2, "120"),
    ],
)
def test_parse_percent_list_wrong_sum(text, count, total):
    message = error_of(parse_percent_list, text, count)
    assert message == T.PERCENT_SUM.format(total=total, example=P._example_shares(count))
    assert f"{total}%" in message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("50; abc", T.PERCENT_FORMAT.format(text="abc")),
        ("50; 0", T.PERCENT_RANGE.format(text="0")),
        ("", T.EMPTY),
        ("   ", T.EMPTY),
    ],
)
def test_parse_percent_list_refuses_bad_items(text, message):
    assert error_of(parse_percent_list, text, 2) == message


@pytest.mark.parametrize("count", range(1, 12))
def test_percent_examples_total_one_hundred(count):
    example = P._example_shares(count)
    assert parse_percent_list(example, count)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("50"), "50"),
        (Decimal("50.00"), "50"),
        (Decimal("100"), "100"),
        (Decimal("1E+2"), "100"),
        (Decimal("33.3"), "33,3"),
        (Decimal("33.30"), "33,3"),
        (Decimal("99.5"), "99,5"),
        (Decimal("0.25"), "0,25"),
        (Decimal("10"), "10"),
    ],
)
def test_format_percent(value, expected):
    assert format_percent(value) == expected


# --------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(0912) 345 678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("(+84) 912-345-678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("0345678901", "0345678901"),
        ("0567890123", "0567890123"),
        ("0701234567", "0701234567"),
        ("0812345678", "0812345678"),
        ("0229 3864 123", "02293864123"),  # Ninh Bình landline
        ("(024) 3825 1234", "02438251234"),  # Hà Nội landline
        ("+84 24 3825 1234", "02438251234"),
        (" 0912345678\u200b ", "0912345678"),
    ],
)
def test_parse_phone(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "091234567",  # 9 digits
        "09123456789",  # 11-digit mobile
        "1912345678",
        "0112345678",  # no 01x
        "0412345678",
        "0612345678",
        "+1 202 555 0143",
        "0912 345 67a",
        "số điện thoại",
        "0912345678 / 0987654321",
        "0243825123",  # 10-digit landline
    ],
)
def test_parse_phone_refuses(text):
    message = error_of(parse_phone, text)
    assert message == T.PHONE_FORMAT
    assert "0912 345 678" in message


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2.000.000", 2_000_000),
        ("2,000,000", 2_000_000),
        ("2000000", 2_000_000),
        ("2 000 000", 2_000_000),
        ("2.000.000 đ", 2_000_000),
        ("2.000.000đ", 2_000_000),
        ("2.000.000 VNĐ", 2_000_000),
        ("2.000.000 VND", 2_000_000),
        ("2.000.000 vnđ", 2_000_000),
        ("2.000.000 đồng", 2_000_000),
        ("2.000.000 ₫", 2_000_000),
        ("2.000.000,00 đ", 2_000_000),
        ("2,000,000.00", 2_000_000),
        ("VNĐ 2.000.000", 2_000_000),
        ("2 triệu", 2_000_000),
        ("2 Triệu đồng", 2_000_000),
        ("2triệu", 2_000_000),
        ("2 tr", 2_000_000),
        ("2tr", 2_000_000),
        ("2 trieu", 2_000_000),
        ("1,5 triệu", 1_500_000),
        ("1.5 triệu", 1_500_000),
        ("1,25 triệu", 1_250_000),
        ("2 triệu rưỡi", 2_500_000),
        ("500 nghìn", 500_000),
        ("500 ngàn", 500_000),
        ("500 nghin", 500_000),
        ("500k", 500_000),
        ("500 K", 500_000),
        ("1.500 nghìn", 1_500_000),
        ("2 tỷ", 2_000_000_000),
        ("2 tỉ", 2_000_000_000),
        ("2 ty", 2_000_000_000),
        ("1,2 tỷ đồng", 1_200_000_000),
        ("1 tỷ 200 triệu", 1_200_000_000),
        ("2 triệu 500 nghìn", 2_500_000),
        ("10 nghìn tỷ", 10**13),
        ("0", 0),
        ("1", 1),
        ("999", 999),
        ("1.000", 1_000),
        ("1,000", 1_000),
    ],
)
def test_parse_money(text, expected):
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "text",
    ["-2.000.000", "- 2 triệu", "âm 2 triệu", "\u22125000", "10.000.000.000.001", "11 nghìn tỷ", "100000 tỷ"],
)
def test_parse_money_refuses_out_of_range(text):
    message = error_of(parse_money, text)
    assert message == T.MONEY_RANGE.format(limit="10.000.000.000.000")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "đ",
        "hai triệu",
        "nhiều tiền",
        "1.5",  # no unit: not a whole number of đồng
        "2.00.000",  # wrong grouping
        "2,000.000,5",
        "2 triệu 3 tỷ",  # units must go down
        "2 triệu 500",
        "2 trăm",
        "2.000.000 USD",
        "triệu",
        "2 000 00",
    ],
)
def test_parse_money_refuses_unparseable(text):
    message = error_of(parse_money, text)
    assert message == T.MONEY_FORMAT
    assert "ví dụ: 2.000.000 hoặc 2 triệu" in message


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (2_000_000, "2.000.000 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1_000, "1.000 đ"),
        (1_234_567_890, "1.234.567.890 đ"),
    ],
)
def test_format_money(amount, expected):
    assert format_money(amount) == expected
    assert parse_money(expected) == amount


# --------------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------------

TYPES = [
    Option("ky_thuat", "Giải pháp kỹ thuật"),
    Option("quan_ly", "Giải pháp quản lý"),
    Option("tac_nghiep", "Giải pháp tác nghiệp"),
    Option("ung_dung", "Giải pháp ứng dụng tiến bộ kỹ thuật"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", "ky_thuat"),
        ("2", "quan_ly"),
        ("2.", "quan_ly"),
        ("2)", "quan_ly"),
        (" 2 ", "quan_ly"),
        ("số 2", "quan_ly"),
        ("Số 2", "quan_ly"),
        ("so 2", "quan_ly"),
        ("4", "ung_dung"),
        ("Giải pháp kỹ thuật", "ky_thuat"),
        ("giải pháp kỹ thuật", "ky_thuat"),
        ("giai phap ky thuat", "ky_thuat"),
        ("GIAI PHAP KY THUAT", "ky_thuat"),
        ("Giải pháp kỹ thuật.", "ky_thuat"),
        ("ky thuat", "ky_thuat"),  # the distinguishing part of the label
        ("kỹ thuật", "ky_thuat"),
        ("ky", "ky_thuat"),
        ("quản lý", "quan_ly"),
        ("quan ly", "quan_ly"),
        ("quan", "quan_ly"),
        ("giai phap quan", "quan_ly"),  # prefix of the whole label
        ("tác nghiệp", "tac_nghiep"),
        ("tac", "tac_nghiep"),
        ("ứng dụng", "ung_dung"),
        ("tien bo", "ung_dung"),  # whole words inside the label
        ("ung dung tien bo ky thuat", "ung_dung"),
        ("quan_ly", "quan_ly"),  # by value
        ("tac nghiep", "tac_nghiep"),
    ],
)
def test_match_option(text, expected):
    found = match_option(text, TYPES)
    assert found is not None and found.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "0",
        "5",
        "số 9",
        "giai phap",  # all four
        "g",  # too short for a prefix
        "thuat",  # not a prefix, and a whole word of two labels
        "kinh tế",
        "2 3",
    ],
)
def test_match_option_none(text):
    assert match_option(text, TYPES) is None


def test_match_option_ambiguity_is_none_and_uniqueness_matches():
    options = [Option("a", "Quản lý nhà nước"), Option("b", "Quản lý giáo dục"), Option("c", "Y tế")]
    assert match_option("quan ly", options) is None
    assert match_option("quan ly giao", options) == options[1]
    assert match_option("giao duc", options) == options[1]
    assert match_option("y te", options) == options[2]
    assert match_option("y", options) == options[2]  # a whole word of one label
    assert match_option("q", options) is None  # one letter is not enough for a prefix


def test_match_option_exact_beats_prefix():
    options = [Option("gd", "Giáo dục"), Option("gdnn", "Giáo dục nghề nghiệp")]
    assert match_option("giao duc", options) == options[0]
    assert match_option("giao duc nghe", options) == options[1]
    assert match_option("nghe nghiep", options) == options[1]


def test_match_option_numeric_labels():
    years = [Option("2024", "2024"), Option("2025", "2025")]
    assert match_option("2", years) == years[1]  # a number is a position first
    assert match_option("2025", years) == years[1]  # out of range as a position, exact as a label
    assert match_option("2026", years) is None


def test_match_option_no_options():
    assert match_option("1", []) is None
    assert match_option("có", []) is None


def test_match_option_yes_no_buttons():
    options = [Option("yes", "Có"), Option("no", "Không")]
    assert match_option("co", options) == options[0]
    assert match_option("KHÔNG", options) == options[1]
    assert match_option("2", options) == options[1]


# --------------------------------------------------------------------------------------------------
# Yes / no
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "có",
        "Có",
        "CÓ",
        "co",
        "c",
        "đồng ý",
        "Đồng ý!",
        "dong y",
        "ok",
        "OK",
        "Ok.",
        "yes",
        "vâng",
        "Vâng ạ",
        "ừ",
        "rồi",
        "có ạ",
        "dạ có",
        "đúng",
        "  có  ",
        "đồng ý nhé",
    ],
)
def test_is_yes_true(text):
    assert is_yes(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "không",
        "Không",
        "KHÔNG",
        "khong",
        "k",
        "K",
        "ko",
        "no",
        "No",
        "chưa",
        "chua",
        "không ạ",
        "dạ không",
        "không đồng ý",
        "chưa có",
    ],
)
def test_is_yes_false(text):
    assert is_yes(text) is False


@pytest.mark.parametrize("text", ["", "   ", None, "có lẽ", "để tôi xem", "không biết", "maybe", "1", "ạ", "okay lah"])
def test_is_yes_none(text):
    assert is_yes(text) is None
