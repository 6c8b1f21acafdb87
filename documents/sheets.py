"""Spreadsheets laid out to be printed and filed: a title, notes, a header row and data rows per sheet; A4
landscape fitted to the page width with the title and header rows repeated on every page; Times New Roman
(every Vietnamese mark renders, also on a bold title); money as 2.000.000; row heights that fit wrapped text."""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None

FONT = "Times New Roman"
SIZE = 11
# Dots as thousands separators whatever the reader's locale: 2000000 shows as 2.000.000.
MONEY_FORMAT = '[>=1000000]#"."###"."###;[>=1000]#"."###;0'
# Points with two decimals in the Vietnamese locale (LibreOffice shows 94,50; Excel follows the system's separator).
SCORE_FORMAT = "[$-42A]0.00"
_LINE_POINTS = 14.5  # one line of 11 pt text
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_PLAIN, _CENTRED = "Ô dữ liệu", "Ô dữ liệu giữa"


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters (Excel's limit)
    title: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    widths: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default=())
    money: tuple[int, ...] = ()  # 0-based columns holding amounts in đồng
    scores: tuple[int, ...] = ()  # 0-based columns holding points (two decimals)
    centred: tuple[int, ...] = (0,)  # 0-based columns centred (STT, receipt numbers, classes)


def _lines(value: Cell, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` characters wide (a close estimate)."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(len(part) / usable)) for part in str(value).split("\n"))


def _fit_height(sheet: Worksheet, row: int, values: Sequence[Cell], widths: Sequence[float], bold: bool) -> None:
    lines = max((_lines(v, widths[i] * (0.92 if bold else 1)) for i, v in enumerate(values)), default=1)
    sheet.row_dimensions[row].height = round(lines * _LINE_POINTS + 4, 2)


def _merged_line(sheet: Worksheet, text: str, columns: int, font: Font, height: float) -> None:
    sheet.append([text])
    row = sheet.max_row
    sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=max(columns, 1))
    cell = sheet.cell(row=row, column=1)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.row_dimensions[row].height = height


def _page_setup(sheet: Worksheet, header_row: int) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages as the rows need, never wider than one page
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.print_title_rows = f"1:{header_row}"
    sheet.oddFooter.center.text = "Trang &P/&N"
    sheet.oddFooter.center.font = FONT


def _add_sheet(book: Workbook, spec: Sheet) -> None:
    sheet = book.create_sheet(spec.name[:31])
    columns = len(spec.headers)
    widths = [float(w) for w in spec.widths] + [12.0] * max(0, columns - len(spec.widths))
    for i, width in enumerate(widths[:columns], 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    total = sum(widths[:columns])
    title_lines = _lines(spec.title, total * 0.75)  # 14 pt bold capitals are wider than body text
    _merged_line(sheet, spec.title, columns, Font(name=FONT, bold=True, size=14), title_lines * 21 + 9)
    for note in spec.notes:
        _merged_line(sheet, note, columns, Font(name=FONT, italic=True, size=SIZE), _LINE_POINTS + 4)
    sheet.append([])
    sheet.append(list(spec.headers))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(name=FONT, bold=True, size=SIZE)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _fit_height(sheet, header_row, spec.headers, widths, bold=True)
    for values in spec.rows:
        sheet.append(list(values))
        row = sheet.max_row
        for i, cell in enumerate(sheet[row]):
            cell.style = _CENTRED if i in spec.centred else _PLAIN
            if i in spec.money:
                cell.number_format = MONEY_FORMAT
            elif i in spec.scores:
                cell.number_format = SCORE_FORMAT
        shown = [
            f"{v:,}".replace(",", ".") if i in spec.money and isinstance(v, int) else v for i, v in enumerate(values)
        ]
        _fit_height(sheet, row, shown, widths, bold=False)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    _page_setup(sheet, header_row)


def _add_cell_styles(book: Workbook) -> None:
    """Data cells take one of two named styles: setting font, border and alignment one by one made openpyxl
    hash a style object per cell, seconds for a workbook of a few hundred rows."""
    for name, horizontal in ((_PLAIN, None), (_CENTRED, "center")):
        style = NamedStyle(name=name)
        style.font = Font(name=FONT, size=SIZE)
        style.border = _BORDER
        style.alignment = Alignment(horizontal=horizontal, vertical="top", wrap_text=True)
        book.add_named_style(style)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _add_cell_styles(book)
    for spec in sheets:
        _add_sheet(book, spec)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
