"""Texts of the review: dossier intake, the council and its scoring, results, publication, documents."""

# --- the rubric and the rules (handlers/results.py) --------------------------------------------------------
DEFAULT_NOVELTY = "Tính mới, tính sáng tạo"
DEFAULT_APPLICABILITY = "Khả năng áp dụng, nhân rộng"
DEFAULT_EFFECTIVENESS = "Hiệu quả, lợi ích thiết thực"
RULE_CRITERION = "Tiêu chí"
RULE_MIN = "tối thiểu"
RULE_TIE = "ưu tiên khi bằng điểm"
RULE_GRADE = "Loại"
RULE_FROM = "từ"
RULE_AT_MOST = "tối đa"
RULE_NO_LIMIT = "không giới hạn"
RULE_CERTIFICATE = "Giấy chứng nhận"
RULE_DIVERGENCE = "Chênh lệch tối đa giữa hai thành viên"
RULE_MEMBERS = "Số thành viên chấm mỗi sáng kiến"
RULE_SCOPE = "Số lượng mỗi loại tính theo"
RULE_SCOPE_ROUND = "đợt"
RULE_SCOPE_YEAR = "năm"
RULES_BAD_LINE = "Không hiểu dòng «{line}». Anh/Chị sửa theo đúng mẫu rồi gửi lại."
RULES_NO_CRITERIA = "Cần ít nhất một tiêu chí chấm điểm."
RULES_DUPLICATE_CRITERION = "Hai tiêu chí trùng tên."
RULES_BAD_POINTS = "Điểm tối đa của mỗi tiêu chí phải lớn hơn 0; điểm tối thiểu từ 0 đến điểm tối đa."
RULES_BAD_GRADES = (
    "Các loại phải xếp từ cao xuống thấp, không trùng tên, ngưỡng không vượt tổng điểm; "
    "ngưỡng cấp giấy chứng nhận không cao hơn ngưỡng loại thấp nhất."
)
RULES_BAD_MEMBERS = "Số thành viên chấm phải từ 1 trở lên và mức chênh lệch không âm."
POINTS_FORMAT = "Anh/Chị nhập một con số từ 0 đến {max}, ví dụ 25 hoặc 25,5."
POINTS_DECIMALS = "Điểm lẻ tối đa một chữ số thập phân, ví dụ 25,5."
POINTS_RANGE = "{value} điểm nằm ngoài khung: tiêu chí này chấm từ 0 đến {max} điểm."

# --- shared words ----------------------------------------------------------------------------------------------
NONE = "(không có)"
NOT_COMPUTED = "(không tính được)"
NO_RECEIPT = "(chưa có)"
PLACE_BLANK = "…………"
CLOSE = "Đóng"
WHAT_NEXT = "Anh/Chị muốn làm gì tiếp?"
YES_CONFIRM = "Xác nhận"
NO_CANCEL = "Không, quay lại"
NOT_NOW = "Để sau"
GET_M02 = "Tải đơn M-02 (Word)"
GRADE_LABEL = "Loại {grade}"
CERTIFICATE_ONLY = "Giấy chứng nhận"
GRADE_NONE = "Không công nhận"
GRADE_PENDING = "Chưa đủ phiếu"
ANY_FIELD = "mọi lĩnh vực"
NO_SUCH_ROUND = "Không có đợt mang mã {id}. Gõ /hoidong để xem các đợt."
NO_SUCH_RECEIPT = "Không tìm thấy hồ sơ số {receipt}."
RECEIPT_UNAVAILABLE = (
    "Không có hồ sơ số {receipt} mà Anh/Chị được xem (số không tồn tại hoặc không thuộc quyền của Anh/Chị)."
)
NO_SUCH_PERSON = "Không có người dùng mang mã {id}. Mã người dùng xem bằng /hoidong <mã đợt>."
NO_SUCH_UNIT = "Không có đơn vị mang mã «{code}»."
NO_CAMPAIGN = "Chưa có đợt xét năm {year}."
NOT_ALLOWED_DOCS = "Anh/Chị không có quyền dùng lệnh này."
DUE_LEFT = "còn {n} ngày"
DUE_TODAY = "hôm nay là hạn cuối"
DUE_PASSED = "đã quá hạn"
DECISION_DUE = "⏳ Hạn ra quyết định công nhận: {date} ({state})."
DECISION_REMINDER = (
    "⏳ Nhắc hạn: sáng kiến {receipt} «{title}» cần có quyết định công nhận trước ngày {due} (còn {days} ngày, "
    "3 tháng kể từ khi tiếp nhận hồ sơ). Gõ /hoidong để xem tiến độ chấm điểm."
)

# --- intake (/hoso) -------------------------------------------------------------------------------------------
INBOX_TITLE = "📥 Hồ sơ chờ kiểm tra: {n} ({rounds}). Chọn một hồ sơ để xem và xử lý:"
INBOX_MORE = "(Đang hiện 40 hồ sơ đầu; còn {n} hồ sơ nữa — xử lý xong các hồ sơ này sẽ thấy tiếp.)"
INBOX_ROW = "{receipt} · {title} ({round})"
INBOX_EMPTY = "Không có hồ sơ nào chờ kiểm tra."
INBOX_CLOSED = "Đã đóng hộp hồ sơ. Gõ /hoso để mở lại."
DOSSIER_HEADER = (
    "📄 Hồ sơ {receipt} — {round}\n"
    "Trạng thái: {status}\n"
    "Tác giả: {author} — {unit}\n"
    "Nộp lúc: {submitted} (lần nộp thứ {version})"
)
DOSSIER_CHANGED = "Các mục đã sửa so với lần nộp trước: {fields}"
NOTHING_CHANGED = "không có mục nào thay đổi"
HISTORY_TITLE = "Lịch sử:"
HISTORY_LINE = "• {at} — {status}{reason}"
HISTORY_REASON = ": {reason}"
ACCEPT = "Tiếp nhận (hồ sơ hợp lệ)"
AMEND = "Yêu cầu bổ sung, sửa đổi"
REFUSE = "Không tiếp nhận"
BACK_TO_INBOX = "Quay lại danh sách"
CONFIRM_ACCEPT = (
    "Tiếp nhận hồ sơ {receipt} «{title}»? Hồ sơ sẽ được chuyển Hội đồng chấm điểm và bắt đầu tính hạn "
    "3 tháng ra quyết định công nhận. Tác giả sẽ được thông báo."
)
ASK_AMEND_REASON = "Anh/Chị ghi rõ nội dung cần bổ sung, sửa đổi (tác giả sẽ nhận được nguyên văn):"
ASK_REFUSE_REASON = "Anh/Chị ghi rõ lý do không tiếp nhận hồ sơ (tác giả sẽ nhận được nguyên văn):"
CONFIRM_AMEND = "Yêu cầu tác giả bổ sung, sửa đổi hồ sơ {receipt} «{title}» với nội dung:\n«{reason}»?"
CONFIRM_REFUSE = "Không tiếp nhận hồ sơ {receipt} «{title}» với lý do:\n«{reason}»?"
ACCEPTED_DONE = "✅ Đã tiếp nhận hồ sơ {receipt}. Hạn ra quyết định công nhận: {due}. Tác giả đã được thông báo."
AMEND_DONE = "✏️ Đã gửi yêu cầu bổ sung, sửa đổi hồ sơ {receipt} tới tác giả."
REFUSED_DONE = "❌ Đã từ chối tiếp nhận hồ sơ {receipt}; tác giả đã được thông báo lý do."
ALREADY_HANDLED = "Hồ sơ {receipt} vừa được người khác xử lý; không có gì thay đổi."
INTAKE_HELP = (
    "Đây là hộp hồ sơ chờ kiểm tra. Chọn một hồ sơ để xem toàn bộ đơn và lịch sử, rồi chọn: «Tiếp nhận» nếu "
    "hồ sơ hợp lệ; «Yêu cầu bổ sung, sửa đổi» kèm nội dung cần sửa (tác giả sửa và nộp lại, giữ nguyên số biên "
    "nhận); hoặc «Không tiếp nhận» kèm lý do. /quaylai về danh sách, /huy để đóng."
)
M02_CAPTION = "Đơn yêu cầu công nhận sáng kiến (mẫu M-02), hồ sơ {receipt}."
M02_FILE = "Don-M02-{receipt}.docx"
M02_SIGNER = "Người nộp đơn"
M02_SIGN_HINT = "(Ký và ghi rõ họ tên)"
M02_USAGE = "Cách dùng: /taidon <số biên nhận>, ví dụ /taidon SK-2026-0001"

# --- council (/hoidong, /phancong, /dongcham, /mocham) ------------------------------------------------------------
ROUNDS_TITLE = "🏛 Hội đồng chấm điểm theo đợt:"
ROUND_ROW = "• [mã {id}] {name} năm {year}: {accepted} hồ sơ hợp lệ chờ chấm, {members} thành viên — {state}"
STATE_OPEN = "đang chấm điểm"
STATE_CLOSED = "đã khóa chấm điểm, chờ công bố"
STATE_PUBLISHED = "đã công bố kết quả"
COUNCIL_USAGE = (
    "Lệnh cho Thường trực Hội đồng:\n"
    "/hoidong <mã đợt> — thành viên, phân công, tiến độ chấm\n"
    "/hoidong <mã đợt> them <mã người> [lĩnh vực, …] — thêm thành viên (người có vai trò Hội đồng)\n"
    "/hoidong <mã đợt> bo <mã người> — bỏ thành viên chưa được phân công\n"
    "/phancong <mã đợt> — tự động phân công mỗi hồ sơ cho đủ số thành viên\n"
    "/phancong <số biên nhận> <mã người> … — phân công thêm; /phancong <số biên nhận> bo <mã người> — gỡ\n"
    "/dongcham <mã đợt> — khóa chấm điểm; /mocham <mã đợt> — mở lại\n"
    "/ketqua <mã đợt> — xem trước, tải bảng kết quả và công bố\n"
    "/quydinh [năm] — tiêu chí, thang điểm, xếp loại"
)
ROUND_VIEW_TITLE = "🏛 {name} năm {year} (mã {id})"
MEMBERS_TITLE = "Thành viên Hội đồng ({n}):"
MEMBER_ROW = "• [{id}] {name} — lĩnh vực: {fields} — đang chấm {load} hồ sơ"
NO_MEMBERS = "(chưa có thành viên)"
CANDIDATES = "Người có vai trò Hội đồng chưa tham gia đợt này: {people}"
ACCEPTED_TITLE = "Hồ sơ hợp lệ ({n}; mỗi hồ sơ cần {members} phiếu chấm):"
ACCEPTED_ROW = "• {receipt} «{title}» — phân công {assigned}, đã chấm {scored}{flag}. {due}"
DIVERGENT_FLAG = " ⚠️ chênh lệch {spread} điểm"
ROUND_VIEW_HELP = (
    "Thêm thành viên: /hoidong {id} them <mã người> [lĩnh vực]. Tự động phân công: /phancong {id}. "
    "Khóa chấm điểm: /dongcham {id}. Xem kết quả: /ketqua {id}."
)
NOT_COUNCIL = (
    "{name} (mã {id}) chưa có vai trò thành viên Hội đồng. Quản trị viên cấp quyền bằng /capquyen {id} hoidong."
)
UNKNOWN_FIELDS = "Không nhận ra lĩnh vực: {words}. Các lĩnh vực: {fields}."
SEATED = "Đã đưa {name} vào Hội đồng {round} năm {year} (lĩnh vực: {fields})."
UNSEAT_ASSIGNED = "{name} đang được phân công {n} hồ sơ trong đợt này; gỡ phân công trước khi bỏ khỏi Hội đồng."
UNSEATED = "Đã bỏ {name} khỏi Hội đồng {round}."
NOT_SEATED = "{name} không có trong Hội đồng {round}."
ASSIGN_USAGE = (
    "Cách dùng: /phancong <mã đợt> (tự động), /phancong <số biên nhận> <mã người> … (phân công thêm) "
    "hoặc /phancong <số biên nhận> bo <mã người> (gỡ)."
)
NOT_ACCEPTED = "Hồ sơ {receipt} chưa được tiếp nhận (hoặc đã có kết quả) nên không phân công chấm được."
SCORING_NOT_OPEN = "Việc chấm điểm của đợt này đã khóa hoặc đã công bố kết quả."
NOT_IN_COUNCIL = "{name} (mã {id}) chưa có trong Hội đồng của đợt này. Thêm bằng /hoidong <mã đợt> them {id}."
CONFLICT = (
    "Không thể phân công {name} chấm hồ sơ {receipt}: người này là tác giả hoặc đồng tác giả ({author}) của sáng kiến."
)
ASSIGNED = "Đã phân công {name} chấm hồ sơ {receipt}."
ALREADY_ASSIGNED = "{name} đã được phân công chấm hồ sơ {receipt} từ trước."
UNASSIGN_SCORED = "{name} đã gửi phiếu chấm hồ sơ {receipt} nên không gỡ phân công được."
UNASSIGNED = "Đã gỡ phân công {name} khỏi hồ sơ {receipt}."
NOT_ASSIGNED = "{name} không được phân công chấm hồ sơ {receipt}."
NO_MEMBERS_TO_ASSIGN = "Đợt này chưa có thành viên Hội đồng. Thêm bằng /hoidong {id} them <mã người>."
AUTO_ASSIGNED = "Đã phân công {n} lượt chấm cho {initiatives} hồ sơ (mỗi hồ sơ {members} thành viên)."
AUTO_SHORT = (
    "Chưa đủ thành viên không có xung đột lợi ích để chấm: {receipts}. "
    "Anh/Chị thêm thành viên vào Hội đồng rồi chạy lại."
)
CLOSE_USAGE = "Cách dùng: /dongcham <mã đợt>. Mã đợt xem bằng /hoidong."
REOPEN_USAGE = "Cách dùng: /mocham <mã đợt>."
NOTHING_TO_CLOSE = "{round} năm {year} không có hồ sơ nào đang chấm."
CANNOT_CLOSE = "Chưa khóa được: {n} hồ sơ chưa đủ phiếu chấm: {receipts}."
SCORING_CLOSED = (
    "🔒 Đã khóa chấm điểm {round} năm {year}; thành viên không sửa phiếu được nữa. "
    "Gõ /ketqua {id} để xem trước và công bố kết quả."
)
SCORING_REOPENED = "🔓 Đã mở lại việc chấm điểm {round} năm {year}."
ALREADY_PUBLISHED = "Kết quả {round} năm {year} đã được công bố."

# --- scoring (/chamdiem) -----------------------------------------------------------------------------------------
COUNCIL_TITLE = "📝 Hồ sơ Anh/Chị được phân công chấm: {n} (đã chấm {done}). Chọn một hồ sơ:"
COUNCIL_ROW = "{receipt} · {title} — {state}"
NOT_SCORED = "chưa chấm"
SCORED = "đã chấm {total} điểm"
NOTHING_ASSIGNED = "Anh/Chị chưa được phân công chấm hồ sơ nào."
COUNCIL_CLOSED = "Đã đóng danh sách chấm điểm. Gõ /chamdiem để mở lại."
COUNCIL_HELP = (
    "Chọn một hồ sơ để đọc toàn bộ đơn, rồi «Chấm điểm»: Anh/Chị cho điểm từng tiêu chí trong khung điểm và "
    "viết nhận xét. Anh/Chị chỉ thấy điểm của các thành viên khác sau khi đã gửi phiếu của mình, và có thể sửa "
    "phiếu cho đến khi Thường trực Hội đồng khóa chấm điểm."
)
COUNCIL_DOSSIER = "📄 Hồ sơ {receipt}: {title}"
YOUR_SHEET_NONE = "Anh/Chị chưa gửi phiếu chấm hồ sơ này."
YOUR_SHEET = "Phiếu chấm của Anh/Chị: {scores}. Tổng: {total}.\nNhận xét: {comment}"
OTHERS_TOTALS = "Tổng điểm của các thành viên khác: {totals}."
SCORE = "Chấm điểm"
REVISE = "Sửa phiếu chấm"
BACK_TO_ASSIGNED = "Quay lại danh sách"
NOT_ASSIGNED_TO_YOU = "Anh/Chị không được phân công chấm hồ sơ này."
OWN_INITIATIVE = "Anh/Chị là tác giả hoặc đồng tác giả của sáng kiến {receipt} nên không chấm hồ sơ này."
SCORING_CLOSED_FOR_YOU = "Việc chấm điểm đợt này đã khóa; phiếu chấm không sửa được nữa."
L_CRITERION = "{label} (0–{max})"
P_CRITERION = "Tiêu chí {i}/{n}: {label}. Anh/Chị cho bao nhiêu điểm (từ 0 đến {max})?"
H_CRITERION = (
    "Nhập một con số từ 0 đến {max} cho tiêu chí «{label}», có thể có một chữ số thập phân — ví dụ 25 hoặc 25,5."
)
L_COMMENT = "Nhận xét"
P_COMMENT = "Nhận xét của Anh/Chị về sáng kiến (điểm mạnh, hạn chế, đề nghị):"
H_COMMENT = "Nhận xét ngắn gọn, cụ thể, giải thích cho số điểm đã cho. Ít nhất 5 ký tự."
SHEET_SUMMARY = "PHIẾU CHẤM ĐIỂM — Anh/Chị kiểm tra trước khi gửi:"
SHEET_HEADER = "Hồ sơ {receipt}: {title}"
SHEET_TOTAL = "Tổng điểm: {total}/{max}"
SHEET_SUBMIT = "Gửi phiếu chấm"
SHEET_LATER = "Để sau (chưa gửi)"
SHEET_INTRO = "Phiếu chấm điểm: Anh/Chị cho điểm từng tiêu chí (tổng tối đa {total} điểm), rồi viết nhận xét."
SHEET_INTRO_REVISE = "Phiếu chấm hiện tại của Anh/Chị dưới đây. Chọn «Sửa một mục» để đổi điểm hoặc nhận xét."
SHEET_NOT_SENT = (
    "Phiếu chấm chưa được gửi; phần vừa nhập không được lưu (phiếu đã gửi trước đó, nếu có, vẫn giữ nguyên). "
    "Gõ /chamdiem để chấm lại."
)
SHEET_SENT = "✅ Đã gửi phiếu chấm hồ sơ {receipt}: {total}/{max} điểm."
SHEET_REVISED = "✅ Đã cập nhật phiếu chấm hồ sơ {receipt}: {total}/{max} điểm."
OTHERS_TITLE = "Điểm của các thành viên khác:"
OTHER_ROW = "• {name}: {total}"
SHEET_NEXT = "Gõ /chamdiem để chấm hồ sơ tiếp theo."
DIVERGENCE_NOTICE = (
    "⚠️ Điểm chấm sáng kiến {receipt} «{title}» chênh lệch {spread} điểm giữa các thành viên (tổng điểm: "
    "{totals}), vượt mức cho phép {limit} điểm. Anh/Chị có thể phân công thêm thành viên: "
    "/phancong {receipt} <mã người>."
)

# --- results (/ketqua) -----------------------------------------------------------------------------------------
RESULTS_USAGE = "Cách dùng: /ketqua <mã đợt>. Mã đợt xem bằng /hoidong."
RESULTS_HELP = "Xem trước bảng kết quả, tải bảng tính Excel, rồi công bố khi việc chấm điểm đã khóa."
NOTHING_REVIEWED = "{round} năm {year} chưa có hồ sơ nào được tiếp nhận."
PREVIEW_TITLE = "📊 Bảng kết quả {round} năm {year} (điểm = trung bình tổng điểm các thành viên):"
PREVIEW_ROW = "{rank}. {receipt} «{title}» — {mean} điểm — {grade}{prize}{note}{flag}"
PREVIEW_INCOMPLETE = "Chưa đủ phiếu chấm: {receipts}"
PREVIEW_COUNTS = "Tổng hợp: {counts}."
COUNT_GRADE = "loại {grade}: {n}/{quota}"
COUNT_CERTIFICATE = "giấy chứng nhận: {n}"
COUNT_NONE = "không công nhận: {n}"
TIE_RULE_NOTE = (
    "Bằng điểm thì xếp trên: điểm trung bình tiêu chí «{criterion}» cao hơn, rồi nộp sớm hơn, rồi số biên nhận nhỏ hơn."
)
PREVIEW_PUBLISHED = "Kết quả này đã được công bố."
PREVIEW_OPEN = "Đây là bản xem trước. Khóa chấm điểm (/dongcham {id}) khi đủ phiếu để công bố."
RESULTS_CAPTION = "Bảng kết quả chấm điểm {round} năm {year} (Excel)."
PUBLISH_OFFER = "Công bố kết quả? Mỗi tác giả sẽ nhận thông báo xếp loại, điểm và tiền thưởng."
PUBLISH = "Công bố kết quả"
PUBLISH_CONFIRM = (
    "Xác nhận công bố kết quả {round} năm {year}? Sau khi công bố không sửa được; sáng kiến được công nhận "
    "(trừ sáng kiến thuộc bí mật) sẽ xuất hiện trên trang công khai."
)
YES_PUBLISH = "Đồng ý công bố"
PUBLISH_NOT_YET = "Chưa công bố. Gõ /ketqua <mã đợt> khi sẵn sàng."
PUBLISHED = (
    "🎉 Đã công bố kết quả {round} năm {year}: {recognised}/{total} sáng kiến được công nhận. "
    "Các tác giả đang nhận thông báo."
)
REASON_BELOW_MINIMUM = "điểm tiêu chí «{criterion}» dưới mức tối thiểu"
REASON_BELOW_CERTIFICATE = "điểm trung bình dưới {threshold} điểm"
NOTE_INCOMPLETE = "Chưa đủ phiếu chấm"
NOTE_BELOW_MINIMUM = "Tiêu chí «{criterion}» dưới mức tối thiểu"
NOTE_SPILLED = "Đủ điểm loại {qualified} nhưng đợt đã đủ số sáng kiến loại {qualified}"

# --- rules (/quydinh) -------------------------------------------------------------------------------------------
RULES_SHOW = "Tiêu chí chấm điểm và xếp loại năm {year}:"
RULES_EDIT_HINT = (
    "Muốn thay đổi: sao chép nội dung trên, sửa các con số hoặc thêm/bớt dòng (giữ dấu «|» ngăn cách), rồi gửi "
    "lại toàn bộ trong một tin nhắn. Gõ /huy để giữ nguyên."
)
RULES_LOCKED = "Năm này đã có phiếu chấm nên tiêu chí và xếp loại không thay đổi được nữa."
RULES_SAVED = "Đã lưu tiêu chí và xếp loại năm {year}:"
RULES_UNCHANGED = "Tiêu chí và xếp loại giữ nguyên."

# --- documents ---------------------------------------------------------------------------------------------------
DOCUMENT_NOT_ALLOWED = "Anh/Chị không có quyền lấy tài liệu này."
DOCUMENT_LINK = "Zalo không gửi được tệp; Anh/Chị tải tại đường dẫn sau (hết hạn lúc {expires}):\n{url}"
DOCUMENT_NO_LINKS = "Zalo không gửi được tệp; Anh/Chị vui lòng lấy tài liệu này qua Telegram."
M01_CAPTION = "Tờ trình đề nghị công nhận sáng kiến năm {year} (mẫu M-01)."
M01_FILE = "ToTrinh-M01-{code}-{year}.docx"
M01_RECIPIENT = "Hội đồng Sáng kiến"
M01_USAGE = "Cách dùng: /totrinh <mã đơn vị> [năm], ví dụ /totrinh THCS-QT 2026."
YEAR_CAPTION = "Danh sách sáng kiến được công nhận năm {year} (Excel)."
YEAR_FILE = "DanhSach-SangKien-{year}{suffix}.xlsx"
YEAR_TITLE = "DANH SÁCH SÁNG KIẾN ĐƯỢC CÔNG NHẬN NĂM {year}"
YEAR_BY_UNIT_TITLE = "TỔNG HỢP SÁNG KIẾN ĐƯỢC CÔNG NHẬN THEO ĐƠN VỊ NĂM {year}"
YEAR_TRANSFERS_TITLE = "DANH MỤC SÁNG KIẾN ĐƯỢC CHUYỂN GIAO NĂM {year}"
YEAR_UNIT_NOTE = "Đơn vị: {unit}"
YEAR_MADE_NOTE = "Lập ngày {date}"
ALL_UNITS = "tất cả các đơn vị"
RESULTS_TITLE = "KẾT QUẢ CHẤM ĐIỂM SÁNG KIẾN — {round} NĂM {year}"
RESULTS_FILE = "KetQua-Dot{round}-{year}.xlsx"
SHEET_PREVIEW = "Bản xem trước, lập lúc {date}"
SHEET_PUBLISHED = "Đã công bố; bảng lập lúc {date}"
PUBLIC_TITLE = "SÁNG KIẾN ĐƯỢC CÔNG NHẬN (DANH SÁCH CÔNG KHAI)"
SHEET_RESULTS = "Kết quả"
SHEET_LIST = "Danh sách"
SHEET_BY_UNIT = "Theo đơn vị"
SHEET_TRANSFERS = "Chuyển giao"
SHEET_PUBLIC = "Công khai"
H_NO = "STT"
H_RANK = "Hạng"
H_YEAR = "Năm"
H_RECEIPT = "Số biên nhận"
H_TITLE = "Tên sáng kiến"
H_AUTHORS = "Tác giả, đồng tác giả"
H_UNIT = "Đơn vị"
H_FIELD = "Lĩnh vực"
H_TYPE = "Loại giải pháp"
H_CRITERION = "{label} (tối đa {max})"
H_MEAN = "Điểm trung bình"
H_SHEETS = "Số phiếu"
H_SPREAD = "Chênh lệch"
H_GRADE = "Xếp loại"
H_PRIZE = "Tiền thưởng (đồng)"
H_NOTE = "Ghi chú"
H_SECRECY = "Mức độ bảo mật"
H_COUNT = "Số sáng kiến"
H_SUMMARY = "Tóm tắt"
H_DECISION = "Quyết định công nhận"
H_TRANSFER = "Chuyển giao"
H_TRANSFER_TO = "Tổ chức, cá nhân nhận chuyển giao"
H_TRANSFER_DATE = "Ngày chuyển giao"
H_AGREEMENT = "Hợp đồng, thỏa thuận"
DECISION_PENDING = "(chưa ghi số quyết định)"
TRANSFER_CELL = "{recipient} ({date})"

# --- the public listing ----------------------------------------------------------------------------------------
CHANNEL_POST = (
    "🏅 Sáng kiến được công nhận năm {year} — {grade}\n«{title}»\nTác giả: {authors}\nĐơn vị: {unit}\n"
    "Lĩnh vực: {field}\n\n{summary}"
)
CHANNEL_POST_LINK = "Xem thêm: {url}"


# --- reminders to council members ------------------------------------------------------------------
COUNCIL_SCORING_DUE = (
    "Nhắc việc: Anh/Chị còn {n} sáng kiến của {round} năm {year} được phân công nhưng chưa chấm điểm. "
    "Gõ /chamdiem để chấm."
)
COUNCIL_SCORING_DUE_IN = (
    "Nhắc việc: Anh/Chị còn {n} sáng kiến của {round} năm {year} ({body}) được phân công nhưng chưa chấm điểm. "
    "Gõ /chamdiem để chấm; nếu Anh/Chị đang làm việc ở cơ quan khác, gõ /coquan để chuyển sang {body} trước."
)
