"""One voice over the whole text catalogue (handlers/texts/STYLE.md): one tone-mark convention, one name per role,
no buttons promised. Every string constant of every module in handlers/texts/ is read, so texts added later are
checked too."""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from handlers.attachments import size_text

TEXTS = Path(__file__).resolve().parent.parent / "handlers" / "texts"
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng


def catalogue() -> list[tuple[str, int, str]]:
    """(file, line, text) for every string constant in handlers/texts/*.py, f-string pieces included."""
    found = []
    for path in sorted(TEXTS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append((path.name, node.lineno, node.value))
    return found


def new_style_marks(text: str) -> list[str]:
    """Syllables with the tone mark on the last vowel of a final oa / oe / uy (hoà, khoẻ, thuỷ), the placement
    this catalogue does not use."""
    bad = []
    for word in re.findall(r"\w+", unicodedata.normalize("NFC", text)):
        letters: list[str] = []
        marked = -1
        for ch in unicodedata.normalize("NFD", word.lower()):
            if ch in _TONES:
                marked = len(letters) - 1
            elif unicodedata.combining(ch):
                letters[-1] += ch
            else:
                letters.append(ch)
        plain = "".join(unicodedata.normalize("NFC", c) for c in letters)
        if marked == len(letters) - 1 and re.search(r"(?<!q)(oa|oe|uy)$", plain):
            bad.append(word)
    return bad


@pytest.mark.parametrize("word", ["hoà", "khoá", "Xoá", "mã hoá", "khoẻ", "thuỷ", "tuỳ", "Huỷ", "luỹ"])
def test_the_check_catches_the_other_convention(word: str) -> None:
    assert new_style_marks(word)


@pytest.mark.parametrize(
    "word", ["hòa", "khóa", "Xóa", "khỏe", "thủy", "tùy", "Hủy", "quý", "quỳnh", "hoàn", "toán", "thuyết", "khuya"]
)
def test_the_check_accepts_the_chosen_convention(word: str) -> None:
    assert not new_style_marks(word)


def test_one_tone_mark_convention_in_every_text() -> None:
    offenders = [(f, line, w) for f, line, text in catalogue() for w in new_style_marks(text)]
    assert offenders == [], offenders


SECRETARIAT = "Thường trực Hội đồng"


def wrong_secretariat_name(text: str) -> bool:
    """Any name of the secretariat other than exactly «Thường trực Hội đồng» (or its upper-case heading)."""
    if "Thường trực Hội đồng sáng kiến" in text or re.search("thư ký", text, re.IGNORECASE):
        return True
    rest = text.replace(SECRETARIAT, "").replace(SECRETARIAT.upper(), "")
    return bool(re.search("thường trực", rest, re.IGNORECASE))


ROLE_CHECKS = {
    "the secretariat is «Thường trực Hội đồng»": wrong_secretariat_name,
    "the council is «Hội đồng» with a capital": lambda text: "hội đồng" in text,
    "the head of a unit is «thủ trưởng đơn vị»": lambda text: bool(
        re.search("thủ trưởng(?! đơn vị)", text, re.IGNORECASE)
    ),
}


@pytest.mark.parametrize("rule", sorted(ROLE_CHECKS))
def test_one_name_per_role_in_every_text(rule: str) -> None:
    check = ROLE_CHECKS[rule]
    offenders = [(f, line, text[:80]) for f, line, text in catalogue() if check(text)]
    assert offenders == [], offenders


def test_role_check_catches_the_other_names() -> None:
    others = ["báo thư ký hội đồng", "THƯ KÝ", "thường trực hội đồng", "Thường trực Hội đồng sáng kiến", "thường trực"]
    assert all(wrong_secretariat_name(other) for other in others)
    assert not wrong_secretariat_name("báo Thường trực Hội đồng.") and not wrong_secretariat_name("/thuky")
    assert ROLE_CHECKS["the head of a unit is «thủ trưởng đơn vị»"]("cấp quyền thủ trưởng (/capquyen)")
    assert ROLE_CHECKS["the council is «Hội đồng» with a capital"]("thành viên hội đồng")


def test_no_text_promises_buttons() -> None:
    offenders = [(f, line) for f, line, text in catalogue() if re.search(r"bấm|nút", text, re.IGNORECASE)]
    assert offenders == [], offenders


@pytest.mark.parametrize(
    ("size", "shown"), [(45, "45 byte"), (2048, "2 KB"), (10 * 1024 * 1024, "10 MB"), (1536 * 1024, "1,5 MB")]
)
def test_file_sizes_read_naturally(size: int, shown: str) -> None:
    assert size_text(size) == shown
