"""The reports as files: a body's yearly list (Excel), the province overview (Excel, a sheet per breakdown) and
its chart (PNG). Laid out by documents.sheets and documents.chart from the builders' data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, tzinfo

from documents import chart, sheets
from handlers.catalogue import field_label
from handlers.parsing import format_date
from handlers.reports.builders import Overview, OverviewRow, YearReport
from handlers.reports.store import BodyTally, FiledReport, RecognisedEntry
from handlers.texts import reports as T
from handlers.types import Document

CHART_TOP = 20  # bodies drawn at most; the chart names the others' count


def grade_text(grade: str) -> str:
    return T.GRADE_LABEL.format(grade=grade) if grade else T.CERTIFICATE_ONLY


def decision_text(entry: RecognisedEntry) -> str:
    if not entry.decision_number or entry.decision_date is None:
        return T.DECISION_PENDING
    return T.DECISION_LABEL.format(number=entry.decision_number, date=format_date(entry.decision_date))


def field_text(code: str) -> str:
    return field_label(code) if code else T.H_NO_FIELD


def authors_text(authors: Sequence[str]) -> str:
    return ", ".join(authors) or T.NO_AUTHOR


# --- a body's yearly list ------------------------------------------------------------------------------------
def _figures(tally: BodyTally) -> list[list[sheets.Cell]]:
    rows: list[list[sheets.Cell]] = [[T.FIGURE_FILED, tally.filed], [T.FIGURE_RECOGNISED, tally.recognised]]
    for grade in sorted(g for g in tally.by_grade if g):
        rows.append([T.FIGURE_GRADE.format(grade=grade), tally.by_grade[grade]])
    if tally.by_grade.get(""):
        rows.append([T.FIGURE_CERTIFICATE, tally.by_grade[""]])
    rows += [
        [T.FIGURE_TRANSFERS, tally.transfers],
        [T.FIGURE_UNDER_REVIEW, tally.under_review],
        [T.FIGURE_WAITING, tally.waiting],
        [T.FIGURE_UNITS.format(quota=tally.quota), f"{tally.units_met}/{tally.units}"],
    ]
    return [[n, *row] for n, row in enumerate(rows, 1)]


def year_report_document(report: YearReport, today: date) -> Document:
    notes = (T.BODY_NOTE.format(body=report.body.name), T.MADE_NOTE.format(date=format_date(today)))
    recognised: list[list[sheets.Cell]] = [
        [
            n,
            e.receipt_no,
            e.title,
            authors_text(e.authors),
            e.unit or T.NO_UNIT,
            field_text(e.field),
            grade_text(e.grade),
            decision_text(e),
        ]
        for n, e in enumerate(report.recognised, 1)
    ]
    transfers: list[list[sheets.Cell]] = [
        [
            n,
            t.receipt_no,
            t.title,
            authors_text(t.authors),
            t.unit or T.NO_UNIT,
            t.recipient,
            format_date(t.on),
            t.agreement,
        ]
        for n, t in enumerate(report.transfers, 1)
    ]
    book = sheets.workbook(
        [
            sheets.Sheet(
                name=T.SHEET_RECOGNISED,
                title=T.RECOGNISED_TITLE.format(year=report.year),
                headers=(T.H_NO, T.H_RECEIPT, T.H_TITLE, T.H_AUTHORS, T.H_UNIT, T.H_FIELD, T.H_GRADE, T.H_DECISION),
                rows=recognised,
                widths=(5, 13, 36, 24, 24, 16, 12, 22),
                notes=notes,
                centred=(0, 1, 6),
            ),
            sheets.Sheet(
                name=T.SHEET_TRANSFERS,
                title=T.TRANSFERS_TITLE.format(year=report.year),
                headers=(
                    T.H_NO,
                    T.H_RECEIPT,
                    T.H_TITLE,
                    T.H_AUTHORS,
                    T.H_UNIT,
                    T.H_RECIPIENT,
                    T.H_TRANSFER_DATE,
                    T.H_AGREEMENT,
                ),
                rows=transfers,
                widths=(5, 13, 34, 22, 22, 26, 12, 26),
                notes=notes,
                centred=(0, 1, 6),
            ),
            sheets.Sheet(
                name=T.SHEET_FIGURES,
                title=T.FIGURES_TITLE.format(year=report.year),
                headers=(T.H_NO, T.H_ITEM, T.H_VALUE),
                rows=_figures(report.tally),
                widths=(6, 56, 14),
                notes=notes,
                centred=(0, 2),
            ),
        ]
    )
    return Document(T.YEAR_FILE.format(year=report.year, code=report.body.code), book, sheets.XLSX_MIME)


# --- the province overview -----------------------------------------------------------------------------------
def report_cell(report: FiledReport | None, tz: tzinfo) -> str:
    if report is None:
        return T.REPORT_MISSING_CELL
    return T.REPORT_FILED_CELL.format(date=format_date(report.filed_at.astimezone(tz).date()))


def _breakdown(
    overview: Overview, keys: Sequence[str], counts: Callable[[BodyTally], Mapping[str, int]]
) -> list[list[sheets.Cell]]:
    rows: list[list[sheets.Cell]] = []
    for n, row in enumerate(overview.rows, 1):
        values = [counts(row.tally).get(k, 0) for k in keys]
        rows.append([n, row.body.code, row.body.name, *values, sum(values)])
    sums = [sum(counts(r.tally).get(k, 0) for r in overview.rows) for k in keys]
    rows.append([None, None, T.TOTAL, *sums, sum(sums)])
    return rows


def overview_document(overview: Overview, today: date, tz: tzinfo) -> Document:
    year = overview.year
    notes = (T.MADE_NOTE.format(date=format_date(today)),)

    def line(n: int | None, row: OverviewRow | None, tally: BodyTally) -> list[sheets.Cell]:
        return [
            n,
            row.body.code if row else None,
            row.body.name if row else T.TOTAL,
            tally.filed,
            tally.recognised,
            tally.transfers,
            tally.duplicates,
            tally.units,
            tally.units_met,
            tally.quota if row else None,
            (T.YES if tally.quota_met else T.NO) if row else None,
            report_cell(row.year_report, tz) if row else f"{len(overview.rows) - len(overview.not_filed)}",
            report_cell(row.mid_report, tz) if row else f"{sum(1 for r in overview.rows if r.mid_report)}",
        ]

    main = [line(n, row, row.tally) for n, row in enumerate(overview.rows, 1)]
    main.append(line(None, None, overview.total))
    grades = overview.grades
    fields = overview.fields()
    recognised_fields = overview.fields(recognised=True)

    def breakdown(
        name: str, title: str, labels: list[str], keys: Sequence[str], counts: Callable[[BodyTally], Mapping[str, int]]
    ) -> sheets.Sheet:
        """One row per body and one column per class or field."""
        return sheets.Sheet(
            name=name,
            title=title.format(year=year),
            headers=(T.H_NO, T.H_CODE, T.H_BODY, *labels, T.TOTAL),
            rows=_breakdown(overview, keys, counts),
            widths=(5, 10, 34, *[12] * len(keys), 10),
            notes=notes,
            centred=(0, 1, *range(3, 4 + len(keys))),
        )

    book = sheets.workbook(
        [
            sheets.Sheet(
                name=T.SHEET_OVERVIEW,
                title=T.OVERVIEW_SHEET_TITLE.format(year=year),
                headers=(
                    T.H_NO,
                    T.H_CODE,
                    T.H_BODY,
                    T.H_FILED,
                    T.H_RECOGNISED,
                    T.H_TRANSFERS,
                    T.H_DUPLICATES,
                    T.H_UNITS,
                    T.H_UNITS_MET,
                    T.H_QUOTA,
                    T.H_QUOTA_MET,
                    T.H_YEAR_REPORT,
                    T.H_MID_REPORT,
                ),
                rows=main,
                widths=(5, 10, 34, 10, 10, 10, 10, 8, 10, 9, 10, 14, 14),
                notes=notes,
                centred=(0, 1, *range(3, 13)),
            ),
            breakdown(T.SHEET_GRADES, T.GRADES_TITLE, [grade_text(g) for g in grades], grades, lambda t: t.by_grade),
            breakdown(T.SHEET_FIELDS, T.FIELDS_TITLE, [field_text(f) for f in fields], fields, lambda t: t.by_field),
            breakdown(
                T.SHEET_FIELDS_RECOGNISED,
                T.FIELDS_RECOGNISED_TITLE,
                [field_text(f) for f in recognised_fields],
                recognised_fields,
                lambda t: t.recognised_by_field,
            ),
        ]
    )
    return Document(T.OVERVIEW_FILE.format(year=year), book, sheets.XLSX_MIME)


def overview_chart(overview: Overview) -> tuple[Document, bool]:
    """Filed against recognised per body (the CHART_TOP bodies with most filed when there are more); whether
    the chart had to leave bodies out."""
    shown = overview.top(CHART_TOP)
    png = chart.bar_chart(
        T.CHART_TITLE.format(year=overview.year),
        [r.body.name for r in shown],
        [
            (T.CHART_FILED, [r.tally.filed for r in shown]),
            (T.CHART_RECOGNISED, [r.tally.recognised for r in shown]),
        ],
        T.CHART_AXIS,
    )
    return Document(T.CHART_FILE.format(year=overview.year), png, chart.PNG_MIME), len(shown) < len(overview.rows)
