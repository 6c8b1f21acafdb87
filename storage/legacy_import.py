"""Reading a list of older initiatives (from before the bot) out of a CSV or XLSX file, for `scripts/bot import-old`.

One row per initiative; a header row names the columns, in English or Vietnamese, with or without diacritics
(the first row of the first ten that names a title column): ``year`` (năm), ``unit`` (đơn vị), ``title`` (tên
sáng kiến), ``description`` (mô tả, nội dung, tóm tắt) and ``code`` (mã, số, số biên nhận). Title and year are
required; a year such as "2022-2023" counts as its last year. CSV may be separated by commas, semicolons or tabs
and is read as UTF-8 (Excel's "CSV UTF-8")."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from similarity import fold
from storage.duplicates import LegacyItem

COLUMNS: dict[str, frozenset[str]] = {
    "year": frozenset({"year", "nam", "nam cong nhan", "nam nop", "nam hoc"}),
    "unit": frozenset({"unit", "don vi", "co quan", "noi cong tac", "don vi cong tac"}),
    "title": frozenset({"title", "ten", "ten sang kien", "ten de tai", "ten giai phap"}),
    "description": frozenset(
        {"description", "mo ta", "noi dung", "tom tat", "mo ta tom tat", "tom tat noi dung", "noi dung tom tat"}
    ),
    "code": frozenset({"code", "receipt", "ma", "so", "ma so", "so bien nhan", "so hieu", "ma sang kien"}),
}
MISSING_TITLE = "thiếu tên sáng kiến"
BAD_YEAR = "thiếu năm hoặc năm không hợp lệ"
NO_HEADER = "không tìm thấy dòng tiêu đề có cột tên sáng kiến (title / Tên sáng kiến)"


class LegacyFileError(ValueError):
    pass


@dataclass(frozen=True)
class Problem:
    row: int  # as numbered in the file (the header is row 1 when it is the first row)
    reason: str


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return str(value.year)
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "\n".join(line for line in lines if line)


def _year(value: str) -> int | None:
    found = [int(y) for y in re.findall(r"(?<!\d)(\d{4})(?!\d)", value)]
    return found[-1] if found and 1950 <= found[-1] <= 2100 else None


def _rows_of_csv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise LegacyFileError("không đọc được dưới dạng UTF-8 (lưu lại bằng «CSV UTF-8»)") from error
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text), dialect)]


def _rows_of_xlsx(path: Path) -> list[list[str]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError) as error:
        raise LegacyFileError("không đọc được tệp Excel (.xlsx)") from error
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _header(rows: Sequence[Sequence[str]]) -> tuple[int, dict[str, int]]:
    for number, row in enumerate(rows[:10]):
        columns: dict[str, int] = {}
        for i, name in enumerate(row):
            folded = fold(name)
            for column, aliases in COLUMNS.items():
                if folded in aliases and column not in columns:
                    columns[column] = i
        if "title" in columns:
            return number, columns
    raise LegacyFileError(NO_HEADER)


def parse_rows(rows: Sequence[Sequence[str]]) -> tuple[list[LegacyItem], list[Problem]]:
    start, columns = _header(rows)
    items: list[LegacyItem] = []
    problems: list[Problem] = []

    def get(row: Sequence[str], column: str) -> str:
        i = columns.get(column)
        return row[i].strip() if i is not None and i < len(row) else ""

    for number, row in enumerate(rows[start + 1 :], start + 2):
        if not any(v.strip() for v in row):
            continue
        title, year = get(row, "title"), _year(get(row, "year"))
        if not title:
            problems.append(Problem(number, MISSING_TITLE))
        elif year is None:
            problems.append(Problem(number, BAD_YEAR))
        else:
            items.append(LegacyItem(year, get(row, "unit"), title, get(row, "description"), get(row, "code")[:100]))
    return items, problems


def read_legacy(path: Path) -> tuple[list[LegacyItem], list[Problem]]:
    """The older initiatives listed in a .csv or .xlsx file, and the rows that could not be read."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _rows_of_csv(path)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _rows_of_xlsx(path)
    else:
        raise LegacyFileError("chỉ nhận tệp .csv hoặc .xlsx")
    return parse_rows(rows)


def problems_text(problems: Iterable[Problem], limit: int = 20) -> list[str]:
    shown = list(problems)
    lines = [f"  dòng {p.row}: {p.reason}" for p in shown[:limit]]
    if len(shown) > limit:
        lines.append(f"  … và {len(shown) - limit} dòng khác")
    return lines
