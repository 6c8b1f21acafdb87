"""The duplicate check across recognising bodies (issue 16, item 4), through whole conversations.

Two bodies: A (Sở Giáo dục và Đào tạo, the seeded units) and B (UBND xã Hòa An, its own school). A filing in B
is checked against A's initiatives and the imported older ones, whatever body the store is scoped to. What B's
people see of A's match follows the public rules: before A's results are published, only «một sáng kiến của
Sở Giáo dục và Đào tạo (chưa công bố)» and the score — no receipt, title or passage — and /sosanh refuses the
text; once published, its receipt, title, unit and body, and /sosanh compares what its public page shows."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from bot.app import App
from handlers.domain import BodyLevel, Role
from storage.duplicates import LegacyItem, SimilarityFlagRow, import_legacy
from storage.models import InitiativeRow, UnitRow
from tests.review_support import accept, chat, person, publish_round, scored
from tests.support import Chat, Clock, play
from tests.test_duplicates import ORIGINALS, SECRET, filing, near_copy, parts, registration, sentences

BODY_A = "Sở Giáo dục và Đào tạo"
BODY_B = "UBND xã Hòa An"
HIDDEN = f"một sáng kiến của {BODY_A} (chưa công bố)"
HIDDEN_B = f"một sáng kiến của {BODY_B} (chưa công bố)"


async def two_bodies(app: App) -> tuple[int, int]:
    """Body A holds the seeded units; body B one school of its own."""
    async with app.database.unit_of_work() as store:
        a = await store.upsert_body("CQ", BODY_A, BodyLevel.BASE, None)
        b = await store.upsert_body("XA-HOAAN", BODY_B, BodyLevel.BASE, None)
        store.session.add(UnitRow(code="TH-HOAAN", name="Trường Tiểu học Hòa An", sector="education", body_id=b.id))
    return a.id, b.id


async def row(app: App, receipt: str) -> InitiativeRow:
    async with app.database.unit_of_work() as store:
        return (
            await store.session.execute(select(InitiativeRow).where(InitiativeRow.receipt_no == receipt))
        ).scalar_one()


async def round_of(app: App, body_id: int) -> int:
    async with app.database.unit_of_work() as store:
        store.scope_to(body_id)
        return next(r.id for r in await store.rounds() if r.year == 2026 and "education" in r.sectors)


async def b_person(app: App, name: str, user_id: str, roles: tuple[Role, ...]) -> None:
    async with app.database.unit_of_work() as store:
        unit = next(u for u in await store.units() if u.code == "TH-HOAAN")
        created = await store.create_person(name, unit.id, "Chuyên viên", None)
        await store.link_identity((await store.identity("console", user_id)).id, created.id)
        for role in roles:
            await store.grant_role(created.id, role, unit.body_id)


def original_sentences() -> list[str]:
    """A's own words (with diacritics, as A typed them), none of which B may see before publication."""
    return [s for part in parts(ORIGINALS[1]["text"]) for s in sentences(part) if len(s) > 30]


async def test_another_bodys_copy_is_flagged_and_shown_only_as_the_public_rules_allow(app: App, clock: Clock) -> None:
    a_id, b_id = await two_bodies(app)

    # A's author files through the wizard: SK-2026-0001 in body A, not yet public.
    a_author = Chat(app.core.handle, "a1")
    await play(a_author, registration("Nguyễn Văn An", "Quang Trung"))
    original = ORIGINALS[1]
    await play(a_author, filing(original["title"], *parts(original["text"]), confidential=SECRET))
    await a_author.press("Nộp đơn")
    assert "Số biên nhận: SK-2026-0001" in a_author.text
    assert (await row(app, "SK-2026-0001")).body_id == a_id

    # B's staff member files a near copy. The warning names only A's body and the score.
    seen_by_b: list[str] = []
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Hòa An"))
    title, state, content, scope = near_copy(original["title"], original["text"])
    await play(copier, filing(title, state, content, scope))
    await copier.press("Nộp đơn")
    warning = copier.text
    seen_by_b.append(warning)
    assert "giống với 1 sáng kiến đã có" in warning
    assert re.search(rf"1\. {re.escape(HIDDEN)} — giống \d+%", warning), warning
    assert "SK-2026-0001" not in warning and original["title"] not in warning
    assert "Trường THCS Quang Trung" not in warning
    assert "Ví dụ đoạn giống" not in warning  # the author's own words that match would show A's words
    await copier.press("Vẫn nộp")
    await copier.say("Trường Tiểu học Hòa An áp dụng cho sổ liên lạc của học sinh, không dùng cho hồ sơ hành chính.")
    assert "Số biên nhận: SK-2026-0002" in copier.text
    copy, first = await row(app, "SK-2026-0002"), await row(app, "SK-2026-0001")
    assert copy.body_id == b_id

    # The flag is stored against A's initiative, whatever body the filing was scoped to.
    async with app.database.unit_of_work() as store:
        flags = (await store.session.execute(select(SimilarityFlagRow))).scalars().all()
    assert [(f.initiative_id, f.match_id) for f in flags] == [(copy.id, first.id)]
    assert flags[0].score >= 0.5

    # B's secretariat: the flag in the dossier, A's body name only; /sosanh refuses the text.
    await b_person(app, "Hoàng Văn Đức", "b-sec", (Role.SECRETARIAT,))
    b_sec = chat(app, "b-sec")
    await b_sec.say("/hoso SK-2026-0002")
    dossier = b_sec.text
    assert "⚠️ Có thể trùng lặp" in dossier
    assert re.search(rf"• {re.escape(HIDDEN)} — giống \d+%", dossier), dossier
    assert "liên hệ Thường trực Hội đồng của cơ quan đó" in dossier
    assert "SK-2026-0001" not in dossier and original["title"] not in dossier and "/sosanh" not in dossier
    seen_by_b.append(dossier.split("BẢN TÓM TẮT")[0] if "BẢN TÓM TẮT" in dossier else dossier)
    await b_sec.say("/sosanh SK-2026-0002")
    refusal = b_sec.text
    assert len(b_sec.replies) == 1
    assert f"Bot đã đánh dấu SK-2026-0002 giống {HIDDEN} ở mức" in refusal
    assert f"Không đối chiếu được nội dung: {HIDDEN} chưa được công bố" in refusal
    assert f"liên hệ Thường trực Hội đồng của {BODY_A}" in refusal
    seen_by_b.append(refusal)
    await b_sec.say("/sosanh SK-2026-0002 SK-2026-0001")  # the receipt typed by hand: the same refusal
    assert f"Không đối chiếu được nội dung: {HIDDEN}" in b_sec.text and len(b_sec.replies) == 1
    seen_by_b.append(b_sec.text)

    b_round = await round_of(app, b_id)
    await b_sec.say(f"/trunglap {b_round}")
    report = b_sec.text
    assert ": 1 cặp" in report and f"↔ {HIDDEN}" in report and "Tác giả đã giải thích" in report
    seen_by_b.append(report)
    await b_sec.say(f"/trunglap {b_round} excel")
    book = load_workbook(io.BytesIO(b_sec.replies[-1].document.content))
    cells = " ".join(str(c.value) for r in book.active.iter_rows() for c in r if c.value is not None)
    assert HIDDEN in cells and BODY_A in cells
    seen_by_b.append(cells)

    for text in seen_by_b:
        assert "SK-2026-0001" not in text and original["title"] not in text and SECRET not in text
        assert [s for s in original_sentences() if s in text] == []

    # A's secretariat sees B's later copy the same way round: B's body only.
    a_sec_person = await person(app, "Lê Thị Hồng", "P-NV", user_id="a-sec", roles=(Role.SECRETARIAT,))
    a_sec = chat(app, "a-sec")
    await a_sec.say("/hoso SK-2026-0001")
    assert re.search(rf"• {re.escape(HIDDEN_B)} — giống \d+% \(nộp sau hồ sơ này\)", a_sec.text), a_sec.text
    assert "SK-2026-0002" not in a_sec.text.split("⚠️ Có thể trùng lặp")[1]

    # A's council scores and A's secretariat publishes: A's initiative is now public.
    m1 = await person(app, "Đỗ Minh Châu", "P-NV", user_id="m1", roles=(Role.COUNCIL,))
    m2 = await person(app, "Vũ Thị Dung", "P-NV", user_id="m2", roles=(Role.COUNCIL,))
    async with app.database.unit_of_work() as store:
        submitted = await store.initiative(first.id)
    assert submitted is not None
    accepted = await accept(app, clock, submitted, a_sec_person)
    await scored(app, clock, accepted, {m1: (28, 28, 38), m2: (27, 27, 36)})
    await publish_round(app, a_sec, await round_of(app, a_id))
    assert (await row(app, "SK-2026-0001")).status == "recognised"

    # Now B's secretariat sees its receipt, title, unit and body, and may compare its public parts.
    await b_sec.say("/hoso SK-2026-0002")
    line = f"• SK-2026-0001 «{original['title']}» — Trường THCS Quang Trung, {BODY_A}, năm 2026 — giống"
    assert line in b_sec.text, b_sec.text
    assert HIDDEN not in b_sec.text and "/sosanh SK-2026-0002 SK-2026-0001" in b_sec.text
    await b_sec.say("/sosanh SK-2026-0002")
    header, side_a, side_b = (r.text for r in b_sec.replies)
    assert "ĐỐI CHIẾU SK-2026-0002 ↔ SK-2026-0001" in header
    assert side_b.startswith(f"[B] SK-2026-0001 «{original['title']}» — Trường THCS Quang Trung, {BODY_A}")
    assert "⟦" in side_b and SECRET not in side_b
    # The known state is not on the public page, so another body is not shown A's; B's own side keeps it.
    assert "Tình trạng đã biết và hạn chế" not in side_b and "Tình trạng đã biết và hạn chế" in side_a
    assert "Nội dung giải pháp, điểm mới" in side_b

    # And a new filing in B now names it in the author's warning.
    again = Chat(app.core.handle, "b2")
    await play(again, registration("Lý Thị Giang", "Hòa An"))
    await play(again, filing(*near_copy(original["title"], original["text"])))
    await again.press("Nộp đơn")
    assert f"SK-2026-0001 «{original['title']}» — Trường THCS Quang Trung, {BODY_A}, năm 2026" in again.text


async def test_a_copy_of_the_archive_is_caught_in_any_body(app: App, clock: Clock) -> None:
    """Older initiatives imported before the bot belong to no body: a copy filed in B is still a copy."""
    await two_bodies(app)
    original = ORIGINALS[1]
    async with app.database.unit_of_work() as store:
        await import_legacy(
            store.session,
            [LegacyItem(2022, "Trường THCS Quang Trung", original["title"], original["text"], "12/QĐ")],
            source="cu.csv",
            now=clock(),
        )
    copier = Chat(app.core.handle, "b1")
    await play(copier, registration("Trần Thị Bình", "Hòa An"))
    await play(copier, filing(*near_copy(original["title"], original["text"])))
    await copier.press("Nộp đơn")
    assert "giống với 1 sáng kiến đã có" in copier.text
    assert "LS-1" in copier.text and "(trước khi dùng bot)" in copier.text
