"""Fixed lists the forms offer: fields of application and the four legal solution types."""

from __future__ import annotations

from handlers.texts import submission as T

FIELDS: tuple[tuple[str, str], ...] = (
    ("education", "Giáo dục và đào tạo"),
    ("admin_reform", "Cải cách hành chính"),
    ("digital", "Chuyển đổi số"),
    ("health", "Y tế"),
    ("agriculture", "Nông nghiệp và môi trường"),
    ("culture_social", "Văn hóa - xã hội"),
    ("finance", "Tài chính - kế toán"),
    ("construction", "Xây dựng - giao thông"),
    ("justice", "Tư pháp - hộ tịch"),
    ("security", "Quốc phòng - an ninh"),
)

SOLUTION_TYPES: tuple[tuple[str, str], ...] = (
    ("technical", T.TYPE_TECHNICAL),
    ("management", T.TYPE_MANAGEMENT),
    ("operational", T.TYPE_OPERATIONAL),
    ("tech_application", T.TYPE_TECH_APPLICATION),
)


def field_label(code: str) -> str:
    """A listed field's label, or what the user typed for an unlisted one."""
    return dict(FIELDS).get(code, code)


def solution_type_label(code: str) -> str:
    return dict(SOLUTION_TYPES).get(code, code)
