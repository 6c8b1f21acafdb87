"""The provincial council's default rubric: the province judges «hiệu quả áp dụng và phạm vi ảnh hưởng»
(effect of application and reach) of initiatives its bodies already recognised. Data like any campaign's rules:
the province's Thường trực Hội đồng changes it with /quydinh; this applies while its campaign has none set."""

from __future__ import annotations

from decimal import Decimal

from handlers.results import Criterion, Rules, slug
from handlers.texts import province as T

PROVINCIAL_RULES = Rules(
    criteria=(
        Criterion(slug(T.CRITERION_EFFECT), T.CRITERION_EFFECT, Decimal(50), Decimal(20)),
        Criterion(slug(T.CRITERION_REACH), T.CRITERION_REACH, Decimal(50), Decimal(20)),
    ),
    # No classes: a provincial-scope initiative is recognised (certificate) or not.
    grades=(),
    certificate=Decimal(50),
    tie_criterion=slug(T.CRITERION_REACH),
)
