"""The official documents as printed: each one made through the bot (M-02, M-01, the results table, the yearly list
with a recorded decision and transfer), rendered to PDF by LibreOffice and read back with poppler — page count,
the national name on one line, every author signing, no blank page, money as 2.000.000 — with a PNG of each first
page saved under test-artifacts/ for a person to look at. Skipped, with the reason, where LibreOffice is absent."""

from __future__ import annotations

import asyncio
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as Word
from docx.oxml.ns import qn
from openpyxl import load_workbook

from bot.app import App
from handlers.domain import Person, Role
from handlers.types import Document
from tests.review_support import accept, application, chat, person, publish_round, scored, submit
from tests.support import Chat, Clock

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("pdfinfo")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
UNIT = "Trường THCS Quang Trung"
AUTHORS = ["Nguyễn Thị Minh Nguyệt", "Trần Quốc Bảo", "Lê Hoàng Phương Thảo"]
CONTENT = (
    "Bước 1: rà soát toàn bộ hồ sơ học sinh, số hóa sổ điểm và gắn mã QR cho từng học sinh.\n"
    "Bước 2: phụ huynh quét mã để xem điểm, lịch học và thông báo của nhà trường.\n"
    "Bước 3: giáo viên chủ nhiệm cập nhật nhận xét hằng tuần; tổ văn phòng tổng hợp báo cáo cuối tháng.\n"
    "Điểm mới: không cần cài đặt ứng dụng, dùng được trên mọi điện thoại có camera."
)

needs_tools = pytest.mark.skipif(
    not (SOFFICE and POPPLER),
    reason="LibreOffice or poppler-utils not installed (Debian: apt-get install -y libreoffice-writer "
    "libreoffice-calc poppler-utils); .ci/run installs them when it can",
)


def three_authors(author: Person) -> dict:
    coauthors = [
        {
            "full_name": name,
            "birth_date": "1990-09-02",
            "workplace": UNIT,
            "position": "Giáo viên",
            "qualification": "Thạc sĩ Quản lý giáo dục",
        }
        for name in AUTHORS[1:]
    ]
    return application(
        author,
        UNIT,
        "Số hóa sổ liên lạc điện tử bằng mã QR cho học sinh trung học cơ sở",
        content=CONTENT,
        coauthors=coauthors,
        shares=["50", "30", "20"],
        author_qualification="Thạc sĩ Quản lý giáo dục",
        benefit_users="Phụ huynh nắm kết quả học tập kịp thời; giảm 60% số cuộc gọi hỏi điểm.",
        attachments=[{"id": 1, "name": "quy-trinh-so-hoa.pdf", "size": 10}],
    )


async def documents(app: App, clock: Clock) -> tuple[dict[str, Document], Chat]:
    """Three initiatives of one unit scored and published (one not recognised), a decision and a transfer
    recorded, then every document fetched through the bot as its users would."""
    secretary = await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    members = [await person(app, f"Thành viên {k}", "P-NV", user_id=f"m{k}", roles=(Role.COUNCIL,)) for k in (1, 2)]
    await person(app, "Phạm Thị Hoa", "THCS-QT", user_id="head", roles=(Role.UNIT_HEAD,), position="Hiệu trưởng")
    author = await person(app, AUTHORS[0], "THCS-QT", user_id="a1")
    cases = [
        (three_authors(author), (28, 28, 38)),
        (application(author, UNIT, "Thư viện sách nói cho học sinh khiếm thị"), (24, 24, 30)),
        (application(author, UNIT, "Bảng phân công trực nhật bằng giấy"), (10, 10, 15)),
    ]
    for data, points in cases:
        initiative = await submit(app, clock, author, data)
        initiative = await accept(app, clock, initiative, secretary)
        await scored(app, clock, initiative, dict.fromkeys(members, points))
    sec = await publish_round(app, "sec")
    await sec.say("/quyetdinh 1 125/QĐ-UBND 20/05/2026")
    assert "Đã ghi quyết định công nhận đợt Đợt I năm 2026: số 125/QĐ-UBND ngày 20/05/2026" in sec.text, sec.text
    await sec.say("/chuyengiao SK-2026-0001; Trường THCS Chu Văn An; 15/09/2026; Biên bản thỏa thuận số 12/BB")
    assert "Đã ghi nhận: sáng kiến SK-2026-0001 chuyển giao cho Trường THCS Chu Văn An ngày 15/09/2026" in sec.text
    made: dict[str, Document] = {}
    for key, who, command in (
        ("m02", sec, "/taidon SK-2026-0001"),
        ("results", sec, "/ketqua 1"),
        ("year", sec, "/danhsachnam 2026"),
    ):
        await who.say(command)
        found = next(r.document for r in reversed(who.replies) if r.document is not None)
        made[key] = found
    head = chat(app, "head")
    await head.say("/totrinh")
    made["m01"] = next(r.document for r in reversed(head.replies) if r.document is not None)
    return made, sec


async def test_transfers_and_decisions_are_recorded_and_listed(app: App, clock: Clock) -> None:
    made, sec = await documents(app, clock)
    await sec.say("/chuyengiao SK-2026-0003; Trường B; 15/09/2026; Hợp đồng 1")
    assert "chưa được công nhận" in sec.text  # only recognised initiatives are transferred
    await sec.say("/chuyengiao SK-2026-0001; Trường B; 15/09/2026")
    assert "ghi đủ bốn phần" in sec.text
    await sec.say("/chuyengiao SK-2026-0001")
    assert "• 15/09/2026: Trường THCS Chu Văn An — Biên bản thỏa thuận số 12/BB" in sec.text
    await sec.say("/quyetdinh 2 1/QĐ 20/05/2026")
    assert "chưa công bố kết quả" in sec.text
    author = chat(app, "a1")
    await author.say("/chuyengiao SK-2026-0001; X; 15/09/2026; Y")
    assert "Đã ghi nhận" not in author.text

    book = load_workbook(io.BytesIO(made["year"].content))
    listing, transfers, by_unit = book.worksheets
    assert [listing.title, transfers.title, by_unit.title] == ["Danh sách", "Chuyển giao", "Theo đơn vị"]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=5)]
    headers = rows[0]
    first = dict(zip(headers, rows[1], strict=True))
    assert first["Số biên nhận"] == "SK-2026-0001"
    assert first["Quyết định công nhận"] == "Quyết định số 125/QĐ-UBND ngày 20/05/2026"
    assert first["Chuyển giao"] == "Trường THCS Chu Văn An (15/09/2026)"
    assert all(r[2] != "SK-2026-0003" for r in rows)  # not recognised: not listed
    moved = [[c.value for c in row] for row in transfers.iter_rows(min_row=5)]
    assert moved[1][1:] == [
        "SK-2026-0001",
        "Số hóa sổ liên lạc điện tử bằng mã QR cho học sinh trung học cơ sở",
        ", ".join(AUTHORS),
        UNIT,
        "Quyết định số 125/QĐ-UBND ngày 20/05/2026",
        "Trường THCS Chu Văn An",
        "15/09/2026",
        "Biên bản thỏa thuận số 12/BB",
    ]
    # Printed as filed: A4 landscape, one page wide, title and header rows on every page, Times New Roman.
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
        header_row = next(c.row for c in sheet["A"] if c.value == "STT")
        assert sheet.page_setup.fitToHeight == 0 and sheet.print_title_rows == f"$1:${header_row}"
        assert sheet["A1"].font.name == "Times New Roman" and sheet["A1"].font.b
    prize = next(c for c in listing[6] if c.value == 2_000_000)
    assert prize.number_format == '[>=1000000]#"."###"."###;[>=1000]#"."###;0'


def _pdf_pages(pdf: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for n in range(1, count + 1)
    ]


async def _to_pdf(files: list[Path], out: Path, profile: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        SOFFICE or "soffice",
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), timeout=240)
    assert process.returncode == 0, err.decode(errors="replace")


@needs_tools
async def test_every_document_prints_as_an_office_files_it(app: App, clock: Clock, tmp_path: Path) -> None:
    made, _ = await documents(app, clock)
    files = []
    for key, document in made.items():
        path = tmp_path / f"{key}{Path(document.file_name).suffix}"
        path.write_bytes(document.content)
        files.append(path)
    await _to_pdf(files, tmp_path, tmp_path / "lo-profile")
    pages = {key: _pdf_pages(tmp_path / f"{key}.pdf") for key in made}
    ARTIFACTS.mkdir(exist_ok=True)
    for key in made:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / f"{key}.pdf"),
             str(ARTIFACTS / f"document-{key}-page1")],
            check=True,
        )  # fmt: skip

    for key, texts in pages.items():
        assert all(text.strip() for text in texts), f"{key}: a blank page"
    # M-02: the form's name at the top, the national name on one line, numbered sections, every author signs.
    m02 = pages["m02"]
    assert len(m02) <= 3, len(m02)
    first = m02[0].splitlines()
    assert "Mẫu M-02" in next(line for line in first if line.strip())
    assert any(NATION in line for line in first) and any("Độc lập - Tự do - Hạnh phúc" in line for line in first)
    whole = "\n".join(m02)
    for section in ("1. Tên sáng kiến:", "6. Mô tả bản chất", "a) Tình trạng đã biết", "12. Tài liệu kèm theo:"):
        assert section in whole, section
    signing = whole[whole.index("xin cam đoan") :]
    assert signing.count("Người nộp đơn") == len(AUTHORS)
    assert all(name in signing for name in AUTHORS)
    # Sensible columns: TT narrow, names wide enough for a short name and a birth date on one line.
    table = whole[: whole.index("Là tác giả")]
    assert "Trần Quốc Bảo" in table and table.count("02/09/1990") == 2 and "15/08/1985" in table
    grid = Word(io.BytesIO(made["m02"].content)).tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))
    widths_cm = [int(col.get(qn("w:w"))) / 567 for col in grid]
    assert widths_cm[0] < 1 and widths_cm[1] > 3.5 and abs(sum(widths_cm) - 16) < 0.1, widths_cm
    # M-01: one page here, header on one line, the head's name on the page of «THỦ TRƯỞNG ĐƠN VỊ», only the
    # initiatives put forward.
    m01 = pages["m01"]
    assert len(m01) == 1, len(m01)
    assert any(NATION in line for line in m01[0].splitlines())
    assert "THỦ TRƯỞNG ĐƠN VỊ" in m01[-1] and "Phạm Thị Hoa" in m01[-1]
    assert "Thư viện sách nói" in m01[0] and "Bảng phân công trực nhật" not in m01[0]
    # Spreadsheets: the title on page 1, one page here, money with dots.
    results = pages["results"]
    assert len(results) == 1 and "KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN — ĐỢT I NĂM 2026" in results[0]
    assert "2.000.000" in results[0] and "2000000" not in results[0]
    year = pages["year"]
    assert "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM 2026" in year[0] and "2.000.000" in year[0]
    assert any("DANH MỤC SÁNG KIẾN ĐƯỢC CHUYỂN GIAO NĂM 2026" in text for text in year)
    assert len(year) == 3  # one page per sheet


@needs_tools
async def test_a_long_m01_keeps_its_signature_block_with_its_closing_and_has_no_blank_page(
    app: App, clock: Clock, tmp_path: Path
) -> None:
    """The secretariat's copy (no head's name) of a unit proposing sixteen initiatives: the table runs over
    several pages with its header repeated, and the closing line, «THỦ TRƯỞNG ĐƠN VỊ» and the signature space stay
    together with the table's last rows — never alone on a page."""
    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    author = await person(app, AUTHORS[0], "THCS-QT", user_id="a1")
    for n in range(1, 17):
        title = f"Sáng kiến số {n}: đổi mới phương pháp quản lý hồ sơ học sinh và sổ điểm điện tử của nhà trường"
        await submit(app, clock, author, application(author, UNIT, title))
    sec = chat(app, "sec")
    await sec.say("/totrinh THCS-QT 2026")
    document = next(r.document for r in reversed(sec.replies) if r.document is not None)
    (tmp_path / "m01.docx").write_bytes(document.content)
    await _to_pdf([tmp_path / "m01.docx"], tmp_path, tmp_path / "lo-profile")
    pages = _pdf_pages(tmp_path / "m01.pdf")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "m01.pdf"), str(ARTIFACTS / "document-m01-long")], check=True
    )
    assert len(pages) >= 2 and all(text.strip() for text in pages), [len(t) for t in pages]
    signing = pages[-1]  # the signature block is on the last page, with the closing and the table's last rows
    assert "THỦ TRƯỞNG ĐƠN VỊ" in signing and "Nơi nhận" in signing
    assert "kính đề nghị Hội đồng xem xét" in signing and "SK-2026-0016" in signing
    assert "Tên sáng kiến" in signing  # the table's header row repeated on the new page
    assert any(NATION in line for line in pages[0].splitlines())
