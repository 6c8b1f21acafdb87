"""Regenerates the shipped Word templates (documents/templates/*.docx) with python-docx.

    .venv/bin/python -m documents.build_templates

The templates are ordinary .docx files with Jinja tags ({{ title }}, {%tr for a in authors %}) that docxtpl
fills in; they can also be edited by hand in Word or LibreOffice, as long as each tag stays in one piece
of text with one formatting. Running this script overwrites those edits."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

TEMPLATES = Path(__file__).parent / "templates"
FONT = "Times New Roman"


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.paragraph_format.space_after = Pt(4)
    return doc


def _para(doc, text: str = "", *, bold: bool = False, italic: bool = False, size: int | None = None, align=None):
    paragraph = doc.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _labelled(doc, label: str, tag: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(label).bold = True
    paragraph.add_run(tag)


def _loop_table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float]) -> None:
    """A table whose middle row repeats once per item (docxtpl's {%tr %} rows)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        run.font.size = Pt(11)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for i, tag in enumerate(cells):
        cell = table.rows[2].cells[i]
        cell.text = ""
        cell.paragraphs[0].add_run(tag).font.size = Pt(11)
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        for i, width in enumerate(widths):
            row.cells[i].width = Cm(width)


def _national_header(doc) -> None:
    _para(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "Độc lập - Tự do - Hạnh phúc", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "―――――――――――", align=WD_ALIGN_PARAGRAPH.CENTER)


def build_m02(path: Path) -> None:
    doc = _document()
    _national_header(doc)
    _para(doc, "ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "(Mẫu M-02 — Số biên nhận: {{ receipt }})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _labelled(doc, "Kính gửi: ", "{{ recipient }}")
    _para(doc, "Tôi (chúng tôi) ghi tên dưới đây:")
    _loop_table(
        doc,
        [
            "TT",
            "Họ và tên",
            "Ngày tháng năm sinh",
            "Nơi công tác",
            "Chức danh",
            "Trình độ chuyên môn",
            "Tỷ lệ (%) đóng góp",
        ],
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
        [1.0, 3.2, 2.4, 3.0, 2.2, 2.6, 1.6],
    )
    _labelled(doc, "Là tác giả (nhóm tác giả) đề nghị xét công nhận sáng kiến: ", "{{ title }}")
    _labelled(doc, "- Chủ đầu tư tạo ra sáng kiến: ", "{{ investor }}")
    _labelled(doc, "- Lĩnh vực áp dụng sáng kiến: ", "{{ field }}")
    _labelled(doc, "- Loại giải pháp: ", "{{ solution_type }}")
    _labelled(doc, "- Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử: ", "{{ first_applied }}")
    _para(doc, "- Mô tả bản chất của sáng kiến:", bold=True)
    _labelled(doc, "+ Tình trạng đã biết và những hạn chế, nhược điểm: ", "{{ current_state }}")
    _labelled(doc, "+ Nội dung giải pháp, các bước thực hiện và điểm mới: ", "{{ content }}")
    _labelled(doc, "+ Nơi đã áp dụng và khả năng áp dụng, nhân rộng: ", "{{ scope }}")
    _labelled(doc, "- Những thông tin cần được bảo mật (nếu có): ", "{{ confidential }}")
    _labelled(doc, "- Mức độ bảo mật: ", "{{ secrecy }}")
    _labelled(doc, "- Các điều kiện cần thiết để áp dụng sáng kiến: ", "{{ conditions }}")
    _labelled(
        doc,
        "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tác giả: ",
        "{{ benefit_author }}",
    )
    _labelled(doc, "  Giá trị làm lợi ước tính: ", "{{ benefit_value }}")
    _labelled(
        doc,
        "- Đánh giá lợi ích thu được hoặc dự kiến có thể thu được do áp dụng sáng kiến theo ý kiến của tổ chức, "
        "cá nhân đã tham gia áp dụng sáng kiến lần đầu, kể cả áp dụng thử: ",
        "{{ benefit_users }}",
    )
    _para(
        doc,
        "- Danh sách những người đã tham gia áp dụng thử hoặc áp dụng sáng kiến lần đầu (nếu có): "
        "{{ participants_note }}",
        bold=False,
    )
    _loop_table(
        doc,
        [
            "TT",
            "Họ và tên",
            "Ngày tháng năm sinh",
            "Nơi công tác",
            "Chức danh",
            "Trình độ chuyên môn",
            "Nội dung công việc hỗ trợ",
        ],
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
        [1.0, 3.0, 2.4, 2.8, 2.2, 2.4, 2.2],
    )
    _labelled(doc, "Tài liệu kèm theo: ", "{{ attachments }}")
    _para(
        doc,
        "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và hoàn toàn "
        "chịu trách nhiệm trước pháp luật.",
        italic=True,
    )
    _para(
        doc, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT
    )
    _para(doc, "Người nộp đơn", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "(Ký và ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc)
    _para(doc, "{{ author_name }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(path)


def build_m01(path: Path) -> None:
    doc = _document()
    header = doc.add_table(rows=1, cols=2)
    left, right = header.rows[0].cells
    left.width, right.width = Cm(7), Cm(9)
    left.text = ""
    run = left.paragraphs[0].add_run("{{ unit_upper }}")
    run.bold = True
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    number = left.add_paragraph("Số: ……/TTr-{{ unit_code }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.text = ""
    run = right.paragraphs[0].add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    motto = right.add_paragraph()
    motto.add_run("Độc lập - Tự do - Hạnh phúc").bold = True
    motto.alignment = WD_ALIGN_PARAGRAPH.CENTER
    dated = right.add_paragraph()
    dated.add_run("{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}").italic = True
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc)
    _para(doc, "TỜ TRÌNH", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(
        doc,
        "Về việc đề nghị xét công nhận sáng kiến năm {{ campaign_year }}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _para(doc, "(Mẫu M-01)", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _labelled(doc, "Kính gửi: ", "{{ recipient }}")
    _para(doc, "Căn cứ Nghị định số 13/2012/NĐ-CP ngày 02/3/2012 của Chính phủ ban hành Điều lệ Sáng kiến;")
    _para(
        doc,
        "{{ unit }} đề nghị Hội đồng xem xét, công nhận {{ count }} sáng kiến của cán bộ, công chức, viên chức "
        "đơn vị, cụ thể như sau:",
    )
    _loop_table(
        doc,
        ["TT", "Số biên nhận", "Tên sáng kiến", "Tác giả, đồng tác giả", "Lĩnh vực", "Ngày nộp", "Tình trạng"],
        "i in initiatives",
        [
            "{{ i.no }}",
            "{{ i.receipt }}",
            "{{ i.title }}",
            "{{ i.authors }}",
            "{{ i.field }}",
            "{{ i.submitted }}",
            "{{ i.status }}",
        ],
        [1.0, 2.4, 4.2, 3.2, 2.2, 1.8, 1.8],
    )
    _para(doc, "(Kèm theo hồ sơ đề nghị công nhận của từng sáng kiến.)", italic=True)
    _para(doc, "{{ unit }} kính đề nghị Hội đồng xem xét./.")
    footer = doc.add_table(rows=1, cols=2)
    left, right = footer.rows[0].cells
    left.text = ""
    left.paragraphs[0].add_run("Nơi nhận:").bold = True
    left.add_paragraph("- Như trên;")
    left.add_paragraph("- Lưu: VT.")
    right.text = ""
    right.paragraphs[0].add_run("THỦ TRƯỞNG ĐƠN VỊ").bold = True
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    sign = right.add_paragraph()
    sign.add_run("(Ký, ghi rõ họ tên và đóng dấu)").italic = True
    sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
    right.add_paragraph()
    name = right.add_paragraph()
    name.add_run("{{ head_name }}").bold = True
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.save(path)


def main() -> None:
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    build_m02(TEMPLATES / "m02.docx")
    build_m01(TEMPLATES / "m01.docx")
    print(f"written: {TEMPLATES / 'm02.docx'}, {TEMPLATES / 'm01.docx'}")


if __name__ == "__main__":
    main()
