"""The council's rules as data, and the pure arithmetic of results.

A campaign's ``Rules`` name the rubric (criteria, maximum and minimum points), the classes (threshold,
quota, prize), the certificate threshold, how far two members' totals may differ before the secretariat is
told, and how many members score each initiative. ``rank`` turns the members' scoresheets into outcomes:

1. an initiative's score is the mean of its members' totals, rounded half up to 2 decimals — the number
   shown is the number compared;
2. initiatives are ranked by that score, highest first; ties are broken by the higher mean sub-score of the
   tie-break criterion (effectiveness by default), then the earlier final submission time, then the lower
   receipt number, compared as numbers (SK-2026-9999 before SK-2026-10000) — so the order is total and never
   depends on the database;
3. classes are filled down that order: an initiative takes the best class whose threshold it reaches and
   whose quota still has room, so one that qualifies for a full class falls to the next class it qualifies
   for; below every class but at or above the certificate threshold it is recognised with a certificate only;
   below that, or below any criterion's minimum (mean sub-score), it is not recognised.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from handlers.parsing import fold, format_money, parse_money
from handlers.texts import review as T

CENT = Decimal("0.01")
ROUND_SCOPE = "round"
YEAR_SCOPE = "year"


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    max_points: Decimal
    min_points: Decimal = Decimal(0)


@dataclass(frozen=True)
class Grade:
    code: str  # "A", "B", "C"
    threshold: Decimal
    quota: int | None  # None: no limit
    prize: int


@dataclass(frozen=True)
class Rules:
    criteria: tuple[Criterion, ...]
    grades: tuple[Grade, ...]  # best first
    certificate: Decimal = Decimal(50)
    divergence: Decimal = Decimal(20)
    members: int = 2
    tie_criterion: str = ""
    # Quotas count per campaign year (classes awarded in earlier rounds use them up: the plan's «tối đa 5 giải»
    # is for the year's plan, which has two rounds), or per round when the plan says so.
    quota_scope: str = YEAR_SCOPE

    @property
    def total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    @property
    def tie_break(self) -> Criterion:
        found = next((c for c in self.criteria if c.code == self.tie_criterion), None)
        # Unmarked: the criterion worth the most points (effectiveness in the default rubric).
        return found or max(self.criteria, key=lambda c: c.max_points)

    def criterion(self, code: str) -> Criterion | None:
        return next((c for c in self.criteria if c.code == code), None)


def slug(label: str) -> str:
    return "_".join(fold(label).split())[:40] or "tieu_chi"


def _criterion(label: str, max_points: int, min_points: int = 0) -> Criterion:
    return Criterion(slug(label), label, Decimal(max_points), Decimal(min_points))


DEFAULT_RULES = Rules(
    criteria=(
        _criterion(T.DEFAULT_NOVELTY, 30),
        _criterion(T.DEFAULT_APPLICABILITY, 30),
        _criterion(T.DEFAULT_EFFECTIVENESS, 40),
    ),
    grades=(
        Grade("A", Decimal(80), 5, 2_000_000),
        Grade("B", Decimal(70), 10, 1_000_000),
        Grade("C", Decimal(60), 10, 500_000),
    ),
    tie_criterion=slug(T.DEFAULT_EFFECTIVENESS),
)


# --- scores ---------------------------------------------------------------------------------------------


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def show_points(value: Decimal | int | str) -> str:
    """Decimal("85.50") → "85,5"; Decimal("80.00") → "80" (Vietnamese decimal comma)."""
    number = Decimal(value)
    text = format(number.quantize(CENT), "f").rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("", "-0") else "0"


_POINTS_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_POINTS_WORD_RE = re.compile(r"\s*(?:điểm|diem|đ)\.?$", re.IGNORECASE)


def parse_points(text: str, criterion: Criterion) -> Decimal:
    """A score for one criterion: 0 … max, at most one decimal ("25", "25,5", "25 điểm"); ValueError with
    the message to show."""
    cleaned = _POINTS_WORD_RE.sub("", text.strip()).replace(" ", "")
    if not _POINTS_RE.fullmatch(cleaned):
        raise ValueError(T.POINTS_FORMAT.format(max=show_points(criterion.max_points)))
    value = Decimal(cleaned.replace(",", "."))
    if value != value.quantize(Decimal("0.1")):
        raise ValueError(T.POINTS_DECIMALS)
    if not 0 <= value <= criterion.max_points:
        raise ValueError(T.POINTS_RANGE.format(value=show_points(value), max=show_points(criterion.max_points)))
    return value


def sheet_total(scores: Mapping[str, Decimal], rules: Rules) -> Decimal:
    return sum((Decimal(scores.get(c.code, 0)) for c in rules.criteria), Decimal(0))


def spread(totals: Sequence[Decimal]) -> Decimal:
    return max(totals) - min(totals) if len(totals) >= 2 else Decimal(0)


def diverges(totals: Sequence[Decimal], rules: Rules) -> bool:
    return spread(totals) > rules.divergence


# --- ranking --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    initiative_id: int
    receipt: str
    submitted_at: datetime
    sheets: tuple[Mapping[str, Decimal], ...]


@dataclass(frozen=True)
class Outcome:
    initiative_id: int
    receipt: str
    rank: int
    mean: Decimal
    criterion_means: dict[str, Decimal]
    totals: tuple[Decimal, ...]
    recognised: bool
    grade: str = ""  # "" with recognised: certificate only
    prize: int = 0
    qualified: str = ""  # the best class whose threshold was reached, quota or not
    below_minimum: str = ""  # label of a criterion under its minimum
    notes: tuple[str, ...] = field(default=())

    @property
    def spread(self) -> Decimal:
        return spread(self.totals)


def _means(candidate: Candidate, rules: Rules) -> tuple[Decimal, dict[str, Decimal], tuple[Decimal, ...]]:
    totals = tuple(sheet_total(s, rules) for s in candidate.sheets)
    n = len(totals)
    if n == 0:
        return Decimal(0), {c.code: Decimal(0) for c in rules.criteria}, ()
    mean = quantize(sum(totals, Decimal(0)) / n)
    by_criterion = {
        c.code: quantize(sum((Decimal(s.get(c.code, 0)) for s in candidate.sheets), Decimal(0)) / n)
        for c in rules.criteria
    }
    return mean, by_criterion, totals


_DIGITS_RE = re.compile(r"(\d+)")


def receipt_key(receipt: str) -> tuple[tuple[int, str], ...]:
    """Receipt numbers ordered as people read them: "SK-2026-9999" before "SK-2026-10000"."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in _DIGITS_RE.split(receipt) if part)


def rank(candidates: Iterable[Candidate], rules: Rules, already: Mapping[str, int] | None = None) -> list[Outcome]:
    """Outcomes, best first. ``already``: classes awarded earlier in the year when quotas count per year."""
    tie = rules.tie_break.code
    scored = []
    for c in candidates:
        mean, by_criterion, totals = _means(c, rules)
        scored.append((c, mean, by_criterion, totals))
    scored.sort(key=lambda x: (-x[1], -x[2][tie], x[0].submitted_at, receipt_key(x[0].receipt)))
    used: dict[str, int] = dict(already or {}) if rules.quota_scope == YEAR_SCOPE else {}
    outcomes: list[Outcome] = []
    for position, (c, mean, by_criterion, totals) in enumerate(scored, 1):
        base = Outcome(c.initiative_id, c.receipt, position, mean, by_criterion, totals, recognised=False)
        failed = next((k for k in rules.criteria if by_criterion[k.code] < k.min_points), None)
        qualified = next((g for g in rules.grades if mean >= g.threshold), None)
        base = replace(base, qualified=qualified.code if qualified else "")
        if failed is not None:
            outcomes.append(replace(base, below_minimum=failed.label))
            continue
        chosen = None
        for grade in rules.grades:
            if mean < grade.threshold:
                continue
            if grade.quota is None or used.get(grade.code, 0) < grade.quota:
                chosen = grade
                break
        if chosen is not None:
            used[chosen.code] = used.get(chosen.code, 0) + 1
            outcomes.append(replace(base, recognised=True, grade=chosen.code, prize=chosen.prize))
        elif mean >= rules.certificate:
            outcomes.append(replace(base, recognised=True))
        else:
            outcomes.append(base)
    return outcomes


# --- rules as text (what the secretariat reads and edits) and as JSON (what is stored) --------------------


def format_rules(rules: Rules) -> str:
    tie = rules.tie_break.code
    lines = []
    for c in rules.criteria:
        parts = [c.label, show_points(c.max_points)]
        if c.min_points:
            parts.append(f"{T.RULE_MIN} {show_points(c.min_points)}")
        if c.code == tie:
            parts.append(T.RULE_TIE)
        lines.append(f"{T.RULE_CRITERION}: " + " | ".join(parts))
    for g in rules.grades:
        quota = T.RULE_NO_LIMIT if g.quota is None else f"{T.RULE_AT_MOST} {g.quota}"
        lines.append(
            f"{T.RULE_GRADE}: {g.code} | {T.RULE_FROM} {show_points(g.threshold)} | {quota} | {format_money(g.prize)}"
        )
    lines.append(f"{T.RULE_CERTIFICATE}: {T.RULE_FROM} {show_points(rules.certificate)}")
    lines.append(f"{T.RULE_DIVERGENCE}: {show_points(rules.divergence)}")
    lines.append(f"{T.RULE_MEMBERS}: {rules.members}")
    scope = T.RULE_SCOPE_YEAR if rules.quota_scope == YEAR_SCOPE else T.RULE_SCOPE_ROUND
    lines.append(f"{T.RULE_SCOPE}: {scope}")
    return "\n".join(lines)


_NUMBER_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)?")


def _number(text: str, line: str) -> Decimal:
    found = _NUMBER_RE.search(text)
    if not found:
        raise ValueError(T.RULES_BAD_LINE.format(line=line))
    try:
        return Decimal(found.group(0).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ValueError(T.RULES_BAD_LINE.format(line=line)) from None


def parse_rules(text: str) -> Rules:
    """The text ``format_rules`` writes, edited by a person, back into ``Rules``; ValueError with the message."""
    criteria: list[Criterion] = []
    grades: list[Grade] = []
    tie = ""
    values: dict[str, Any] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        key, sep, rest = line.partition(":")
        if not sep:
            raise ValueError(T.RULES_BAD_LINE.format(line=line))
        key = fold(key)
        parts = [p.strip() for p in rest.split("|")]
        if key == fold(T.RULE_CRITERION):
            if len(parts) < 2 or not parts[0]:
                raise ValueError(T.RULES_BAD_LINE.format(line=line))
            minimum = Decimal(0)
            for extra in parts[2:]:
                if fold(extra).startswith(fold(T.RULE_MIN)):
                    minimum = _number(extra, line)
                elif fold(extra) == fold(T.RULE_TIE):
                    tie = slug(parts[0])
                elif extra:
                    raise ValueError(T.RULES_BAD_LINE.format(line=line))
            criteria.append(Criterion(slug(parts[0]), parts[0], _number(parts[1], line), minimum))
        elif key == fold(T.RULE_GRADE):
            if len(parts) != 4 or not parts[0]:
                raise ValueError(T.RULES_BAD_LINE.format(line=line))
            quota = None if fold(parts[2]) == fold(T.RULE_NO_LIMIT) else int(_number(parts[2], line))
            try:
                prize = parse_money(parts[3])
            except ValueError:
                raise ValueError(T.RULES_BAD_LINE.format(line=line)) from None
            grades.append(Grade(parts[0].upper(), _number(parts[1], line), quota, prize))
        elif key == fold(T.RULE_CERTIFICATE):
            values["certificate"] = _number(rest, line)
        elif key == fold(T.RULE_DIVERGENCE):
            values["divergence"] = _number(rest, line)
        elif key == fold(T.RULE_MEMBERS):
            values["members"] = int(_number(rest, line))
        elif key == fold(T.RULE_SCOPE):
            values["quota_scope"] = YEAR_SCOPE if fold(rest) == fold(T.RULE_SCOPE_YEAR) else ROUND_SCOPE
        else:
            raise ValueError(T.RULES_BAD_LINE.format(line=line))
    rules = Rules(criteria=tuple(criteria), grades=tuple(grades), tie_criterion=tie, **values)
    check_rules(rules)
    return rules


def check_rules(rules: Rules) -> None:
    if not rules.criteria:
        raise ValueError(T.RULES_NO_CRITERIA)
    if len({c.code for c in rules.criteria}) != len(rules.criteria):
        raise ValueError(T.RULES_DUPLICATE_CRITERION)
    if any(c.max_points <= 0 or not 0 <= c.min_points <= c.max_points for c in rules.criteria):
        raise ValueError(T.RULES_BAD_POINTS)
    codes = [g.code for g in rules.grades]
    thresholds = [g.threshold for g in rules.grades]
    if len(set(codes)) != len(codes) or thresholds != sorted(thresholds, reverse=True):
        raise ValueError(T.RULES_BAD_GRADES)
    if any(t > rules.total for t in thresholds) or (thresholds and rules.certificate > thresholds[-1]):
        raise ValueError(T.RULES_BAD_GRADES)
    if rules.members < 1 or rules.divergence < 0:
        raise ValueError(T.RULES_BAD_MEMBERS)


def rules_to_json(rules: Rules) -> dict[str, Any]:
    return {
        "criteria": [
            {"code": c.code, "label": c.label, "max": str(c.max_points), "min": str(c.min_points)}
            for c in rules.criteria
        ],
        "grades": [
            {"code": g.code, "threshold": str(g.threshold), "quota": g.quota, "prize": g.prize} for g in rules.grades
        ],
        "certificate": str(rules.certificate),
        "divergence": str(rules.divergence),
        "members": rules.members,
        "tie": rules.tie_criterion,
        "quota_scope": rules.quota_scope,
    }


def rules_from_json(data: Mapping[str, Any]) -> Rules:
    return Rules(
        criteria=tuple(
            Criterion(c["code"], c["label"], Decimal(c["max"]), Decimal(c.get("min", "0"))) for c in data["criteria"]
        ),
        grades=tuple(
            Grade(g["code"], Decimal(g["threshold"]), g.get("quota"), int(g.get("prize", 0))) for g in data["grades"]
        ),
        certificate=Decimal(data.get("certificate", "50")),
        divergence=Decimal(data.get("divergence", "20")),
        members=int(data.get("members", 2)),
        tie_criterion=str(data.get("tie", "")),
        quota_scope=str(data.get("quota_scope", YEAR_SCOPE)),
    )
