"""How far an initiative went beyond its body: the provincial level, as /cuatoi, the dossier views and /detinh
name it. Pure functions of the proposal."""

from __future__ import annotations

from handlers.domain import Status
from handlers.province.store import Proposal
from handlers.texts import province as T

_BY_STATUS = {
    Status.RECOGNISED: T.LEVEL_RECOGNISED,
    Status.NOT_RECOGNISED: T.LEVEL_NOT_RECOGNISED,
    Status.REFUSED: T.LEVEL_REFUSED,
    Status.WITHDRAWN: T.LEVEL_WITHDRAWN,
}


def level_label(proposal: Proposal) -> str:
    """«Đang đề nghị cấp tỉnh» until the province decides, then its verdict."""
    if proposal.dossier_status is None:
        return T.LEVEL_PROPOSED
    return _BY_STATUS.get(proposal.dossier_status, T.LEVEL_PROPOSED)


def level_line(proposal: Proposal) -> str:
    return T.LEVEL_LINE.format(level=level_label(proposal), dossier=proposal.dossier_receipt or "")
