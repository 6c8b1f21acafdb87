"""Texts of the duplicate check: the warning before submitting, the flag in dossiers, /sosanh and /trunglap."""

# --- shared -------------------------------------------------------------------------------------------------
UNKNOWN_UNIT = "không rõ đơn vị"
UNKNOWN_YEAR = "?"
LEGACY_MARK = " (trước khi dùng bot)"
LEGACY_CODE = " — số cũ {code}"
SECRET_TITLE = "(không hiển thị tên: sáng kiến thuộc diện bảo mật)"
MARK_OPEN = "⟦"
MARK_CLOSE = "⟧"
L_DESCRIPTION = "Mô tả"
# Another recognising body's initiative: named in full only once public (recognised, not secret).
HIDDEN_MATCH = "một sáng kiến của {body} (chưa công bố)"
UNIT_OF_BODY = "{unit}, {body}"
OTHER_BODY = "một cơ quan khác"

# --- before submitting (SubmissionFlow.caution) ---------------------------------------------------------------
CAUTION_TITLE = "⚠️ Trước khi nộp: đơn của Anh/Chị giống với {n} sáng kiến đã có:"
CAUTION_ROW = "{i}. {reference} «{title}» — {unit}, năm {year}{legacy} — giống {percent}"
CAUTION_ROW_HIDDEN = "{i}. {named} — giống {percent}"
CAUTION_PASSAGE = "Ví dụ đoạn giống trong đơn của Anh/Chị: «{text}»"
CAUTION_END = (
    "Sáng kiến trùng lặp hoặc sao chép sẽ không được công nhận. Anh/Chị có thể quay lại sửa đơn, hoặc vẫn nộp "
    "kèm giải thích ngắn gọn điểm khác biệt (Thường trực Hội đồng và các thành viên Hội đồng sẽ đọc giải thích này)."
)
PROCEED = "Vẫn nộp, giải thích điểm khác biệt"
L_DIFFERENCE = "Điểm khác biệt so với sáng kiến đã có"
P_DIFFERENCE = (
    "Anh/Chị giải thích ngắn gọn sáng kiến của mình khác gì so với sáng kiến đã có: áp dụng ở đâu, có gì mới "
    "hơn, hay đây là bản nộp lại của chính sáng kiến đó? Gửi xong, đơn được nộp ngay."
)
H_DIFFERENCE = (
    "Ví dụ: «Sáng kiến SK-2025-0012 áp dụng mã QR cho hồ sơ đất đai ở xã; sáng kiến này mở rộng sang hồ sơ "
    "hộ tịch và thêm tin nhắn báo quá hạn.» Nếu muốn sửa đơn cho khác đi, gõ /quaylai rồi chọn «Quay lại sửa đơn»."
)

# --- the flag in a dossier (/hoso, /chamdiem) ----------------------------------------------------------------
FLAGS_TITLE = "⚠️ Có thể trùng lặp — giống {n} sáng kiến khác:"
FLAG_ROW = "• {reference} «{title}» — {unit}, năm {year}{legacy} — giống {percent}{later}"
FLAG_ROW_HIDDEN = "• {named} — giống {percent}{later}"
FLAG_HIDDEN_CONTACT = (
    "Nội dung sáng kiến chưa công bố của cơ quan khác không xem hay đối chiếu được; nếu cần, Anh/Chị liên hệ "
    "Thường trực Hội đồng của cơ quan đó."
)
FLAG_LATER = " (nộp sau hồ sơ này)"
FLAG_NOTE = "Giải thích của tác giả về điểm khác biệt: «{note}»"
FLAG_NO_NOTE = "Tác giả chưa giải thích điểm khác biệt."
FLAG_COMPARE = "Đối chiếu từng đoạn: /sosanh {a} {b}"

# --- /sosanh ----------------------------------------------------------------------------------------------------
COMPARE_USAGE = (
    "Cách dùng: /sosanh <số biên nhận A> <số biên nhận B>, ví dụ /sosanh SK-2026-0002 SK-2026-0001; "
    "/sosanh <số biên nhận> đối chiếu với sáng kiến giống nhất. Sáng kiến nhập từ danh sách cũ mang số LS-…"
)
NO_SUCH_REFERENCE = "Không tìm thấy sáng kiến số {reference}."
COMPARE_SAME = "Anh/Chị nhập hai số biên nhận khác nhau."
COMPARE_NO_FLAGS = "Hồ sơ {reference} không giống đáng kể sáng kiến nào đã có."
COMPARE_NOT_ALLOWED = (
    "Anh/Chị chỉ đối chiếu được hồ sơ mình được phân công chấm với những sáng kiến bot đánh dấu là giống nó."
)
COMPARE_HEADER = (
    "🔍 ĐỐI CHIẾU {a} ↔ {b}\n"
    "Mức giống: {percent} (tính trên tên và phần mô tả; phần thông tin bảo mật không được so sánh).\n"
    "Đoạn trùng nhau được đánh dấu ⟦…⟧ trong cả hai bản: {n} đoạn."
)
COMPARE_PAIRS_TITLE = "Từng đoạn trùng (A ↔ B):"
COMPARE_PAIR = "{i}. A: «{a}»\n    B: «{b}»"
COMPARE_MORE = "… và {n} đoạn nữa (xem đánh dấu trong hai bản dưới đây)."
COMPARE_NONE = "Không có đoạn nào trùng từ 5 âm tiết trở lên."
COMPARE_SIDE = "[{side}] {reference} «{title}» — {unit}, năm {year}{legacy}"
COMPARE_SIDE_HIDDEN = "[{side}] {named}"
COMPARE_HIDDEN = (
    "Không đối chiếu được nội dung: {named} chưa được công bố, nên chỉ Thường trực Hội đồng của "
    "{body} xem được. Nếu cần đối chiếu, Anh/Chị liên hệ Thường trực Hội đồng của {body}."
)
COMPARE_HIDDEN_SCORE = "Bot đã đánh dấu {reference} giống {named} ở mức {percent}."
SECTION = "{label}: {text}"

# --- /trunglap --------------------------------------------------------------------------------------------------
REPORT_USAGE = (
    "Cách dùng: /trunglap <mã đợt> — các cặp sáng kiến nghi trùng lặp của đợt; /trunglap <mã đợt> excel — "
    "tải bảng Excel. Mã đợt xem bằng /hoidong."
)
REPORT_TITLE = "🔁 Các cặp nghi trùng lặp — {round} năm {year} (ngưỡng {threshold}): {n} cặp"
REPORT_NONE = "Không có cặp sáng kiến nào nghi trùng lặp trong {round} năm {year}."
REPORT_ROW = (
    "{i}. {a} ↔ {b} — giống {percent}\n"
    "   «{a_title}» ({a_unit}, năm {a_year})\n"
    "   «{b_title}» ({b_unit}, năm {b_year}{legacy})\n"
    "   {note} · /sosanh {a} {b}"
)
REPORT_ROW_HIDDEN = "{i}. {a}\n   ↔ {b}\n   giống {percent} · {note}"
REPORT_SIDE = "{reference} «{title}» ({unit}, năm {year}{legacy})"
REPORT_NOTE_YES = "Tác giả đã giải thích điểm khác biệt"
REPORT_NOTE_NO = "Tác giả chưa giải thích"
REPORT_MORE = "(Đang hiện {shown} cặp giống nhất trong {n} cặp.)"
REPORT_EXCEL_HINT = "Tải bảng Excel: /trunglap {round_id} excel"
REPORT_CAPTION = "Bảng các cặp sáng kiến nghi trùng lặp, {round} năm {year}."
REPORT_FILE = "Trung-lap-dot-{number}-{year}.xlsx"
SHEET_NAME = "Nghi trùng lặp"
SHEET_TITLE = "CÁC CẶP SÁNG KIẾN NGHI TRÙNG LẶP — {round} NĂM {year}"
SHEET_NOTE = "Lập ngày {date}. Mức giống tính trên tên và phần mô tả, không gồm phần thông tin bảo mật."
H_NO = "STT"
H_RECEIPT = "Số biên nhận"
H_TITLE = "Tên sáng kiến"
H_UNIT = "Đơn vị"
H_STATUS = "Trạng thái"
H_MATCH = "Giống với (số)"
H_MATCH_TITLE = "Tên sáng kiến giống"
H_MATCH_UNIT = "Đơn vị"
H_MATCH_YEAR = "Năm"
H_PERCENT = "Mức giống (%)"
H_NOTE = "Giải thích của tác giả"
