"""Duplicate and copied initiatives (issue 7), through whole conversations: the author's warning before filing
(go back and edit, or file with an explanation), the flag in the secretariat's and the council's dossier,
/sosanh side by side with the shared passages marked, /trunglap for a round, who may use them, the threshold
setting, resubmission, and older initiatives imported from CSV and XLSX through the CLI."""

from __future__ import annotations

import io
import random
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from sqlalchemy import delete, select

from bot.__main__ import import_old, main
from bot.app import App
from bot.settings import Settings
from handlers.domain import Role, Status
from storage.duplicates import LegacyInitiativeRow, SimilarityFlagRow
from storage.models import InitiativeRow
from storage.similarity_store import SimilarityDoc, SimilarityPosting, SimilarityTerm
from tests.review_support import person
from tests.support import REGISTRATION_SCRIPT, WIZARD_SCRIPT, Chat, Clock, play

CASES = yaml.safe_load((Path(__file__).parent / "data" / "similarity_cases.yaml").read_text(encoding="utf-8"))
ORIGINALS = {o["id"]: o for o in CASES["originals"]}
NEGATIVES = {n["id"]: n for n in CASES["negatives"]}
SECRET = "Mật khẩu máy chủ một cửa là MotCua@2026, chỉ tổ công nghệ thông tin của xã được biết."
COPIER_SECRET = "Danh sách hộ nghèo thôn Bản Giốc chưa công khai."
NOT_ALLOWED = "Anh/Chị không có quyền dùng lệnh này."


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def parts(text: str) -> tuple[str, str, str]:
    """A description cut into the wizard's three parts: known state, content, where applied."""
    s = sentences(text)
    return " ".join(s[:2]), " ".join(s[2:-2]), " ".join(s[-2:])


def near_copy(title: str, text: str) -> tuple[str, str, str, str]:
    """How a copier hides a copy: no diacritics, sentences of each part in another order."""
    shuffled = []
    for part in parts(text):
        pieces = sentences(part)
        random.Random(part).shuffle(pieces)
        shuffled.append(strip_diacritics(" ".join(reversed(pieces))))
    return strip_diacritics(title), shuffled[0], shuffled[1], shuffled[2]


def filing(title: str, state: str, content: str, scope: str, confidential: str | None = None) -> list[tuple[str, str]]:
    """The wizard up to the summary, with this initiative's title and description."""
    script = list(WIZARD_SCRIPT)
    for index, answer in ((1, title), (10, state), (11, content), (12, scope)):
        script[index] = (answer, script[index][1])
    if confidential:
        script[18] = (confidential, script[18][1])
    return script[:-1]


def registration(name: str, unit: str) -> list[tuple[str, str]]:
    return [(t.replace("Nguyễn Văn An", name).replace("Quang Trung", unit), e) for t, e in REGISTRATION_SCRIPT]


async def file_original(app: App, user: str = "a1") -> Chat:
    """An initiative (QR codes at the one-stop desk) filed through the wizard as SK-2026-0001, with a secret."""
    author = Chat(app.core.handle, user)
    original = ORIGINALS[1]
    await play(author, registration("Nguyễn Văn An", "Quang Trung"))
    await play(author, filing(original["title"], *parts(original["text"]), confidential=SECRET))
    await author.press("Nộp đơn")
    assert "Số biên nhận: SK-2026-0001" in author.text
    return author


async def initiative(app: App, receipt: str) -> InitiativeRow:
    async with app.database.unit_of_work() as store:
        return (
            await store.session.execute(select(InitiativeRow).where(InitiativeRow.receipt_no == receipt))
        ).scalar_one()


async def flags(app: App) -> list[tuple[int, int, float]]:
    async with app.database.unit_of_work() as store:
        rows = (await store.session.execute(select(SimilarityFlagRow))).scalars().all()
        return sorted((r.initiative_id, r.match_id, r.score) for r in rows)


async def education_round(app: App) -> int:
    async with app.database.unit_of_work() as store:
        return next(r.id for r in await store.rounds() if r.year == 2026 and "education" in r.sectors)


async def test_a_near_copy_is_caught_explained_flagged_and_compared(app: App, clock: Clock) -> None:
    await file_original(app)
    seen: list[str] = []  # everything shown to anyone but the original's author

    # A near copy: no diacritics, sentences reordered. At «Nộp đơn» the author sees what it resembles.
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
    title, state, content, scope = near_copy(ORIGINALS[1]["title"], ORIGINALS[1]["text"])
    await play(copier, filing(title, state, content, scope, confidential=COPIER_SECRET))
    await copier.press("Nộp đơn")
    seen.append(copier.text)
    warning = copier.text
    assert "giống với 1 sáng kiến đã có" in warning
    assert "SK-2026-0001" in warning and ORIGINALS[1]["title"] in warning
    assert "Trường THCS Quang Trung, năm 2026" in warning
    percentage = int(re.search(r"giống (\d+)%", warning).group(1))
    assert 50 <= percentage <= 100
    assert copier.options == ["Quay lại sửa đơn", "Vẫn nộp, giải thích điểm khác biệt", "Lưu nháp, làm tiếp sau"]
    assert (await initiative(app, "SK-2026-0001")).status == "submitted"
    async with app.database.unit_of_work() as store:
        drafts = [i for i in await store.initiatives_in([Status.DRAFT])]
    assert len(drafts) == 1 and drafts[0].receipt_no is None  # nothing filed yet

    # Back to edit: any field, then the summary again; the copy is still a copy.
    await copier.press("Quay lại sửa đơn")
    assert "muốn sửa mục nào" in copier.text
    await copier.press("Tên sáng kiến")
    await copier.say("Mã QR tra cứu hồ sơ tại xã Hòa An")
    assert "BẢN TÓM TẮT" in copier.text and "Mã QR tra cứu hồ sơ tại xã Hòa An" in copier.text
    await copier.press("Nộp đơn")
    seen.append(copier.text)
    assert "SK-2026-0001" in copier.text
    await copier.press("Vẫn nộp")
    assert "khác gì so với sáng kiến đã có" in copier.text
    await copier.say("/quaylai")  # back to the warning
    assert "giống với 1 sáng kiến đã có" in copier.text
    await copier.press("Vẫn nộp")
    await copier.say("ngắn")
    assert "quá ngắn" in copier.text or "ít nhất" in copier.text
    explanation = "Xã Hòa An áp dụng cho hồ sơ đất đai, có thêm tin nhắn nhắc lịch hẹn."
    await copier.say(explanation)
    assert "Số biên nhận: SK-2026-0002" in copier.text
    copy = await initiative(app, "SK-2026-0002")
    original = await initiative(app, "SK-2026-0001")
    assert copy.data["difference_note"] == explanation
    await copier.say("/cuatoi")
    await copier.press("SK-2026-0002")
    assert f"Giải thích điểm khác biệt với sáng kiến tương tự: {explanation}" in copier.text
    [(flagged, match, score)] = await flags(app)
    assert (flagged, match) == (copy.id, original.id) and score >= 0.5

    # A different initiative on the same topic (the one-stop desk) is filed without a word about copies.
    other = Chat(app.core.handle, "c1")
    await play(other, registration("Phạm Văn Cường", "Bắc Sơn"))
    negative = NEGATIVES["neg-01"]
    await play(other, filing(negative["title"], *parts(negative["text"])))
    await other.press("Nộp đơn")
    assert other.text.startswith("Đã nộp đơn thành công") and "SK-2026-0003" in other.text
    assert len(await flags(app)) == 1

    # The secretariat: the flag in the dossier, either way round, with the explanation.
    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = Chat(app.core.handle, "sec")
    await sec.say("/hoso SK-2026-0002")
    seen.append(sec.text)
    assert "⚠️ Có thể trùng lặp" in sec.text
    assert f"SK-2026-0001 «{ORIGINALS[1]['title']}» — Trường THCS Quang Trung, năm 2026 — giống" in sec.text
    assert f"Giải thích của tác giả về điểm khác biệt: «{explanation}»" in sec.text
    assert "/sosanh SK-2026-0002 SK-2026-0001" in sec.text
    await sec.say("/hoso SK-2026-0001")
    assert "SK-2026-0002" in sec.text and "(nộp sau hồ sơ này)" in sec.text
    await sec.say("/hoso SK-2026-0003")
    assert "trùng lặp" not in sec.text

    # Side by side, shared passages marked in both; only the compared parts, never the confidential one.
    await sec.say("/sosanh SK-2026-0002 SK-2026-0001")
    compared = [sec.text]
    assert "ĐỐI CHIẾU SK-2026-0002 ↔ SK-2026-0001" in sec.text
    header, side_a, side_b = (r.text for r in sec.replies)
    assert side_a.startswith("[A] SK-2026-0002") and side_b.startswith("[B] SK-2026-0001")
    assert "⟦" in side_a and "⟧" in side_a and "⟦" in side_b
    marked_b = re.findall(r"⟦(.*?)⟧", side_b, flags=re.S)
    assert any("người dân xem ngay trạng thái hồ sơ" in m for m in marked_b)  # accents kept on B's side
    assert any("nguoi dan xem ngay trang thai ho so" in m for m in re.findall(r"⟦(.*?)⟧", side_a, flags=re.S))
    assert "Từng đoạn trùng" in header and "A: «" in header and "B: «" in header
    await sec.say("/sosanh SK-2026-0002")  # the closest flagged match by default
    assert "ĐỐI CHIẾU SK-2026-0002 ↔ SK-2026-0001" in sec.text

    # The round's report, as text and as a spreadsheet.
    round_id = await education_round(app)
    await sec.say(f"/trunglap {round_id}")
    compared.append(sec.text)
    assert "Các cặp nghi trùng lặp — Đợt I năm 2026 (ngưỡng 25%): 1 cặp" in sec.text
    assert "1. SK-2026-0002 ↔ SK-2026-0001 — giống" in sec.text and "Tác giả đã giải thích" in sec.text
    await sec.say(f"/trunglap {round_id} excel")
    document = sec.replies[-1].document
    assert document is not None and document.file_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(document.content)).active
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header_row = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header_row + 1][1] == "SK-2026-0002" and rows[header_row + 1][5] == "SK-2026-0001"
    assert rows[header_row + 1][10] == explanation
    compared.append(" ".join(str(c) for row in rows for c in row if c is not None))

    # A council member assigned to the copy sees the flag and may compare it with its match, nothing else.
    member = await person(app, "Đỗ Minh Châu", "P-NV", user_id="m1", roles=(Role.COUNCIL,))
    await sec.say("/hoso SK-2026-0002")
    await sec.press("Tiếp nhận")
    await sec.press("Xác nhận")
    await sec.say(f"/hoidong {round_id} them {member.id}")
    await sec.say(f"/phancong SK-2026-0002 {member.id}")
    council = Chat(app.core.handle, "m1")
    await council.say("/chamdiem")
    await council.press("SK-2026-0002")
    seen.append(council.text)
    assert "⚠️ Có thể trùng lặp" in council.text and "SK-2026-0001" in council.text
    assert explanation in council.text
    await council.say("/sosanh SK-2026-0002 SK-2026-0001")
    compared.append(council.text)
    assert "ĐỐI CHIẾU" in council.text and "⟦" in council.text
    for pair in ("SK-2026-0003 SK-2026-0001", "SK-2026-0002 SK-2026-0003"):
        await council.say(f"/sosanh {pair}")
        assert "chỉ đối chiếu được hồ sơ mình được phân công" in council.text, pair
    await council.say(f"/trunglap {round_id}")
    assert council.text == NOT_ALLOWED

    # Staff reach neither command.
    for command in ("/sosanh SK-2026-0002 SK-2026-0001", "/sosanh SK-2026-0002", f"/trunglap {round_id}"):
        await other.say(command)
        assert other.text == NOT_ALLOWED, command

    # The original's confidential part was shown to nobody but in its own dossier; comparisons and reports
    # hold neither initiative's.
    for text in seen + compared:
        assert "MotCua@2026" not in text and "Mật khẩu máy chủ" not in text
    for text in compared:
        assert "Bản Giốc" not in text


async def test_an_amended_resubmission_replaces_its_index_entry_and_flags(app: App, clock: Clock) -> None:
    await file_original(app)
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
    await play(copier, filing(ORIGINALS[1]["title"], *parts(ORIGINALS[1]["text"])))
    await copier.press("Nộp đơn")
    await copier.press("Vẫn nộp")
    await copier.say("Đây là bản nộp lại cho đơn vị mới của tôi, cùng nội dung.")
    assert "SK-2026-0002" in copier.text
    assert len(await flags(app)) == 1

    # Sent back for amendment, the author rewrites the description: filed again, no warning, no flag left.
    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = Chat(app.core.handle, "sec")
    await sec.say("/hoso SK-2026-0002")
    await sec.press("Yêu cầu bổ sung")
    await sec.say("Sáng kiến trùng với SK-2026-0001, đề nghị viết lại phần mô tả.")
    await sec.press("Xác nhận")
    await copier.say("/cuatoi")
    await copier.press("SK-2026-0002")
    await copier.press("Tiếp tục soạn")
    own = NEGATIVES["neg-03"]
    state, content, scope = parts(own["text"])
    for field, answer in (
        ("Tên sáng kiến", own["title"]),
        ("Tình trạng đã biết", state),
        ("Nội dung giải pháp", content),
        ("Nơi đã áp dụng", scope),
    ):
        await copier.press("Sửa một mục")
        await copier.press(field)
        await copier.say(answer)
    await copier.press("Nộp đơn")
    assert "Đã nộp đơn thành công" in copier.text and "SK-2026-0002" in copier.text
    assert await flags(app) == []
    resubmitted = await initiative(app, "SK-2026-0002")
    assert "difference_note" not in resubmitted.data
    async with app.database.unit_of_work() as store:
        indexed = (await store.session.execute(select(SimilarityDoc.doc_id))).scalars().all()
        # The new text replaced the old one: copying the old text again no longer finds SK-2026-0002.
        found = await store.similar(ORIGINALS[1]["title"], ORIGINALS[1]["text"], exclude=None, threshold=0.15, top_k=5)
    assert sorted(indexed) == sorted([resubmitted.id, (await initiative(app, "SK-2026-0001")).id])
    assert [m.doc_id for m in found] == [(await initiative(app, "SK-2026-0001")).id]


async def test_the_warning_is_a_step_of_the_form(app: App, clock: Clock) -> None:
    """Back, save for later and resume work at the warning as anywhere in the form; a resubmission that still
    resembles its match offers to keep the explanation given last time."""
    await file_original(app)
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
    await play(copier, filing(*partial_copy()))
    await copier.press("Nộp đơn")
    assert "giống với 1 sáng kiến đã có" in copier.text
    await copier.say("/trogiup")
    assert "Quay lại sửa đơn" in copier.text and "giống với 1 sáng kiến" in copier.text
    await copier.say("/quaylai")
    assert "BẢN TÓM TẮT" in copier.text
    await copier.press("Nộp đơn")
    await copier.say("3")  # typed number: «Lưu nháp, làm tiếp sau»
    assert "Đã tạm dừng" in copier.text
    await copier.say("/moi")
    await copier.press("Tiếp tục")
    assert "BẢN TÓM TẮT" in copier.text
    await copier.press("Nộp đơn")
    await copier.say("2")  # typed number: «Vẫn nộp, giải thích điểm khác biệt»
    first = "Phần mô tả hiện trạng giống, nhưng giải pháp là trả kết quả tận nhà qua bưu điện."
    await copier.say(first)
    assert "SK-2026-0002" in copier.text

    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = Chat(app.core.handle, "sec")
    await sec.say("/hoso SK-2026-0002")
    await sec.press("Yêu cầu bổ sung")
    await sec.say("Đề nghị bổ sung số liệu về số lượt trả kết quả.")
    await sec.press("Xác nhận")
    await copier.say("/cuatoi")
    await copier.press("SK-2026-0002")
    await copier.press("Tiếp tục soạn")
    await copier.press("Nộp đơn")
    assert "SK-2026-0001" in copier.text
    await copier.press("Vẫn nộp")
    assert f"Đang lưu: «{first}»" in copier.text and "Giữ nguyên" in copier.options
    await copier.press("Giữ nguyên")
    assert "Số biên nhận: SK-2026-0002" in copier.text
    assert (await initiative(app, "SK-2026-0002")).data["difference_note"] == first
    await sec.say("/hoso SK-2026-0002")
    assert "lần nộp thứ 2" in sec.text and first in sec.text


def partial_copy() -> tuple[str, str, str, str]:
    """Another initiative's own title, content and scope, with the known state copied from the original."""
    own = parts(NEGATIVES["neg-03"]["text"])
    return NEGATIVES["neg-03"]["title"], parts(ORIGINALS[1]["text"])[0], own[1], own[2]


@pytest.mark.parametrize("threshold", [0.3, 0.6])
async def test_the_threshold_is_a_setting(
    settings: Settings, database_url: tuple[str, dict], clock: Clock, threshold: float
) -> None:
    configured = Settings(_env_file=None, **{**settings.model_dump(), "similarity_threshold": threshold})
    app = App(configured, clock=clock, engine_kwargs=database_url[1])
    await app.prepare()
    try:
        assert app.config.similarity_threshold == threshold
        await file_original(app)
        copier = Chat(app.core.handle, "b1")
        await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
        await play(copier, filing(*partial_copy()))  # scores about 42%
        await copier.press("Nộp đơn")
        if threshold < 0.42:
            assert "giống với 1 sáng kiến đã có" in copier.text
        else:
            assert "Đã nộp đơn thành công" in copier.text
            assert await flags(app) == []
    finally:
        await app.close()


# --- older initiatives --------------------------------------------------------------------------------------


def write_csv(path: Path) -> None:
    older = ORIGINALS[2]
    rows = [
        "Năm;Đơn vị;Tên sáng kiến;Mô tả;Số",
        f'2021;UBND xã Yên Hòa;"{older["title"]}";"{" ".join(older["text"].split())}";12/QĐ-UBND',
        "2022;Phòng Nội vụ;;Một dòng không có tên sáng kiến;",
        f'2020-2021;Trường Tiểu học Kim Đồng;"{ORIGINALS[7]["title"]}";"{" ".join(ORIGINALS[7]["text"].split())}";',
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Danh sách sáng kiến được công nhận giai đoạn 2018-2020"])
    sheet.append(["code", "year", "unit", "title", "description"])
    sheet.append(["SK-2019-07", 2019, "UBND xã Hòa An", ORIGINALS[4]["title"], ORIGINALS[4]["text"]])
    sheet.append([None, None, None, None, None])
    sheet.append(["SK-2018-02", 2018, "Trạm Y tế xã Hòa An", ORIGINALS[10]["title"], ORIGINALS[10]["text"]])
    book.save(path)


async def test_older_initiatives_imported_from_csv_and_xlsx_are_checked(app: App, clock: Clock, tmp_path: Path) -> None:
    csv_file, xlsx_file = tmp_path / "cu.csv", tmp_path / "cu.xlsx"
    write_csv(csv_file)
    write_xlsx(xlsx_file)
    report = await import_old(app, csv_file)
    assert "Đã nhập 2 sáng kiến cũ từ cu.csv: 2 mới, 0 cập nhật." in report
    assert "Bỏ qua 1 dòng:" in report and "dòng 3: thiếu tên sáng kiến" in report
    assert "Đã nhập 2 sáng kiến cũ từ cu.csv: 0 mới, 2 cập nhật." in await import_old(app, csv_file)  # idempotent
    assert "Đã nhập 2 sáng kiến cũ từ cu.xlsx: 2 mới, 0 cập nhật." in await import_old(app, xlsx_file)
    async with app.database.unit_of_work() as store:
        legacy = (await store.session.execute(select(LegacyInitiativeRow).order_by(LegacyInitiativeRow.id))).scalars()
        rows = {r.title: r for r in legacy}
        indexed = set((await store.session.execute(select(SimilarityDoc.doc_id))).scalars())
    assert {r.year for r in rows.values()} == {2021, 2019, 2018}
    assert rows[ORIGINALS[7]["title"]].year == 2021 and rows[ORIGINALS[2]["title"]].code == "12/QĐ-UBND"
    assert indexed == {-r.id for r in rows.values()}  # imported ones live in the negative id space

    # A new submission copying the 2019 one (from the spreadsheet) is caught, with its year and unit.
    older = rows[ORIGINALS[4]["title"]]
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
    await play(copier, filing(*near_copy(ORIGINALS[4]["title"], ORIGINALS[4]["text"])))
    await copier.press("Nộp đơn")
    assert f"LS-{older.id} «{ORIGINALS[4]['title']}» — UBND xã Hòa An, năm 2019 (trước khi dùng bot)" in copier.text
    await copier.press("Vẫn nộp")
    await copier.say("Trường tôi áp dụng cách làm này cho phụ huynh học sinh, không phải người dân.")
    assert "SK-2026-0001" in copier.text
    await person(app, "Lê Thị Hồng", "P-NV", user_id="sec", roles=(Role.SECRETARIAT,))
    sec = Chat(app.core.handle, "sec")
    await sec.say("/hoso SK-2026-0001")
    assert f"LS-{older.id}" in sec.text and "năm 2019" in sec.text and "số cũ SK-2019-07" in sec.text
    await sec.say("/sosanh SK-2026-0001 SK-2019-07")  # the old code works as well as LS-…
    assert f"ĐỐI CHIẾU SK-2026-0001 ↔ LS-{older.id}" in sec.text and "⟦" in sec.replies[-1].text
    await sec.say(f"/trunglap {await education_round(app)}")
    assert f"SK-2026-0001 ↔ LS-{older.id}" in sec.text


def test_import_old_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "cu.csv"
    write_csv(csv_file)
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("FILE_STORE_DIR", str(tmp_path / "files"))
    main(["import-old", str(csv_file)])
    assert "Đã nhập 2 sáng kiến cũ từ cu.csv: 2 mới, 0 cập nhật." in capsys.readouterr().out
    main(["import-old", str(tmp_path / "khong-co.csv")])
    assert "Không nhập được khong-co.csv" in capsys.readouterr().out


async def test_reindex_indexes_what_was_filed_before_the_check(app: App, clock: Clock) -> None:
    await file_original(app)
    async with app.database.unit_of_work() as store:
        await store.session.execute(delete(SimilarityPosting))
        await store.session.execute(delete(SimilarityTerm))
        await store.session.execute(delete(SimilarityDoc))
    assert await app.reindex() == 1
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Kim Đồng"))
    await play(copier, filing(*near_copy(ORIGINALS[1]["title"], ORIGINALS[1]["text"])))
    await copier.press("Nộp đơn")
    assert "SK-2026-0001" in copier.text and "giống 100%" in copier.text
