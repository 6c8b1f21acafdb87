"""The pure rules of the review: ranking with quotas and ties, rules as text, points, conflicts, redaction,
signed links and the decision clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from handlers.confidential import redact
from handlers.domain import Initiative, Person, Status
from handlers.results import (
    DEFAULT_RULES,
    ROUND_SCOPE,
    YEAR_SCOPE,
    Candidate,
    Criterion,
    Grade,
    Rules,
    format_rules,
    parse_points,
    parse_rules,
    rank,
    rules_from_json,
    rules_to_json,
    show_points,
)
from handlers.review.rules import (
    ReviewConfig,
    add_months,
    conflict,
    decision_due,
    sign_link,
    verify_link,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
NOV, APP, EFF = (c.code for c in DEFAULT_RULES.criteria)


def sheet(novelty: float, applicability: float, effectiveness: float) -> dict[str, Decimal]:
    return {NOV: Decimal(str(novelty)), APP: Decimal(str(applicability)), EFF: Decimal(str(effectiveness))}


def split(total: float) -> dict[str, Decimal]:
    n = int(total * 3 // 10)
    return sheet(n, n, total - 2 * n)


def cand(i: int, *sheets: dict[str, Decimal], minutes: int | None = None) -> Candidate:
    at = T0 + timedelta(minutes=i if minutes is None else minutes)
    return Candidate(i, f"SK-2026-{i:04d}", at, tuple(sheets))


def test_classes_fill_from_the_top_and_full_classes_spill_down() -> None:
    means = [95, 92, 90, 88, 85, 83, 81, 75, 65, 55, 45]
    outcomes = rank([cand(i, split(m), split(m)) for i, m in enumerate(means, 1)], DEFAULT_RULES)
    got = [(o.initiative_id, o.grade, o.recognised, o.prize) for o in outcomes]
    assert got[:5] == [(i, "A", True, 2_000_000) for i in range(1, 6)]
    assert got[5:8] == [(6, "B", True, 1_000_000), (7, "B", True, 1_000_000), (8, "B", True, 1_000_000)]
    assert outcomes[5].qualified == "A" and outcomes[7].qualified == "B"
    assert got[8] == (9, "C", True, 500_000)
    assert got[9] == (10, "", True, 0)  # certificate only
    assert got[10] == (11, "", False, 0)


def test_a_full_b_falls_to_c_then_certificate() -> None:
    rules = Rules(
        DEFAULT_RULES.criteria, tuple(g.__class__(g.code, g.threshold, 1, g.prize) for g in DEFAULT_RULES.grades)
    )
    outcomes = rank([cand(i, split(90), split(90)) for i in range(1, 5)], rules)
    assert [o.grade for o in outcomes] == ["A", "B", "C", ""]
    assert all(o.recognised for o in outcomes)


def test_ties_go_to_the_higher_effectiveness_then_earlier_submission_then_receipt() -> None:
    low_eff = cand(1, sheet(22, 20, 30), sheet(22, 20, 30), minutes=1)
    high_eff = cand(2, sheet(20, 17, 35), sheet(20, 17, 35), minutes=2)
    early = cand(3, sheet(20, 17, 35), sheet(20, 17, 35), minutes=0)
    same_time_a = Candidate(5, "SK-2026-0005", T0, (sheet(20, 17, 35),) * 2)
    same_time_b = Candidate(4, "SK-2026-0004", T0, (sheet(20, 17, 35),) * 2)
    outcomes = rank([low_eff, high_eff, same_time_a, early, same_time_b], DEFAULT_RULES)
    assert [o.initiative_id for o in outcomes] == [3, 4, 5, 2, 1]
    assert {o.mean for o in outcomes} == {Decimal("72.00")}


def test_the_tie_break_decides_the_last_place_in_a_class() -> None:
    a, b, c = DEFAULT_RULES.grades
    rules = Rules(DEFAULT_RULES.criteria, (a, Grade("B", b.threshold, 1, b.prize), c))
    x = cand(1, sheet(22, 20, 30), sheet(22, 20, 30))
    y = cand(2, sheet(20, 17, 35), sheet(20, 17, 35))
    outcomes = {o.initiative_id: o for o in rank([x, y], rules)}
    assert outcomes[2].grade == "B" and outcomes[1].grade == "C"


def test_mean_is_rounded_half_up_and_decides() -> None:
    outcomes = rank([cand(1, split(80), split(79), split(79.5))], DEFAULT_RULES)
    assert outcomes[0].mean == Decimal("79.50")
    assert outcomes[0].grade == "B"
    assert show_points(outcomes[0].mean) == "79,5"


def test_criterion_minimum_means_not_recognised() -> None:
    criteria = (
        Criterion("moi", "Tính mới", Decimal(30), Decimal(10)),
        *DEFAULT_RULES.criteria[1:],
    )
    rules = Rules(criteria, DEFAULT_RULES.grades)
    outcome = rank([cand(1, {"moi": Decimal(8), APP: Decimal(30), EFF: Decimal(40)})] * 1, rules)[0]
    assert not outcome.recognised and outcome.below_minimum == "Tính mới"
    assert outcome.qualified == "B"


def test_year_quota_counts_earlier_rounds_by_default() -> None:
    # The plan's «tối đa 5 giải» is for the year (two rounds): the default counts classes awarded earlier.
    assert DEFAULT_RULES.quota_scope == YEAR_SCOPE
    outcomes = rank([cand(i, split(90), split(90)) for i in range(1, 3)], DEFAULT_RULES, {"A": 4})
    assert [o.grade for o in outcomes] == ["A", "B"]
    per_round_rules = Rules(DEFAULT_RULES.criteria, DEFAULT_RULES.grades, quota_scope=ROUND_SCOPE)
    per_round = rank([cand(i, split(90), split(90)) for i in range(1, 3)], per_round_rules, {"A": 4})
    assert [o.grade for o in per_round] == ["A", "A"]
    assert "Số lượng mỗi loại tính theo: năm" in format_rules(DEFAULT_RULES)
    assert parse_rules(format_rules(DEFAULT_RULES).replace("theo: năm", "theo: dot")).quota_scope == ROUND_SCOPE
    stored_before = {k: v for k, v in rules_to_json(DEFAULT_RULES).items() if k != "quota_scope"}
    assert rules_from_json(stored_before).quota_scope == YEAR_SCOPE


def test_last_tie_break_compares_receipt_numbers_as_numbers() -> None:
    same = split(85)
    tied = [Candidate(n, f"SK-2026-{n}", T0, (same,)) for n in (10000, 9999, 10001, 998)]
    assert [o.receipt for o in rank(tied, DEFAULT_RULES)] == [
        "SK-2026-998",
        "SK-2026-9999",
        "SK-2026-10000",
        "SK-2026-10001",
    ]


def test_rules_text_round_trip_and_editing() -> None:
    text = format_rules(DEFAULT_RULES)
    assert "Tiêu chí: Hiệu quả, lợi ích thiết thực | 40 | ưu tiên khi bằng điểm" in text
    assert "Loại: A | từ 80 | tối đa 5 | 2.000.000 đ" in text
    assert parse_rules(text) == DEFAULT_RULES
    edited = text.replace("Loại: A | từ 80 | tối đa 5", "Loại: A | từ 85 | tối đa 3").replace(
        "Tiêu chí: Tính mới, tính sáng tạo | 30", "Tiêu chí: Tính mới, tính sáng tạo | 30 | tối thiểu 10"
    )
    rules = parse_rules(
        edited.replace("Chênh lệch tối đa giữa hai thành viên: 20", "chenh lech toi da giua hai thanh vien: 15")
    )
    assert rules.grades[0].threshold == 85 and rules.grades[0].quota == 3
    assert rules.criteria[0].min_points == 10 and rules.divergence == 15
    assert rules_from_json(rules_to_json(rules)) == rules
    with pytest.raises(ValueError, match="Không hiểu dòng"):
        parse_rules(text + "\nLoại: D")
    with pytest.raises(ValueError, match="cao xuống thấp"):
        parse_rules(text.replace("Loại: C | từ 60", "Loại: C | từ 75"))


def test_points_within_bounds() -> None:
    novelty = DEFAULT_RULES.criteria[0]
    assert parse_points("25", novelty) == Decimal(25)
    assert parse_points("25,5 điểm", novelty) == Decimal("25.5")
    for bad, message in (("31", "ngoài khung"), ("-1", "từ 0 đến 30"), ("abc", "từ 0 đến 30"), ("2,25", "một chữ số")):
        with pytest.raises(ValueError, match=message):
            parse_points(bad, novelty)


def _initiative(person_id: int, coauthors: list[dict]) -> Initiative:
    data = {"author": {"full_name": "Nguyễn Văn An"}, "coauthors": coauthors}
    return Initiative(1, person_id, Status.ACCEPTED, data, T0, T0, "SK-2026-0001", 1, T0)


def test_conflicts_of_interest() -> None:
    member = Person(7, "Trần Thị Bình", 1, "Giáo viên", "0912345678")
    assert conflict(member, _initiative(7, [])) == "Trần Thị Bình"
    assert conflict(member, _initiative(1, [{"full_name": "TRAN THI BINH"}])) == "TRAN THI BINH"
    assert conflict(member, _initiative(1, [{"full_name": "Bình", "phone": "+84 912 345 678"}])) == "Bình"
    assert conflict(member, _initiative(1, [{"full_name": "Lê Văn Cường", "phone": "0987654321"}])) is None


def test_redaction_removes_confidential_text_and_its_sentences() -> None:
    secret = "Mã nguồn lưu tại máy chủ 10.0.0.5. Mật khẩu quản trị là Abc@123"
    text = "Giải pháp dùng QR. Mật khẩu quản trị là Abc@123 và mọi người dùng được."
    cleaned = redact(text, secret)
    assert "Abc@123" not in cleaned and "Giải pháp dùng QR" in cleaned
    assert redact("không có gì", "") == "không có gì"


def test_signed_links() -> None:
    secret = b"bi-mat-ky-link-0123456789"
    now = datetime(2026, 3, 3, tzinfo=UTC)
    token = sign_link({"d": "m02", "i": 5, "p": 9}, secret, now + timedelta(hours=1))
    assert verify_link(token, secret, now) == {
        "d": "m02",
        "i": 5,
        "p": 9,
        "e": int((now + timedelta(hours=1)).timestamp()),
    }
    assert verify_link(token, secret, now + timedelta(hours=2)) is None
    assert verify_link(token, b"another-secret-000000", now) is None
    _, mac = token.split(".")
    forged = sign_link({"d": "m02", "i": 6, "p": 9}, b"x", now + timedelta(hours=1)).split(".")[0]
    assert verify_link(f"{forged}.{mac}", secret, now) is None
    assert verify_link("garbage", secret, now) is None


def test_decision_clock() -> None:
    assert add_months(date(2026, 3, 3), 3) == date(2026, 6, 3)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert decision_due(date(2026, 1, 31), ReviewConfig()) == date(2026, 4, 30)
