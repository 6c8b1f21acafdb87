"""Provincial-scope recognition (issue 16, item 2), through the chats of the people who do it: a staff member of
body A files; A's council scores; A publishes and records its decision; A's Thường trực Hội đồng proposes the
initiative with /detinh; the province's Thường trực Hội đồng accepts and assigns; the provincial council scores
blind under the province's rubric; the province publishes; the author and A's Thường trực Hội đồng are told; the
author's /cuatoi and the public page show the level. And every refusal: not recognised, no decision, twice,
another body's initiative, from the province itself, no provincial round, no province at all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.public_html import Site, render_detail, render_list
from bot.public_listing import Query, listing
from handlers.domain import ORIGIN_KEY, Initiative, Person, Status, receipt_number
from handlers.province.rubric import PROVINCIAL_RULES
from handlers.review.public import public_records
from handlers.review.store import ScoreSheet
from handlers.rounds import pick_round
from handlers.transitions import change_status
from storage.duplicates import SimilarityFlagRow
from storage.models import InitiativeRow, NoticeRow, ProvincialProposalRow
from storage.review import SubmissionSnapshotRow
from tests.review_support import application, chat, publish_round, scored
from tests.support import Chat, Clock

ALL_SECTORS = ["education", "other"]


def _people(*rows: tuple[str, str, str, list[str], str]) -> list[dict[str, Any]]:
    return [
        {"name": name, "unit": unit, "position": "Chuyên viên", "roles": roles, "console_id": user, "phone": phone}
        for name, unit, user, roles, phone in rows
    ]


PROVINCE_SEED: dict[str, Any] = {
    "province": {
        "code": "TINH",
        "name": "Hội đồng sáng kiến tỉnh",
        "units": [{"code": "VP-HDSK", "name": "Văn phòng Hội đồng sáng kiến tỉnh", "sector": "other"}],
        "people": _people(
            ("Hà Thị Tỉnh", "VP-HDSK", "psec", ["secretariat"], "0912000001"),
            ("Lương Văn Mạnh", "VP-HDSK", "pc1", ["council"], "0912000002"),
            ("Nông Thị Hoa", "VP-HDSK", "pc2", ["council"], "0912000003"),
        ),
        "campaigns": [
            {
                "year": 2026,
                "rounds": [
                    {"number": 1, "name": "Xét công nhận cấp tỉnh", "deadline": "2026-11-30", "sectors": ALL_SECTORS}
                ],
            }
        ],
    },
    "bodies": [
        {
            "code": "SGD",
            "name": "Sở Giáo dục và Đào tạo",
            "units": [
                {"code": "THCS-QT", "name": "Trường THCS Quang Trung", "sector": "education"},
                {"code": "VP-SGD", "name": "Văn phòng Sở Giáo dục và Đào tạo", "sector": "other"},
            ],
            "people": _people(
                ("Nguyễn Văn An", "THCS-QT", "author", [], "0913000001"),
                ("Trần Thị Bích", "THCS-QT", "author2", [], "0913000002"),
                ("Lê Thị Hồng", "VP-SGD", "asec", ["secretariat"], "0913000003"),
                ("Đỗ Minh Châu", "VP-SGD", "ac1", ["council"], "0913000004"),
                ("Vũ Thị Dung", "VP-SGD", "ac2", ["council"], "0913000005"),
            ),
            "campaigns": [
                {
                    "year": 2026,
                    "rounds": [{"number": 1, "name": "Đợt I", "deadline": "2026-04-30", "sectors": ALL_SECTORS}],
                }
            ],
        },
        {
            "code": "XA-BS",
            "name": "UBND phường Bắc Sơn",
            "units": [{"code": "UBND-BS", "name": "UBND phường Bắc Sơn", "sector": "other"}],
            "people": _people(("Phạm Quốc Bảo", "UBND-BS", "bsec", ["secretariat"], "0914000001")),
            "campaigns": [
                {
                    "year": 2026,
                    "rounds": [{"number": 1, "name": "Đợt I", "deadline": "2026-04-30", "sectors": ALL_SECTORS}],
                }
            ],
        },
    ],
}

SINGLE_SEED: dict[str, Any] = {
    "units": [{"code": "VP", "name": "Văn phòng", "sector": "other"}],
    "people": _people(
        ("Lê Thị Hồng", "VP", "asec", ["secretariat"], "0913000003"),
        ("Nguyễn Văn An", "VP", "author", [], "0913000001"),
    ),
}


@pytest.fixture
def seed_data() -> dict[str, Any]:
    return PROVINCE_SEED




# --- helpers ---------------------------------------------------------------------------------------------------


async def someone(app: App, user_id: str) -> Person:
    async with app.database.unit_of_work() as store:
        _, found, _ = await store.load_actor("console", user_id)
        assert found is not None, user_id
        return found


async def file_in_own_body(app: App, clock: Clock, author: Person, data: dict[str, Any]) -> Initiative:
    """Filed as the wizard files it, in the author's own body (its open round, receipt, snapshot)."""
    now = clock()
    today = now.astimezone(app.config.timezone).date()
    async with app.database.unit_of_work() as store:
        store.scope_to(author.home_body_id)
        unit = await store.unit(author.unit_id or 0)
        assert unit is not None
        chosen, _ = pick_round(list(await store.rounds()), unit.sector, today)
        assert chosen is not None and chosen.body_id == author.home_body_id
        draft = await store.create_initiative(author.id, data, now)
        receipt = receipt_number(today.year, await store.next_receipt_seq(today.year))
        return await change_status(
            store, draft, Status.SUBMITTED, now=now, by_person_id=author.id, receipt_no=receipt, round_id=chosen.id
        )


async def accept_all(sec: Chat, receipts: list[str]) -> None:
    for receipt in receipts:
        await sec.say(f"/hoso {receipt}")
        await sec.press("Tiếp nhận")
        await sec.press("Xác nhận")
        assert f"Đã tiếp nhận hồ sơ {receipt}" in sec.text, sec.text


async def body_a_recognises(app: App, clock: Clock) -> tuple[Initiative, Initiative, Chat]:
    """A's staff file two initiatives, A's council scores them (one recognised, one not), A publishes."""
    author, author2 = await someone(app, "author"), await someone(app, "author2")
    ac1, ac2 = await someone(app, "ac1"), await someone(app, "ac2")
    good = await file_in_own_body(
        app, clock, author, application(author, "Trường THCS Quang Trung", "Sổ điểm điện tử liên thông toàn trường")
    )
    weak = await file_in_own_body(
        app,
        clock,
        author2,
        application(
            author2,
            "Trường THCS Quang Trung",
            "Tủ sách luân chuyển giữa các lớp",
            current_state="Thư viện nhỏ, học sinh ít được mượn truyện phù hợp lứa tuổi.",
            content="Mỗi lớp góp hai mươi cuốn truyện; cứ hai tuần các tủ đổi chỗ cho nhau theo lịch.",
            scope="Mười hai lớp của điểm trường chính đã tham gia.",
        ),
    )
    asec = chat(app, "asec")
    await accept_all(asec, [good.receipt_no or "", weak.receipt_no or ""])
    await scored(app, clock, good, {ac1: (25, 25, 35), ac2: (24, 26, 34)})
    await scored(app, clock, weak, {ac1: (10, 10, 10), ac2: (12, 10, 10)})
    await publish_round(app, asec, good.round_id or 0)
    assert "1/2 sáng kiến được công nhận" in asec.text, asec.text
    return good, weak, asec


async def notices_of(app: App, person: Person) -> list[NoticeRow]:
    async with app.database.unit_of_work() as store:
        rows = await store.session.execute(select(NoticeRow).where(NoticeRow.person_id == person.id))
        return list(rows.scalars())


async def score_province(member: Chat, receipt: str, points: tuple[str, str]) -> None:
    await member.say("/chamdiem")
    await member.press(receipt)
    await member.press("Chấm điểm")
    assert "Tiêu chí 1/2: Hiệu quả áp dụng" in member.text, member.text
    await member.say(points[0])
    assert "Tiêu chí 2/2: Phạm vi ảnh hưởng" in member.text, member.text
    await member.say(points[1])
    await member.say("Đã áp dụng rộng rãi, có thể nhân rộng toàn tỉnh.")
    await member.press("Gửi phiếu chấm")
    assert f"Đã gửi phiếu chấm hồ sơ {receipt}" in member.text, member.text


# --- the whole conversation -------------------------------------------------------------------------------------


async def test_a_body_proposes_and_the_province_recognises(app: App, clock: Clock) -> None:
    good, weak, asec = await body_a_recognises(app, clock)
    author = await someone(app, "author")
    origin_receipt, weak_receipt = good.receipt_no or "", weak.receipt_no or ""

    # Without the body's decision there is nothing to send: the bot says how to record it.
    await asec.say("/detinh")
    assert "Sáng kiến đã được công nhận của Sở Giáo dục và Đào tạo (1)" in asec.text, asec.text
    assert origin_receipt in asec.text and weak_receipt not in asec.text
    await asec.say(f"/detinh {origin_receipt}")
    assert "chưa ghi quyết định công nhận" in asec.text and f"/quyetdinh {good.round_id}" in asec.text, asec.text
    await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT 20/03/2026")
    assert "Đã ghi quyết định công nhận" in asec.text, asec.text

    # Not recognised: refused.
    await asec.say(f"/detinh {weak_receipt}")
    assert f"Sáng kiến {weak_receipt} chưa được cơ quan công nhận" in asec.text, asec.text

    # The proposal: the bot shows the decision and the province's round, then asks.
    await asec.say(f"/detinh {origin_receipt.lower()}")
    assert "Đề nghị Hội đồng sáng kiến tỉnh xét công nhận cấp tỉnh" in asec.text, asec.text
    assert "Quyết định số 45/QĐ-SGDĐT ngày 20/03/2026" in asec.text
    assert "Xét công nhận cấp tỉnh năm 2026, hạn nhận hồ sơ 30/11/2026" in asec.text
    await asec.press("Gửi đề nghị cấp tỉnh")
    dossier_receipt = receipt_number(2026, 3)
    assert f"Đã gửi đề nghị công nhận cấp tỉnh sáng kiến {origin_receipt}" in asec.text, asec.text
    assert dossier_receipt in asec.text

    # What was stored: the proposal, and a dossier of the province by the same author, filed and snapshotted.
    async with app.database.unit_of_work() as store:
        province = await store.province()
        assert province is not None
        proposal = (await store.session.execute(select(ProvincialProposalRow))).scalar_one()
        dossier_row = await store.session.get(InitiativeRow, proposal.dossier_id)
        assert dossier_row is not None
        assert proposal.initiative_id == good.id and proposal.decision == "Quyết định số 45/QĐ-SGDĐT ngày 20/03/2026"
        assert dossier_row.body_id == province.id and dossier_row.person_id == author.id
        assert dossier_row.status == Status.SUBMITTED.value and dossier_row.receipt_no == dossier_receipt
        assert dossier_row.data["title"] == good.title
        assert dossier_row.data[ORIGIN_KEY]["initiative_id"] == good.id
        assert dossier_row.data[ORIGIN_KEY]["body"] == "Sở Giáo dục và Đào tạo"
        snapshots = (
            await store.session.execute(
                select(SubmissionSnapshotRow).where(SubmissionSnapshotRow.initiative_id == dossier_row.id)
            )
        ).all()
        assert len(snapshots) == 1
        # The duplicate check never takes the dossier for a copy of its own origin.
        flags = (
            await store.session.execute(
                select(SimilarityFlagRow).where(SimilarityFlagRow.initiative_id == dossier_row.id)
            )
        ).scalars()
        assert good.id not in {f.match_id for f in flags}
        dossier_id = dossier_row.id
        province_round = next(r for r in await store.rounds(every_body=True) if r.body_id == province.id)
    assert dossier_row.round_id == province_round.id

    # Twice: refused. Another body's secretariat, and the province itself: refused.
    await asec.say(f"/detinh {origin_receipt}")
    assert "đã được đề nghị công nhận cấp tỉnh ngày 03/03/2026" in asec.text, asec.text
    assert f"hồ sơ cấp tỉnh {dossier_receipt}: Đang đề nghị cấp tỉnh" in asec.text
    bsec = chat(app, "bsec")
    await bsec.say(f"/detinh {origin_receipt}")
    assert f"Không tìm thấy sáng kiến số biên nhận {origin_receipt} trong các sáng kiến của UBND phường Bắc Sơn" in (
        bsec.text
    ), bsec.text
    psec = chat(app, "psec")
    await psec.say(f"/detinh {origin_receipt}")
    assert "dành cho Thường trực Hội đồng của các cơ quan cơ sở" in psec.text, psec.text

    # The author sees the level on the origin, and the dossier among their initiatives.
    me = chat(app, "author")
    await me.say("/cuatoi")
    assert any(origin_receipt in o and "Đang đề nghị cấp tỉnh" in o for o in me.options), me.options
    assert any(dossier_receipt in o for o in me.options), me.options
    await me.press(origin_receipt)
    assert f"Cấp tỉnh: Đang đề nghị cấp tỉnh (hồ sơ cấp tỉnh {dossier_receipt})" in me.text, me.text

    # --- the province: intake, council, assignment ------------------------------------------------------------------
    await psec.say("/hoso")
    assert "Hồ sơ chờ kiểm tra: 1" in psec.text and "Xét công nhận cấp tỉnh năm 2026: 1" in psec.text, psec.text
    await psec.say(f"/hoso {dossier_receipt}")
    assert "Hồ sơ đề nghị công nhận cấp tỉnh: Sở Giáo dục và Đào tạo đề nghị" in psec.text, psec.text
    assert f"sáng kiến gốc {origin_receipt}" in psec.text and "45/QĐ-SGDĐT" in psec.text
    assert "giống" not in psec.text  # no duplicate flag against its own origin
    await psec.press("Tiếp nhận")
    await psec.press("Xác nhận")
    assert f"Đã tiếp nhận hồ sơ {dossier_receipt}" in psec.text, psec.text
    pc1, pc2 = await someone(app, "pc1"), await someone(app, "pc2")
    # The province's rubric is the default for its campaign: effect of application and reach.
    await psec.say("/quydinh")
    assert "Hiệu quả áp dụng | 50" in psec.text and "Phạm vi ảnh hưởng | 50" in psec.text, psec.text
    await psec.say("/huy")
    for member in (pc1, pc2):
        await psec.say(f"/hoidong {province_round.id} them {member.id}")
        assert f"Đã đưa {member.full_name} vào Hội đồng" in psec.text, psec.text
    ac1 = await someone(app, "ac1")
    await psec.say(f"/hoidong {province_round.id} them {ac1.id}")  # A's council member has no role at the province
    assert "Đã đưa" not in psec.text, psec.text
    await psec.say(f"/phancong {province_round.id}")
    assert "Đã phân công 2 lượt chấm cho 1 hồ sơ" in psec.text, psec.text

    # --- blind scoring ------------------------------------------------------------------------------------------------
    c1, c2 = chat(app, "pc1"), chat(app, "pc2")
    await score_province(c1, dossier_receipt, ("40", "35"))
    assert "thành viên khác" not in c1.text
    await c2.say("/chamdiem")
    await c2.press(dossier_receipt)
    assert "Anh/Chị chưa gửi phiếu chấm hồ sơ này" in c2.text, c2.text
    assert "75" not in c2.text and "thành viên khác" not in c2.text  # pc1's total stays hidden
    await c2.press("Quay lại")
    await score_province(c2, dossier_receipt, ("38", "42"))
    assert "75" in c2.text  # once their own sheet is in, the others' totals show

    # --- publication and what everyone is told ----------------------------------------------------------------------
    await publish_round(app, psec, province_round.id)
    assert "Đã công bố kết quả Xét công nhận cấp tỉnh năm 2026: 1/1 sáng kiến được công nhận" in psec.text, psec.text
    async with app.database.unit_of_work() as store:
        dossier = await store.initiative(dossier_id)
        origin = await store.initiative(good.id)
    assert dossier is not None and dossier.status == Status.RECOGNISED
    assert origin is not None and origin.status == Status.RECOGNISED  # the origin keeps its base-level result
    to_author = [n for n in await notices_of(app, author) if n.kind == "status:recognised"]
    assert len(to_author) == 2, [n.text for n in to_author]  # base recognition, then provincial
    provincial = [n for n in to_author if dossier_receipt in n.text]
    assert len(provincial) == 1 and provincial[0].text.startswith("🏛 Xét công nhận sáng kiến cấp tỉnh")
    assert "điểm trung bình 77,5" in provincial[0].text
    asec_person = await someone(app, "asec")
    verdicts = [n for n in await notices_of(app, asec_person) if n.kind == "province:verdict"]
    assert len(verdicts) == 1, verdicts
    assert f"({origin_receipt}) của cơ quan Anh/Chị đề nghị đã được công nhận cấp tỉnh" in verdicts[0].text
    assert verdicts[0].essential
    bsec_person = await someone(app, "bsec")
    assert not [n for n in await notices_of(app, bsec_person) if n.kind == "province:verdict"]

    # The author's /cuatoi and A's secretariat's dossier view show the level.
    await me.say("/cuatoi")
    assert any(origin_receipt in o and "Đã công nhận cấp tỉnh" in o for o in me.options), me.options
    await asec.say(f"/hoso {origin_receipt}")
    assert f"Cấp tỉnh: Đã công nhận cấp tỉnh (hồ sơ cấp tỉnh {dossier_receipt})" in asec.text, asec.text
    await asec.say("/detinh")
    assert "(Đã công nhận cấp tỉnh)" in asec.text, asec.text

    # The public page lists both recognitions with their level, and filters the provincial ones.
    async with app.database.unit_of_work() as store:
        records = await public_records(store)
    levels = {r.receipt: r.level_label for r in records}
    assert levels == {origin_receipt: "Cấp cơ sở", dossier_receipt: "Cấp tỉnh"}
    site = Site(issuer="UBND tỉnh", contact=())
    page = render_list(site, listing(records, Query(), 20), any_published=True)
    assert "Cấp công nhận" in page and "Cấp tỉnh" in page and "Cấp cơ sở" in page
    only_province = listing(records, Query.parse({"cap": "tinh"}), 20)
    assert [r.receipt for r in only_province.records] == [dossier_receipt]
    detail = render_detail(site, next(r for r in records if r.provincial))
    assert "<dt>Cấp công nhận</dt><dd>Cấp tỉnh</dd>" in detail


async def test_the_province_scores_with_its_own_rubric_and_can_refuse(app: App, clock: Clock) -> None:
    """Below a criterion's minimum the province does not recognise; A's secretariat is told why."""
    good, _, asec = await body_a_recognises(app, clock)
    await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT 20/03/2026")
    await asec.say(f"/detinh {good.receipt_no}")
    await asec.press("Gửi đề nghị cấp tỉnh")
    dossier_receipt = receipt_number(2026, 3)
    psec = chat(app, "psec")
    await accept_all(psec, [dossier_receipt])
    pc1, pc2 = await someone(app, "pc1"), await someone(app, "pc2")
    async with app.database.unit_of_work() as store:
        dossier = await store.initiative_by_receipt(dossier_receipt)
        assert dossier is not None
        scope = await store.province()
        assert scope is not None
        store.scope_to(scope.id)
        assert await store.review_rules(2026) is None  # no rules stored: the provincial default applies
    codes = [c.code for c in PROVINCIAL_RULES.criteria]
    async with app.database.unit_of_work() as store:
        for member, points in ((pc1, (45, 15)), (pc2, (44, 16))):
            await store.seat_member(dossier.round_id or 0, member.id, [])
            await store.assign(dossier.id, member.id, clock())
            sheet = {code: Decimal(p) for code, p in zip(codes, points, strict=True)}
            await store.save_score_sheet(ScoreSheet(dossier.id, member.id, sheet, "Phạm vi hẹp.", clock()))
    await publish_round(app, psec, dossier.round_id or 0)
    assert "0/1 sáng kiến được công nhận" in psec.text, psec.text
    verdicts = [n for n in await notices_of(app, await someone(app, "asec")) if n.kind == "province:verdict"]
    assert len(verdicts) == 1 and "không được công nhận cấp tỉnh" in verdicts[0].text, verdicts
    assert "Phạm vi ảnh hưởng" in verdicts[0].text  # the reason: below that criterion's minimum
    me = chat(app, "author")
    await me.say("/cuatoi")
    assert any(str(good.receipt_no) in o and "Không được công nhận cấp tỉnh" in o for o in me.options), me.options


PROVINCE_CLOSED = {
    **PROVINCE_SEED,
    "province": {
        **PROVINCE_SEED["province"],
        "campaigns": [
            {
                "year": 2026,
                "rounds": [
                    {
                        "number": 1,
                        "name": "Xét công nhận cấp tỉnh",
                        "deadline": "2026-11-30",
                        "sectors": ALL_SECTORS,
                        "closed": True,
                    }
                ],
            }
        ],
    },
}


@pytest.mark.parametrize("seed_data", [PROVINCE_CLOSED])
async def test_no_provincial_round_open(app: App, clock: Clock) -> None:
    good, _, asec = await body_a_recognises(app, clock)
    await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT 20/03/2026")
    await asec.say(f"/detinh {good.receipt_no}")
    assert "chưa mở đợt xét công nhận cấp tỉnh nào còn hạn nhận hồ sơ" in asec.text, asec.text
    async with app.database.unit_of_work() as store:
        assert not (await store.session.execute(select(ProvincialProposalRow))).first()


@pytest.mark.parametrize("seed_data", [SINGLE_SEED])
async def test_without_a_province_the_command_does_not_apply(app: App, clock: Clock) -> None:
    sec = chat(app, "asec")
    await sec.say("/detinh SK-2026-0001")
    assert "chưa có cơ quan công nhận cấp tỉnh" in sec.text, sec.text
    await sec.say("/detinh")
    assert "không áp dụng ở đây" in sec.text, sec.text
    staff = chat(app, "author")
    await staff.say("/detinh SK-2026-0001")
    assert "Anh/Chị không có quyền dùng lệnh này" in staff.text, staff.text


async def test_the_proposal_can_be_cancelled(app: App, clock: Clock) -> None:
    good, _, asec = await body_a_recognises(app, clock)
    await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT {date(2026, 3, 20).strftime('%d/%m/%Y')}")
    await asec.say(f"/detinh {good.receipt_no}")
    await asec.press("Không gửi")
    assert "Chưa gửi đề nghị cấp tỉnh nào" in asec.text, asec.text
    async with app.database.unit_of_work() as store:
        assert not (await store.session.execute(select(ProvincialProposalRow))).first()
        count = len((await store.session.execute(select(InitiativeRow))).all())
    assert count == 2


async def test_a_dossier_sent_back_for_amendment_returns_to_the_province(app: App, clock: Clock) -> None:
    """The province asks for more; the author amends the dossier in /cuatoi and files it again: it goes back to
    the province's round, and the author is not warned that it resembles their own recognised initiative."""
    good, _, asec = await body_a_recognises(app, clock)
    await asec.say(f"/quyetdinh {good.round_id} 45/QĐ-SGDĐT 20/03/2026")
    await asec.say(f"/detinh {good.receipt_no}")
    await asec.press("Gửi đề nghị cấp tỉnh")
    dossier_receipt = receipt_number(2026, 3)
    psec = chat(app, "psec")
    await psec.say(f"/hoso {dossier_receipt}")
    await psec.press("Yêu cầu bổ sung")
    await psec.say("Bổ sung số liệu áp dụng tại các trường khác trong tỉnh")
    await psec.press("Xác nhận")
    assert "Đã gửi yêu cầu bổ sung" in psec.text, psec.text
    me = chat(app, "author")
    await me.say("/cuatoi")
    await me.press(dossier_receipt)
    assert "Cần bổ sung, sửa đổi" in me.text and "Xét công nhận cấp tỉnh năm 2026" in me.text, me.text
    assert "Rút đơn" not in me.options  # the body's proposal, not the author's to withdraw
    await me.press("Tiếp tục soạn")
    await me.press("Sửa một mục")
    await me.press("Tên sáng kiến")
    await me.say("Sổ điểm điện tử liên thông toàn trường, đã nhân rộng tại 5 trường trong tỉnh")
    await me.press("Nộp đơn")
    assert "giống với" not in me.text, me.text
    assert f"Số biên nhận: {dossier_receipt}" in me.text, me.text
    async with app.database.unit_of_work() as store:
        dossier = await store.initiative_by_receipt(dossier_receipt)
        province = await store.province()
        assert dossier is not None and province is not None
        rounds = {r.id: r for r in await store.rounds(every_body=True)}
    assert dossier.status == Status.SUBMITTED and dossier.body_id == province.id
    assert rounds[dossier.round_id or 0].body_id == province.id
    assert dossier.origin_id == good.id
    await psec.say("/hoso")
    assert "Hồ sơ chờ kiểm tra: 1" in psec.text, psec.text
