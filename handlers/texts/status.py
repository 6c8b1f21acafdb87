"""How each initiative status is named to users."""

from handlers.domain import Status

STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Bản nháp",
    Status.SUBMITTED: "Đã nộp, chờ tiếp nhận hồ sơ",
    Status.ACCEPTED: "Hồ sơ hợp lệ, đang chấm điểm",
    Status.AMEND_REQUESTED: "Cần bổ sung, sửa đổi",
    Status.REFUSED: "Không tiếp nhận",
    Status.WITHDRAWN: "Đã rút đơn",
    Status.RECOGNISED: "Được công nhận",
    Status.NOT_RECOGNISED: "Không được công nhận",
}


def status_label(status: Status) -> str:
    return STATUS_LABELS[status]
