"""Texts of provincial-scope recognition (handlers/province): a base body's Thường trực Hội đồng proposes a
recognised initiative to the province (/detinh); the level an initiative reached, wherever it is shown."""

COMMAND = "đề nghị công nhận sáng kiến cấp tỉnh"
COMMAND_ARGS = "<số biên nhận>"

# --- /detinh ------------------------------------------------------------------------------------------------
NOT_APPLICABLE = (
    "Hệ thống này chưa có cơ quan công nhận cấp tỉnh, nên việc đề nghị công nhận sáng kiến cấp tỉnh không áp "
    "dụng ở đây. Sáng kiến được công nhận tại cơ quan Anh/Chị vẫn xem được bằng /ketqua."
)
FROM_PROVINCE = (
    "Lệnh /detinh dành cho Thường trực Hội đồng của các cơ quan cơ sở khi đề nghị sáng kiến lên tỉnh. "
    "Hồ sơ các cơ quan đã đề nghị lên {province} nằm trong /hoso."
)
USAGE = (
    "Gõ /detinh <số biên nhận> để đề nghị công nhận cấp tỉnh một sáng kiến đã được cơ quan công nhận, "
    "ví dụ: /detinh {example}"
)
CANDIDATES_TITLE = "Sáng kiến đã được công nhận của {body} ({n}):"
CANDIDATE_ROW = "• {receipt} — {title}{level}"
CANDIDATE_LEVEL = " ({level})"
NO_CANDIDATES = (
    "{body} chưa có sáng kiến nào được công nhận để đề nghị cấp tỉnh. Sáng kiến được công nhận sau khi "
    "Thường trực Hội đồng công bố kết quả đợt bằng /ketqua."
)
NOT_FOUND = (
    "Không tìm thấy sáng kiến số biên nhận {receipt} trong các sáng kiến của {body}. Anh/Chị kiểm tra lại số "
    "biên nhận (ví dụ {example}); gõ /detinh để xem các sáng kiến đề nghị được."
)
NOT_RECOGNISED = (
    "Sáng kiến {receipt} chưa được cơ quan công nhận (trạng thái: {status}). Chỉ sáng kiến đã được công nhận "
    "cấp cơ sở mới được đề nghị công nhận cấp tỉnh; gõ /detinh để xem các sáng kiến đề nghị được."
)
ALREADY = (
    "Sáng kiến {receipt} đã được đề nghị công nhận cấp tỉnh ngày {date} (hồ sơ cấp tỉnh {dossier}: {level}). "
    "Mỗi sáng kiến chỉ đề nghị một lần."
)
NO_DECISION = (
    "Đợt {round} năm {year} chưa ghi quyết định công nhận, nên chưa đề nghị cấp tỉnh được: hồ sơ đề nghị phải "
    "kèm quyết định công nhận của cơ quan. Anh/Chị ghi quyết định bằng /quyetdinh {round_id} <số> <ngày>, "
    "ví dụ: /quyetdinh {round_id} 45/QĐ-UBND {example}, rồi gõ lại /detinh {receipt}."
)
NO_ROUND = (
    "{province} hiện chưa mở đợt xét công nhận cấp tỉnh nào còn hạn nhận hồ sơ. Anh/Chị gõ lại /detinh {receipt} "
    "khi tỉnh mở đợt xét."
)
CONFIRM = (
    "Đề nghị {province} xét công nhận cấp tỉnh:\n"
    "• Sáng kiến: «{title}» ({receipt})\n"
    "• Tác giả: {author}\n"
    "• Cơ quan đề nghị: {body}\n"
    "• Quyết định công nhận của cơ quan: {decision}\n"
    "• Đợt xét cấp tỉnh: {round} năm {year}, hạn nhận hồ sơ {deadline}\n\n"
    "Hồ sơ cấp tỉnh là bản sao đơn đã được công nhận, đứng tên tác giả, kèm quyết định trên. "
    "Anh/Chị xác nhận gửi đề nghị?"
)
YES = "Gửi đề nghị cấp tỉnh"
NO = "Không gửi"
CANCELLED = "Chưa gửi đề nghị cấp tỉnh nào. Gõ /detinh <số biên nhận> khi Anh/Chị muốn đề nghị."
CHOOSE = "Anh/Chị chọn «Gửi đề nghị cấp tỉnh» hoặc «Không gửi» (gõ số thứ tự cũng được)."
DONE = (
    "✅ Đã gửi đề nghị công nhận cấp tỉnh sáng kiến {receipt}. Hồ sơ cấp tỉnh có số biên nhận {dossier}, "
    "nộp vào {round} năm {year}. Khi tỉnh công bố kết quả, Thường trực Hội đồng của cơ quan và tác giả sẽ "
    "nhận thông báo."
)

# --- what the province's Thường trực Hội đồng and council read in the dossier --------------------------------
ORIGIN_LINE = (
    "Hồ sơ đề nghị công nhận cấp tỉnh: {body} đề nghị; sáng kiến gốc {receipt} đã được công nhận cấp cơ sở "
    "theo {decision}."
)

# --- the level an initiative reached --------------------------------------------------------------------------
LEVEL_PROPOSED = "Đang đề nghị cấp tỉnh"
LEVEL_RECOGNISED = "Đã công nhận cấp tỉnh"
LEVEL_NOT_RECOGNISED = "Không được công nhận cấp tỉnh"
LEVEL_REFUSED = "Tỉnh không tiếp nhận hồ sơ đề nghị"
LEVEL_WITHDRAWN = "Đã rút đề nghị cấp tỉnh"
LEVEL_LINE = "Cấp tỉnh: {level} (hồ sơ cấp tỉnh {dossier})"
LEVEL_BASE = "Cấp cơ sở"
LEVEL_PROVINCE = "Cấp tỉnh"

# --- notices ----------------------------------------------------------------------------------------------------
# Put before every status notice of a provincial-scope dossier, so the author knows which recognition it is.
DOSSIER_NOTICE_PREFIX = "🏛 Xét công nhận sáng kiến cấp tỉnh\n"
VERDICT_RECOGNISED = (
    "🏛 Sáng kiến «{title}» ({receipt}) của cơ quan Anh/Chị đề nghị đã được công nhận cấp tỉnh "
    "(hồ sơ cấp tỉnh {dossier}, điểm trung bình {score})."
)
VERDICT_NOT_RECOGNISED = (
    "🏛 Sáng kiến «{title}» ({receipt}) của cơ quan Anh/Chị đề nghị không được công nhận cấp tỉnh "
    "(hồ sơ cấp tỉnh {dossier}, điểm trung bình {score}).{reason}"
)
VERDICT_REASON = "\nLý do: {reason}"

# --- the provincial council's default rubric --------------------------------------------------------------------
CRITERION_EFFECT = "Hiệu quả áp dụng"
CRITERION_REACH = "Phạm vi ảnh hưởng"
