"""Spreadsheets: a title, a header row and data rows per sheet, with widths and wrapping set so the file is
readable as soon as it is opened."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = str | int | float | None

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters (Excel's limit)
    title: str
    headers: tuple[str, ...]
    rows: Sequence[Sequence[Cell]]
    widths: tuple[int, ...] = ()
    notes: tuple[str, ...] = field(default=())


def workbook(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name[:31])
        columns = len(spec.headers)
        sheet.append([spec.title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(columns, 1))
        sheet["A1"].font = Font(bold=True, size=13)
        sheet["A1"].alignment = Alignment(horizontal="center")
        for note in spec.notes:
            sheet.append([note])
        sheet.append([])
        sheet.append(list(spec.headers))
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in spec.rows:
            sheet.append(list(row))
            for cell in sheet[sheet.max_row]:
                cell.border = _BORDER
                cell.alignment = Alignment(vertical="top", wrap_text=True)
        for i, width in enumerate(spec.widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
