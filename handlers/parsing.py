"""Understanding what people type: small pure functions that turn free text into values.

Everything here is forgiving about form (with or without diacritics, any common separator) and strict
about meaning (31/02 does not exist, shares must total 100). On failure a ``ParseError`` carries the
Vietnamese message to show; all those messages live in ``handlers.texts.parsing``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from handlers.texts import parsing as T
from handlers.types import Option

__all__ = [
    "ParseError",
    "clean_text",
    "fold",
    "format_date",
    "format_money",
    "format_percent",
    "has_content",
    "is_yes",
    "match_option",
    "name_as_printed",
    "option_candidates",
    "parse_birth_date",
    "parse_date",
    "parse_id",
    "parse_money",
    "parse_percent",
    "parse_percent_list",
    "parse_person_name",
    "parse_phone",
    "require_text",
    "safe_display",
    "typed_command",
]


class ParseError(ValueError):
    """An answer that cannot be accepted; ``message`` is the Vietnamese text to show the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------------------------------

_PUNCT_RE = re.compile(r"[\W_]+")


def _strip_marks(text: str) -> str:
    """NFC, lower-case, Vietnamese diacritics removed, đ → d. Punctuation is kept."""
    text = unicodedata.normalize("NFC", text).lower()
    decomposed = unicodedata.normalize("NFD", text)
    without = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return without.replace("đ", "d").replace("ð", "d")


def fold(text: str) -> str:
    """The form used for matching: lower-case, no diacritics, punctuation as spaces, single spaces."""
    return " ".join(_PUNCT_RE.sub(" ", _strip_marks(text)).split())


_ZWJ = "\u200d"
_REMOVED_CHARS = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)]  # zero-width space … right-to-left mark
    + [chr(c) for c in range(0x2060, 0x2065)]  # word joiner … invisible plus
    + ["\ufeff", "\u061c"]  # BOM / zero-width no-break space, Arabic letter mark
    + [chr(c) for c in range(0x202A, 0x202F)]  # bidi embeddings and overrides
    + [chr(c) for c in range(0x2066, 0x206A)]  # bidi isolates
)
_LINE_BREAKS_RE = re.compile("\r\n|\r|\u2028|\u2029|\x85")
_BLANK_RUN_RE = re.compile(r"\n{3,}")


def _is_pictograph(ch: str) -> bool:
    cp = ord(ch)
    return (
        unicodedata.category(ch) == "So"
        or 0x1F000 <= cp <= 0x1FAFF  # emoji blocks (incl. skin-tone modifiers)
        or cp == 0xFE0F  # emoji presentation selector
        or 0xE0020 <= cp <= 0xE007F  # tag characters (subdivision flags)
    )


def _keeps_zwj(text: str, i: int) -> bool:
    """A zero-width joiner inside an emoji sequence (👨‍👩‍👧) is part of the emoji, not noise."""
    if i == 0 or i + 1 >= len(text):
        return False
    return _is_pictograph(text[i - 1]) and _is_pictograph(text[i + 1])


def clean_text(text: str) -> str:
    """What to store of what the user typed: invisible and control characters removed, line ends
    unified, trailing spaces and runs of blank lines tidied. Emoji and Vietnamese are kept."""
    text = unicodedata.normalize("NFC", text)
    text = _LINE_BREAKS_RE.sub("\n", text)
    kept: list[str] = []
    for i, ch in enumerate(text):
        if ch in _REMOVED_CHARS:
            if ch == _ZWJ and _keeps_zwj(text, i):
                kept.append(ch)
            continue
        if ch not in "\n\t" and unicodedata.category(ch) in ("Cc", "Cs"):  # controls, lone surrogates
            continue
        kept.append(ch)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    return _BLANK_RUN_RE.sub("\n\n", "\n".join(lines)).strip()


def parse_id(text: str | None) -> int | None:
    """A record number typed in a command ("12"), or None: only ASCII digits, at most 9 of them, so "²", "١"
    or a 400-digit number never reaches int() or the database."""
    word = (text or "").strip()
    if word.isascii() and word.isdigit() and len(word) <= 9:
        return int(word)
    return None


def parse_year(text: str | None, *, first: int = 2000, last: int = 2100) -> int | None:
    """A year typed in a command ("2026"), or None: four ASCII digits from ``first`` to ``last``."""
    word = (text or "").strip()
    if word.isascii() and word.isdigit() and len(word) == 4 and first <= int(word) <= last:
        return int(word)
    return None


_BIDI_CONTROLS = frozenset(
    ["\u200e", "\u200f", "\u061c"] + [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
)


def safe_display(text: str) -> str:
    """Text as it may be shown back to anyone: control characters (but line breaks and tabs) and bidi overrides
    removed, a lone surrogate shown as «�». Emoji, their joiners and Vietnamese are untouched."""
    out: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            out.append("\ufffd")
        elif ch in _BIDI_CONTROLS or (category == "Cc" and ch not in "\n\t"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def has_content(text: str | None) -> bool:
    """Whether cleaned text says anything: a letter or a digit. Emoji, punctuation and spaces alone are empty."""
    return any(ch.isalnum() for ch in clean_text(text or ""))


def _format_int(n: int) -> str:
    """4000 → "4.000" (Vietnamese thousands separator)."""
    return f"{n:,}".replace(",", ".")


def require_text(text: str | None, *, max_len: int, min_len: int = 1, allow_emoji: bool = True) -> str:
    """Cleaned text, or ParseError if empty, too long, too short or (for names) containing emoji."""
    cleaned = clean_text(text or "")
    if not has_content(cleaned):
        raise ParseError(T.EMPTY)
    if len(cleaned) > max_len:
        raise ParseError(T.TOO_LONG.format(limit=_format_int(max_len), length=_format_int(len(cleaned))))
    if len(cleaned) < min_len:
        raise ParseError(T.TOO_SHORT.format(min_len=_format_int(min_len)))
    if not allow_emoji and any(_is_pictograph(ch) for ch in cleaned):
        raise ParseError(T.NO_EMOJI)
    return cleaned


def parse_person_name(text: str | None) -> str:
    """A person's full name as typed (no title-casing), spaces collapsed: at least two words with letters;
    digits refused."""
    cleaned = clean_text(text or "")
    if cleaned and not has_content(cleaned):
        raise ParseError(T.NAME_NO_LETTER)
    name = " ".join(require_text(cleaned, max_len=100, allow_emoji=False).split())
    if any(ch.isdigit() for ch in name):
        raise ParseError(T.NAME_HAS_DIGIT)
    if not any(ch.isalpha() for ch in name):
        raise ParseError(T.NAME_NO_LETTER)
    if len([word for word in name.split() if any(ch.isalpha() for ch in word)]) < 2:
        raise ParseError(T.NAME_ONE_WORD)
    return name


def _capitalised(word: str) -> str:
    """ "nguyễn" → "Nguyễn", "h'hen" → "H'Hen" (each part after an apostrophe or hyphen too)."""
    return re.sub(r"(^|['’\-])(\w)", lambda m: m.group(1) + m.group(2).upper(), word.lower())


def name_as_printed(name: str) -> str | None:
    """A name as it would look on an official form, when what was typed may not be that: typed without
    capitals ("nguyen van an" → "Nguyen Van An") or without any Vietnamese diacritics (→ the name itself,
    to confirm). None when the name already looks like a printed name."""
    words = name.split()
    capitalised = " ".join(_capitalised(w) if w.islower() else w for w in words)
    no_marks = _strip_marks(name) == name.lower()
    if capitalised != name or no_marks:
        return capitalised
    return None


# --------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------

MIN_YEAR = 1900
MIN_AGE = 16
MAX_AGE = 100
# Words people put around a date: "ngày 20 tháng 4 năm 2024", "mùng 5/5/2024", "vào ngày 20/4/2024".
_DATE_FILLER = frozenset({"ngay", "thang", "nam", "mung", "mong", "vao", "hom", "le"})
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _two_digit_year(yy: int, today: date) -> int:
    """24 → 2024; a year that would lie more than a year ahead falls into the 1900s (85 → 1985)."""
    year = 2000 + yy
    return year if year <= today.year + 1 else 1900 + yy


def _parse_calendar_date(text: str | None, today: date, example: str) -> date:
    """Day-first date in any common form; DATE_FORMAT or DATE_IMPOSSIBLE on failure. No range check."""
    tokens = fold(text or "").split()
    numbers = [t for t in tokens if t not in _DATE_FILLER]
    if len(numbers) != 3 or not all(re.fullmatch(r"[0-9]{1,4}", t) for t in numbers):
        raise ParseError(T.DATE_FORMAT.format(example=example))
    a, b, c = numbers
    if len(a) == 4 and len(b) <= 2 and len(c) <= 2:  # ISO: 2024-04-20
        year, month, day = int(a), int(b), int(c)
    elif len(a) <= 2 and len(b) <= 2 and len(c) in (2, 4):  # Vietnamese: day first, never month first
        day, month = int(a), int(b)
        year = int(c) if len(c) == 4 else _two_digit_year(int(c), today)
    else:
        raise ParseError(T.DATE_FORMAT.format(example=example))
    max_day = 0
    if 1 <= month <= 12:
        max_day = _DAYS_IN_MONTH[month - 1]
        if month == 2 and not _is_leap(year):
            max_day = 28
    if not 1 <= day <= max_day or year < 1:
        raise ParseError(T.DATE_IMPOSSIBLE.format(text=f"{day:02d}/{month:02d}/{year:04d}", example=example))
    return date(year, month, day)


def _one_year_after(d: date) -> date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


def recent_example(today: date) -> str:
    """An example date for messages that is itself a good recent answer: the first of this month."""
    return format_date(today.replace(day=1))


BIRTH_EXAMPLE = "15/08/1985"


def parse_date(text: str | None, *, today: date, latest: date | None = None) -> date:
    """A day-first date ("20/4/2024", "20-04-2024", "2024-04-20", "ngày 20 tháng 4 năm 2024", …)
    between 1900 and ``latest`` (default: one year after ``today``)."""
    example = recent_example(today)
    d = _parse_calendar_date(text, today, example)
    latest = _one_year_after(today) if latest is None else latest
    if d.year < MIN_YEAR or d > latest:
        raise ParseError(
            T.DATE_OUT_OF_RANGE.format(
                text=format_date(d), min_year=MIN_YEAR, max_date=format_date(latest), example=example
            )
        )
    return d


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def parse_birth_date(text: str | None, *, today: date) -> date:
    """A date of birth: not in the future, age between 16 and 100 on ``today``."""
    d = _parse_calendar_date(text, today, BIRTH_EXAMPLE)
    if d > today or not MIN_AGE <= _age_on(d, today) <= MAX_AGE:
        raise ParseError(T.BIRTH_DATE_RANGE.format(text=format_date(d), min_age=MIN_AGE, max_age=MAX_AGE))
    return d


def format_date(d: date) -> str:
    """date(2024, 4, 20) → "20/04/2024"."""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


# --------------------------------------------------------------------------------------------------
# Percentages
# --------------------------------------------------------------------------------------------------

_HUNDRED = Decimal(100)
_PERCENT_NUMBER_RE = re.compile(r"([+-]?)\s*([0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)[.,]?")
_PERCENT_SUFFIX_RE = re.compile(r"\s*(?:%|phan tram)\s*$")


def _shorten(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _normalise_decimal(value: Decimal) -> Decimal:
    """Decimal("50.0") → Decimal("50"), Decimal("33.30") → Decimal("33.3"), never exponent form."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_percent(text: str | None) -> Decimal:
    """ "50", "50%", "50 %", "33,3", "33.3" → Decimal; in (0, 100], at most 2 decimals."""
    shown = clean_text(text or "")
    body = _PERCENT_SUFFIX_RE.sub("", _strip_marks(shown).strip())
    match = _PERCENT_NUMBER_RE.fullmatch(body)
    if not match:
        raise ParseError(T.PERCENT_FORMAT.format(text=_shorten(shown)))
    sign, digits = match.groups()
    number = digits.replace(",", ".")
    try:
        value = Decimal(("-" if sign == "-" else "") + ("0" + number if number.startswith(".") else number))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        raise ParseError(T.PERCENT_FORMAT.format(text=_shorten(shown))) from None
    if not 0 < value <= _HUNDRED:
        # Checked before normalising: a 400-digit number is out of range, not a crash in Decimal.quantize.
        text = format_percent(_normalise_decimal(value)) if len(digits) <= 12 else _shorten(shown.rstrip("% "))
        raise ParseError(T.PERCENT_RANGE.format(text=text))
    value = _normalise_decimal(value)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise ParseError(T.PERCENT_DECIMALS.format(text=_shorten(format_percent(value))))
    return value


# ';', newlines, '/', '|', '+', a dash between spaces and the word "và" always separate shares.
_STRONG_SEP_RE = re.compile(r";|\n|/|\||\+|\s+[-–—]\s+|\s+(?:và|va|and)\s+", re.IGNORECASE)
# Otherwise spaces separate, and so does a comma unless it stands between two digits (decimal comma).
_WEAK_SEP_RE = re.compile(r"(?:\s|(?<![0-9]),|,(?![0-9]))+")
_SPACE_BEFORE_PERCENT_RE = re.compile(r"\s+%")


def _split_shares(text: str) -> list[str]:
    text = _SPACE_BEFORE_PERCENT_RE.sub("%", text)
    text = re.sub(r"\s+phần trăm|\s+phan tram", "%", text, flags=re.IGNORECASE)
    tokens: list[str] = []
    for piece in _STRONG_SEP_RE.split(text):
        tokens.extend(t for t in _WEAK_SEP_RE.split(piece) if t)
    return tokens


def _example_shares(count: int) -> str:
    """Shares that total 100 for ``count`` authors, for use in messages: 3 → "50; 30; 20"."""
    known = {1: "100", 2: "60; 40", 3: "50; 30; 20", 4: "40; 30; 20; 10"}
    if count in known:
        return known[count]
    base, extra = divmod(100, max(count, 1))
    return "; ".join(str(base + (1 if i < extra else 0)) for i in range(max(count, 1)))


def parse_percent_list(text: str | None, count: int) -> list[Decimal]:
    """``count`` shares that total 100: "50, 30, 20", "50 30 20", "50%; 30%; 20%", "33,3; 33,3; 33,4"."""
    cleaned = require_text(text, max_len=1000)
    tokens = _split_shares(cleaned)
    if len(tokens) != count and any(re.search(r"[0-9],[0-9]", t) for t in tokens):
        # "50,30,20": commas without spaces that cannot all be decimal commas.
        by_comma = [t for t in re.split(r"[,\s]+", cleaned) if t]
        if len(by_comma) == count:
            tokens = by_comma
    values = [parse_percent(t) for t in tokens]
    if len(values) != count:
        raise ParseError(T.PERCENT_COUNT.format(expected=count, given=len(values), example=_example_shares(count)))
    total = sum(values, Decimal(0))
    if total != _HUNDRED:
        raise ParseError(T.PERCENT_SUM.format(total=format_percent(total), example=_example_shares(count)))
    return values


def format_percent(p: Decimal) -> str:
    """Decimal("50") → "50", Decimal("33.30") → "33,3" (Vietnamese decimal comma)."""
    text = format(p.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


# --------------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------------

_PHONE_NOISE_RE = re.compile(r"[\s.\-()\u2010-\u2015]+")
# Mobile: 10 digits (03x, 05x, 07x, 08x, 09x). Landline: 0 + area code 2xx + subscriber = 11 digits
# (024 3825 1234 in Hà Nội, 0229 386 4123 in Ninh Bình) since the 2017 renumbering.
_PHONE_RE = re.compile(r"0[35789][0-9]{8}|02[0-9]{9}")


def parse_phone(text: str | None) -> str:
    """A Vietnamese phone number → "0912345678" (mobile) or "02293864123" (landline).
    Spaces, dots, dashes and parentheses are ignored; a +84 / 84 / 0084 country code becomes 0."""
    digits = _PHONE_NOISE_RE.sub("", clean_text(text or ""))
    rest = None  # the national number after a country code, when there is one
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("0084"):
        rest = digits[4:]
    elif digits.startswith("84") and len(digits) in (11, 12, 13):
        rest = digits[2:]
    number = digits if rest is None else "0" + rest.removeprefix("0")  # "+84 (0) 912…" → "0912…"
    if not _PHONE_RE.fullmatch(number):
        raise ParseError(T.PHONE_FORMAT)
    return number


def phone_or_none(value: object) -> str | None:
    """``parse_phone`` of a stored or shared value (a co-author's phone, a contact), None when it is none."""
    try:
        return parse_phone(str(value)) if value else None
    except ParseError:
        return None


# --------------------------------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------------------------------

MAX_MONEY = 10**13
# More digits than any amount up to MAX_MONEY can be written with (with decimals): out of range at once.
_MAX_MONEY_DIGITS = 24
_CURRENCY_RE = re.compile(r"^(?:\s*(?:vnd|dong|d|₫)(?![a-z])\.?)+|(?:\s*(?:vnd|dong|d|₫)\.?)+\s*$")
_UNITS: dict[str, int] = {
    "nghin ty": 10**12,
    "ngan ty": 10**12,
    "ty": 10**9,
    "ti": 10**9,
    "trieu": 10**6,
    "tr": 10**6,
    "nghin": 10**3,
    "ngan": 10**3,
    "k": 10**3,
}
_UNIT_ALT = "|".join(re.escape(u).replace(r"\ ", r"\s+") for u in sorted(_UNITS, key=len, reverse=True))
_NUMBER = r"[0-9]+(?:[.,][0-9]+)*"
_MONEY_PART = rf"({_NUMBER})\s*({_UNIT_ALT})(?![a-z])(\s*ruoi)?"
_MONEY_PARTS_RE = re.compile(rf"(?:\s*{_MONEY_PART})+\s*")
_MONEY_PART_RE = re.compile(_MONEY_PART)
_SPACE_GROUPED_RE = re.compile(r"[0-9]{1,3}(?: [0-9]{3})+")


def _grouped(int_part: str, sep: str) -> str | None:
    """ "2.000.000" with sep "." → "2000000"; None if the groups are not 1–3 then 3 digits each."""
    groups = int_part.split(sep)
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        return None
    return "".join(groups)


def _parse_number(text: str) -> Decimal | None:
    """A number written with '.' or ',' as thousands or decimal separator, or None."""
    if not re.fullmatch(_NUMBER, text):
        return None
    dots, commas = text.count("."), text.count(",")
    if dots and commas:  # "2.000.000,50" or "2,000,000.50": the last one is the decimal separator
        dec = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if dec == "," else ","
        if text.count(dec) != 1:
            return None
        int_part, frac = text.split(dec)
        digits = _grouped(int_part, thousands)
        return None if digits is None else Decimal(f"{digits}.{frac}")
    if dots + commas == 0:
        return Decimal(text)
    sep = "." if dots else ","
    if dots + commas > 1:
        digits = _grouped(text, sep)
        return None if digits is None else Decimal(digits)
    int_part, frac = text.split(sep)
    if len(frac) == 3 and int_part != "0":  # "1.500" is one thousand five hundred
        digits = _grouped(text, sep)
        return None if digits is None else Decimal(digits)
    return Decimal(f"{int_part}.{frac}")


def _check_money(amount: int, negative: bool) -> int:
    if negative or amount > MAX_MONEY:
        raise ParseError(T.MONEY_RANGE.format(limit=_format_int(MAX_MONEY)))
    return amount


def parse_money(text: str | None) -> int:
    """An amount in đồng: "2.000.000 đ", "2,000,000", "1,5 triệu", "500k", "2 tỷ", "2 trieu" → int."""
    s = " ".join(_strip_marks(clean_text(text or "")).split())
    negative = False
    if s[:1] in ("-", "\u2212") or s.startswith("am "):
        negative = True
        s = s[1:] if s[:1] in ("-", "\u2212") else s.removeprefix("am ")
        s = s.strip()
    s = _CURRENCY_RE.sub("", s).strip()
    if not s:
        raise ParseError(T.MONEY_FORMAT)
    if sum(ch.isdigit() for ch in s) > _MAX_MONEY_DIGITS:
        raise ParseError(T.MONEY_RANGE.format(limit=_format_int(MAX_MONEY)))
    if _SPACE_GROUPED_RE.fullmatch(s):  # "2 000 000"
        s = s.replace(" ", "")
    plain = _parse_number(s)
    if plain is not None:
        if plain != plain.to_integral_value():  # "1.5" with no unit: not an amount in đồng
            raise ParseError(T.MONEY_FORMAT)
        return _check_money(int(plain), negative)
    if not _MONEY_PARTS_RE.fullmatch(s):
        raise ParseError(T.MONEY_FORMAT)
    total = Decimal(0)
    previous_unit = None
    for number_text, unit_text, half in _MONEY_PART_RE.findall(s):
        number = _parse_number(number_text)
        unit = _UNITS[" ".join(unit_text.split())]
        if number is None or (previous_unit is not None and unit >= previous_unit):
            raise ParseError(T.MONEY_FORMAT)  # "2 triệu 3 tỷ" is not an amount
        previous_unit = unit
        total += (number + (Decimal("0.5") if half else 0)) * unit
    return _check_money(int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)), negative)


def format_money(amount: int) -> str:
    """2000000 → "2.000.000 đ"."""
    return f"{_format_int(amount)} đ"


# --------------------------------------------------------------------------------------------------
# Choices
# --------------------------------------------------------------------------------------------------

_OPTION_NUMBER_RE = re.compile(r"(?:so\s+)?([0-9]+)")


def _unique(options: Sequence[Option], keep: Callable[[int], bool]) -> Option | None:
    found = [opt for i, opt in enumerate(options) if keep(i)]
    return found[0] if len(found) == 1 else None


def _distinguishing_parts(labels: list[str]) -> list[str]:
    """Labels without the words all of them start with: the 4 "giai phap …" → "ky thuat", "quan ly", …"""
    if len(labels) < 2:
        return labels
    words = [label.split() for label in labels]
    shared = 0
    while all(len(w) > shared + 1 for w in words) and len({w[shared] for w in words}) == 1:
        shared += 1
    return [" ".join(w[shared:]) for w in words]


def numbered(options: Sequence[Option]) -> list[Option]:
    """The options a typed number refers to, in order: those without a fixed ``key``."""
    return [opt for opt in options if not opt.key]


def match_option(text: str | None, options: Sequence[Option]) -> Option | None:
    """The option the user meant: by its fixed key ("0"), by number ("2", "2.", "số 2"), else by label or
    value, with or without diacritics: exact match, then a unique prefix, then a unique whole-word match."""
    raw = clean_text(text or "").strip().rstrip(".")
    keyed = next((opt for opt in options if opt.key and opt.key == raw), None)
    if keyed is not None:
        return keyed
    folded = fold(text or "")
    if not folded or not options:
        return None
    labels = [fold(opt.label) for opt in options]
    values = [fold(opt.value) for opt in options]
    exact = _unique(options, lambda i: folded in (labels[i], values[i]))
    number = _OPTION_NUMBER_RE.fullmatch(folded)
    if number:
        index = int(number.group(1))
        listed = numbered(options)
        return listed[index - 1] if 1 <= index <= len(listed) else exact
    if exact:
        return exact
    parts = _distinguishing_parts(labels)
    for keep in (
        lambda i: parts[i] == folded,
        lambda i: len(folded) >= 2 and (labels[i].startswith(folded) or parts[i].startswith(folded)),
        lambda i: f" {folded} " in f" {labels[i]} ",
    ):
        found = _unique(options, keep)
        if found:
            return found
    return None


def option_candidates(text: str | None, options: Sequence[Option]) -> list[Option]:
    """The options that typed text could mean when it names none of them alone ("truong" → every school):
    labels that start with it, contain it as whole words, or have a word starting with it."""
    folded = fold(text or "")
    if len(folded) < 2 or folded.isdigit():
        return []
    found = []
    for opt in numbered(options):
        label = fold(opt.label)
        if label.startswith(folded) or f" {folded}" in f" {label}":
            found.append(opt)
    return found


# What a command typed as a plain word means (folded): /huy, /quaylai, /trogiup without the slash.
_TYPED_COMMANDS: dict[str, str] = {
    "huy": "huy",
    "huy bo": "huy",
    "huy don": "huy",
    "thoat": "huy",
    "dung lai": "huy",
    "tam dung": "huy",
    "cancel": "huy",
    "menu": "huy",
    "quay lai": "quaylai",
    "quaylai": "quaylai",
    "tro lai": "quaylai",
    "back": "quaylai",
    "tro giup": "trogiup",
    "trogiup": "trogiup",
    "huong dan": "trogiup",
    "help": "trogiup",
}
_GREETINGS = frozenset({"xin chao", "chao", "chao bot", "chao ban", "hello", "hi", "alo", "a lo", "hey"})


def typed_command(text: str | None) -> str | None:
    """The command a plain word stands for ("Hủy", "huỷ", "quay lại", "trợ giúp", "menu" → "huy",
    "quaylai", "trogiup", "huy"), "chao" for a greeting, or None for anything else."""
    words = fold(text or "").split()
    while len(words) > 1 and words[-1] in _PARTICLES:
        words.pop()
    phrase = " ".join(words)
    if phrase in _GREETINGS:
        return "chao"
    return _TYPED_COMMANDS.get(phrase)


_YES = frozenset(
    {
        "co",
        "c",
        "dong y",
        "ok",
        "oke",
        "okay",
        "yes",
        "y",
        "vang",
        "u",
        "uh",
        "roi",
        "co roi",
        "dung",
        "dung roi",
        "da",
        "da co",
        "da vang",
        "da dung",
        "chac chan",
    }
)
_NO = frozenset(
    {
        "khong",
        "k",
        "ko",
        "kg",
        "khg",
        "no",
        "n",
        "chua",
        "chua co",
        "khong co",
        "khong dong y",
        "da khong",
        "da chua",
        "thoi",
    }
)
_PARTICLES = frozenset({"a", "ah", "nhe", "nha", "ha"})


def is_yes(text: str | None) -> bool | None:
    """True for a yes ("có", "đồng ý", "ok", …), False for a no ("không", "ko", "chưa", …), else None."""
    words = fold(text or "").split()
    while len(words) > 1 and words[-1] in _PARTICLES:  # "có ạ", "đồng ý nhé"
        words.pop()
    answer = " ".join(words)
    if answer in _YES:
        return True
    if answer in _NO:
        return False
    return None
