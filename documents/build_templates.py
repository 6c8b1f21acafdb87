"""Regenerates the shipped Word templates (documents/templates/*.docx) with python-docx.

    .venv/bin/python -m documents.build_templates

The templates are ordinary .docx files with Jinja tags ({{ title }}, {%tr for a in authors %}) that docxtpl
fills in; they can also be edited by hand in Word or LibreOffice, as long as each tag stays in one piece
of text with one formatting. Running this script overwrites those edits.

Layout as an office files it (Nghị định 30/2020/NĐ-CP on the presentation of documents; form M-02 from Phụ lục I
of Thông tư 18/2013/TT-BKHCN): A4, Times New Roman 13, the national name on one line with a rule under the
motto, numbered sections (1., 2. …; a), b) …), the form's name at the top right corner, one signature per
author, signature blocks kept with the lines before them."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

TEMPLATES = Path(__file__).parent / "templates"
FONT = "Times New Roman"
TEXT_WIDTH_CM = 16.0  # A4 21 cm minus margins 3 cm (left) and 2 cm (right)
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_WIDTH_CM = 6.2  # the motto in 13 pt bold: the rule under it is as wide
PLACE_DATE = "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}"


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.font.size = Pt(13)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.line_spacing = 1.1
    return doc


def _para(container, text: str = "", *, bold=False, italic=False, size=None, align=None, keep=False, after=None):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    paragraph.paragraph_format.widow_control = True
    return paragraph


def _first_para(cell, text: str, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _rule(container, width_cm: float, box_cm: float, *, after: float = 6):
    """A thin line ``width_cm`` long centred in a box ``box_cm`` wide, right under the paragraph before: the bottom
    border of an empty 1 pt paragraph indented from both sides — the rule under the motto, the issuing body and the
    subject line."""
    paragraph = container.add_paragraph()
    indent = max((box_cm - width_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(after), Pt(2)
    paragraph.add_run("").font.size = Pt(1)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # pBdr goes before the spacing and indentation elements (the schema's order).
    p_pr.insert(0, borders)
    return paragraph


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _widths(table, widths: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour: the grid (LibreOffice reads it) and every cell."""
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _row_flags(row, *, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _corner(doc, text: str) -> None:
    _para(doc, text, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)


def _national_header(container, box_cm: float, *, first=None) -> None:
    """The national name (one line) and the motto with its rule, in ``container`` (the page or a table cell)."""
    if first is None:
        _para(container, NATION, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    else:
        _first_para(first, NATION, bold=True, size=12)
    _para(container, MOTTO, bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _rule(container, MOTTO_WIDTH_CM, box_cm)


def _labelled(doc, label: str, tag: str = "", *, indent: float = 0.0, keep: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(label).bold = True
    if tag:
        paragraph.add_run(tag)
    if indent:
        paragraph.paragraph_format.left_indent = Cm(indent)
    if keep:
        paragraph.paragraph_format.keep_with_next = True


def _loop_table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float], *, centred=(0,)) -> None:
    """A table whose middle row repeats once per item (docxtpl's {%tr %} rows); the header row repeats on each
    page and no row splits across pages."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        _first_para(cell, header, bold=True, size=11)
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, tag in enumerate(cells):
        paragraph = table.rows[2].cells[i].paragraphs[0]
        paragraph.add_run(tag).font.size = Pt(12)
        paragraph.paragraph_format.space_after = Pt(0)
        if i in centred:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, widths)
    _row_flags(table.rows[0], header=True)
    _row_flags(table.rows[2])


def _signatures(doc) -> None:
    """Two signatures to a row, a row per pair of authors ({%tr for row in signers %})."""
    table = doc.add_table(rows=3, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.rows[0].cells[0].text = "{%tr for row in signers %}"
    left, right = table.rows[1].cells
    left.paragraphs[0].add_run("{%p set s = row[0] %}")
    _signature_cell_after(left)
    right.paragraphs[0].add_run("{%p set s = row[1] %}")
    _signature_cell_after(right)
    table.rows[2].cells[0].text = "{%tr endfor %}"
    _widths(table, [TEXT_WIDTH_CM / 2, TEXT_WIDTH_CM / 2])
    _row_flags(table.rows[1])


def _signature_cell_after(cell) -> None:
    """The signature block after the cell's first paragraph (which holds the {%p set %} tag)."""
    cell.paragraphs[0].paragraph_format.space_after = Pt(0)
    label = cell.add_paragraph()
    label.add_run("{{ s.label }}").bold = True
    label.alignment = WD_ALIGN_PARAGRAPH.CENTER
    label.paragraph_format.space_before = Pt(6)
    label.paragraph_format.space_after = Pt(0)
    hint = cell.add_paragraph()
    hint.add_run("{{ s.hint }}").italic = True
    hint.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(3):
        cell.add_paragraph()
    name = cell.add_paragraph()
    name.add_run("{{ s.name }}").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.paragraph_format.space_after = Pt(12)


PEOPLE_HEADERS = ["TT", "Họ và tên", "Ngày tháng năm sinh", "Nơi công tác", "Chức danh", "Trình độ chuyên môn"]
PEOPLE_WIDTHS = [0.9, 3.9, 2.6, 2.8, 2.2, 2.3]  # + the last column: 1.3 cm → 16 cm


def build_m02(path: Path) -> None:
    doc = _document()
    _corner(doc, "Mẫu M-02")
    _national_header(doc, TEXT_WIDTH_CM)
    _para(doc, "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(doc, "(Số biên nhận: {{ receipt }})", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    _labelled(doc, "Kính gửi: ", "{{ recipient }}")
    _para(doc, "Tôi (chúng tôi) ghi tên dưới đây:", keep=True)
    _loop_table(
        doc,
        [*PEOPLE_HEADERS, "Tỷ lệ (%) đóng góp"],
        "a in authors",
        [
            "{{ a.no }}",
            "{{ a.name }}",
            "{{ a.birth }}",
            "{{ a.workplace }}",
            "{{ a.position }}",
            "{{ a.qualification }}",
            "{{ a.share }}",
        ],
        [*PEOPLE_WIDTHS, 1.3],
        centred=(0, 2, 6),
    )
    intro = _para(doc, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến:", keep=True)
    intro.paragraph_format.space_before = Pt(6)
    _labelled(doc, "1. Tên sáng kiến: ", "{{ title }}")
    _labelled(doc, "2. Chủ đầu tư tạo ra sáng kiến: ", "{{ investor }}")
    _labelled(doc, "3. Lĩnh vực áp dụng sáng kiến: ", "{{ field }}")
    _labelled(doc, "4. Loại giải pháp: ", "{{ solution_type }}")
    _labelled(doc, "5. Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: ", "{{ first_applied }}")
    _labelled(doc, "6. Mô tả bản chất của sáng kiến:", keep=True)
    _labelled(doc, "a) Tình trạng đã biết và những hạn chế, nhược điểm: ", "{{ current_state }}", indent=0.6)
    _labelled(doc, "b) Nội dung giải pháp, các bước thực hiện và điểm mới: ", "{{ content }}", indent=0.6)
    _labelled(doc, "c) Nơi đã áp dụng và khả năng áp dụng, nhân rộng: ", "{{ scope }}", indent=0.6)
    _labelled(doc, "7. Những thông tin cần được bảo mật (nếu có): ", "{{ confidential }}")
    _labelled(doc, "Mức độ bảo mật: ", "{{ secrecy }}", indent=0.6)
    _labelled(doc, "8. Các điều kiện cần thiết để áp dụng sáng kiến: ", "{{ conditions }}")
    _labelled(
        doc,
        "9. Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tác giả: ",
        "{{ benefit_author }}",
    )
    _labelled(doc, "Giá trị làm lợi ước tính: ", "{{ benefit_value }}", indent=0.6)
    _labelled(
        doc,
        "10. Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tổ chức, "
        "cá nhân đã tham gia áp dụng sáng kiến lần đầu, kể cả áp dụng thử (nếu có): ",
        "{{ benefit_users }}",
    )
    _labelled(
        doc,
        "11. Danh sách những người đã tham gia áp dụng thử hoặc áp dụng sáng kiến lần đầu (nếu có): ",
        "{{ participants_note }}",
        keep=True,
    )
    _para(doc, "{%p if participants %}")
    _loop_table(
        doc,
        [*PEOPLE_HEADERS, "Nội dung công việc hỗ trợ"],
        "p in participants",
        [
            "{{ p.no }}",
            "{{ p.name }}",
            "{{ p.birth }}",
            "{{ p.workplace }}",
            "{{ p.position }}",
            "{{ p.qualification }}",
            "{{ p.task }}",
        ],
        [0.9, 3.4, 2.6, 2.8, 1.9, 2.0, 2.4],
        centred=(0, 2),
    )
    _para(doc, "{%p endif %}")
    _labelled(doc, "12. Tài liệu kèm theo: ", "{{ attachments }}")
    declaration = _para(
        doc,
        "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và hoàn toàn "
        "chịu trách nhiệm trước pháp luật./.",
        keep=True,
    )
    declaration.paragraph_format.first_line_indent = Cm(1)
    declaration.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    dated = _para(doc, PLACE_DATE, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, keep=True)
    dated.paragraph_format.space_before = Pt(6)
    _signatures(doc)
    doc.save(path)


def build_m01(path: Path) -> None:
    doc = _document()
    _corner(doc, "Mẫu M-01")
    header = doc.add_table(rows=1, cols=2)
    _no_borders(header)
    left, right = header.rows[0].cells
    _first_para(left, "{{ unit_upper }}", bold=True, size=12)
    _rule(left, 2.5, 6.0, after=0)
    number = left.add_paragraph()
    number.add_run("Số: ……/TTr-{{ unit_code }}").font.size = Pt(13)
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.space_before = Pt(6)
    _national_header(right, 10.4, first=right)
    dated = right.add_paragraph()
    dated.add_run(PLACE_DATE).italic = True
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _widths(header, [6.0, 10.4])
    _para(doc, after=6)
    _para(doc, "TỜ TRÌNH", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    _para(
        doc,
        "Về việc đề nghị xét công nhận sáng kiến năm {{ campaign_year }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        after=0,
    )
    _rule(doc, 4.0, TEXT_WIDTH_CM, after=10)
    recipient = _para(doc, "Kính gửi: {{ recipient }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=8)
    recipient.runs[0].bold = False
    body = _para(doc, "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến;")
    body.paragraph_format.first_line_indent = Cm(1)
    body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    lead = _para(
        doc,
        "{{ unit }} đề nghị Hội đồng xem xét, công nhận {{ count }} sáng kiến của cán bộ, công chức, viên chức "
        "đơn vị, cụ thể như sau:",
        keep=True,
    )
    lead.paragraph_format.first_line_indent = Cm(1)
    lead.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _loop_table(
        doc,
        ["TT", "Số biên nhận", "Tên sáng kiến", "Tác giả, đồng tác giả", "Lĩnh vực", "Ngày nộp"],
        "i in initiatives",
        ["{{ i.no }}", "{{ i.receipt }}", "{{ i.title }}", "{{ i.authors }}", "{{ i.field }}", "{{ i.submitted }}"],
        [0.9, 3.0, 4.3, 3.3, 2.0, 2.5],
        centred=(0, 1, 5),
    )
    attached = _para(doc, "(Kèm theo hồ sơ đề nghị công nhận của từng sáng kiến.)", italic=True)
    attached.paragraph_format.space_before = Pt(6)
    closing = _para(doc, "{{ unit }} kính đề nghị Hội đồng xem xét./.", keep=True, after=6)
    closing.paragraph_format.first_line_indent = Cm(1)
    footer = doc.add_table(rows=1, cols=2)
    _no_borders(footer)
    left, right = footer.rows[0].cells
    _first_para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    for line in ("- Như trên;", "- Lưu: VT."):
        item = left.add_paragraph()
        item.add_run(line).font.size = Pt(11)
        item.paragraph_format.space_after = Pt(0)
    _first_para(right, "THỦ TRƯỞNG ĐƠN VỊ", bold=True)
    sign = right.add_paragraph()
    sign.add_run("(Ký, ghi rõ họ tên và đóng dấu)").italic = True
    sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for _ in range(3):
        right.add_paragraph()
    name = right.add_paragraph()
    name.add_run("{{ head_name }}").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _widths(footer, [7.0, 9.0])
    _row_flags(footer.rows[0])
    doc.save(path)


def main() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    build_m02(TEMPLATES / "m02.docx")
    build_m01(TEMPLATES / "m01.docx")
    print(f"written: {TEMPLATES / 'm02.docx'}, {TEMPLATES / 'm01.docx'}")


if __name__ == "__main__":
    main()
