"""Texts of the submission wizard (form M-02, Đơn yêu cầu công nhận sáng kiến)."""

INTRO = (
    "Bắt đầu lập Đơn yêu cầu công nhận sáng kiến (mẫu M-02). Mỗi câu trả lời được lưu ngay; "
    "Anh/Chị có thể dừng bất cứ lúc nào và làm tiếp sau."
)
RESUME = "Tiếp tục bản nháp «{title}»."
SUMMARY_TITLE = "BẢN TÓM TẮT ĐƠN YÊU CẦU CÔNG NHẬN SÁNG KIẾN\nAnh/Chị kiểm tra lại trước khi nộp:"
SUBMIT = "Nộp đơn"

# --- labels (summary and "edit which field") ------------------------------------------------------
L_RECIPIENT = "Kính gửi"
L_AUTHOR_BIRTH = "Ngày sinh của Anh/Chị"
L_AUTHOR_QUAL = "Trình độ chuyên môn của Anh/Chị"
# The same fields in the dossier view of the secretariat and the council.
R_AUTHOR_BIRTH = "Ngày sinh của tác giả chính"
R_AUTHOR_QUAL = "Trình độ chuyên môn của tác giả chính"
DOSSIER_MAIN_AUTHOR = "• Tác giả chính: {name} — {position}, {workplace}"
CANCELLED_EMPTY = "Đã dừng. Đơn chưa có câu trả lời nào nên không lưu bản nháp; gõ /moi khi muốn bắt đầu."
L_COAUTHORS = "Đồng tác giả"
L_SHARES = "Tỷ lệ đóng góp"
L_TITLE = "Tên sáng kiến"
L_INVESTOR = "Chủ đầu tư tạo ra sáng kiến"
L_FIELD = "Lĩnh vực áp dụng"
L_TYPE = "Loại giải pháp"
L_FIRST_APPLIED = "Ngày áp dụng lần đầu/áp dụng thử"
L_CURRENT_STATE = "Tình trạng đã biết và hạn chế"
L_CONTENT = "Nội dung giải pháp, điểm mới"
L_SCOPE = "Nơi đã áp dụng, khả năng áp dụng"
L_CONFIDENTIAL = "Thông tin cần bảo mật"
L_SECRECY = "Mức độ bảo mật"
L_CONDITIONS = "Điều kiện cần thiết để áp dụng"
L_BENEFIT_AUTHOR = "Lợi ích theo ý kiến tác giả"
L_BENEFIT_VALUE = "Giá trị làm lợi ước tính"
L_BENEFIT_USERS = "Lợi ích theo ý kiến nơi đã áp dụng"
L_PARTICIPANTS = "Người tham gia áp dụng lần đầu"
L_ATTACHMENTS = "Tài liệu đính kèm"
L_DECLARATION = "Cam đoan"

# --- prompts and help ----------------------------------------------------------------------------
P_RECIPIENT = "Đơn gửi đến đơn vị nào (Kính gửi)? Chọn trong danh sách hoặc gõ tên đơn vị."
H_RECIPIENT = (
    "Đơn vị được đề nghị công nhận sáng kiến — thường là chính cơ quan, đơn vị nơi Anh/Chị công tác, "
    "nơi sáng kiến được áp dụng lần đầu. Ví dụ: «Trường THCS Quang Trung» hoặc «UBND phường Bắc Sơn»."
)
P_AUTHOR_BIRTH = "Ngày tháng năm sinh của Anh/Chị ({name})? Ví dụ: 15/08/1985"
H_AUTHOR_BIRTH = "Nhập theo dạng ngày/tháng/năm, ví dụ 15/08/1985 hoặc 15-8-1985."
P_AUTHOR_QUAL = "Trình độ chuyên môn của Anh/Chị? Ví dụ: Cử nhân Luật, Thạc sĩ Quản lý giáo dục."
H_AUTHOR_QUAL = (
    "Ghi học vị và chuyên ngành cao nhất, như trong hồ sơ cán bộ. "
    "Ví dụ: «Kỹ sư Công nghệ thông tin», «Cử nhân Sư phạm Toán», «Thạc sĩ Quản lý công»."
)
ASK_COAUTHORS = "Sáng kiến có đồng tác giả không?"
ASK_MORE_COAUTHORS = "Còn đồng tác giả nào nữa không?"
H_COAUTHORS = (
    "Đồng tác giả là người trực tiếp cùng tạo ra sáng kiến bằng lao động sáng tạo của mình — không ghi "
    "người chỉ hỗ trợ hành chính hay lãnh đạo ký duyệt. Mỗi người cần: họ tên, ngày sinh, nơi công tác, "
    "chức danh, trình độ chuyên môn; tỷ lệ đóng góp hỏi sau cùng."
)
P_CO_NAME = "Họ và tên đồng tác giả?"
H_CO_NAME = "Ghi đầy đủ họ tên có dấu, ví dụ: Nguyễn Thị Lan."
P_CO_BIRTH = "Ngày sinh của đồng tác giả? Ví dụ: 02/09/1990"
P_CO_WORKPLACE = "Nơi công tác của đồng tác giả? Ví dụ: Phòng Văn hóa - Xã hội, UBND xã Yên Hòa."
H_CO_WORKPLACE = "Ghi tên cơ quan, đơn vị nơi người này đang làm việc."
P_CO_POSITION = "Chức danh của đồng tác giả? Ví dụ: Chuyên viên, Giáo viên, Phó Trưởng phòng."
H_CO_POSITION = "Ghi chức vụ hoặc chức danh nghề nghiệp hiện tại."
P_CO_QUAL = "Trình độ chuyên môn của đồng tác giả? Ví dụ: Cử nhân Kế toán."
L_CO_PHONE = "Số điện thoại"
P_CO_PHONE = (
    "Số điện thoại của đồng tác giả (không bắt buộc)? Nếu người này đã đăng ký với bot bằng số điện thoại đó, "
    "họ sẽ nhận thông báo về sáng kiến. Ví dụ: 0912 345 678"
)
H_CO_PHONE = (
    "Bot chỉ gửi thông báo cho đồng tác giả khi số điện thoại và họ tên khớp với một người đã đăng ký. "
    "Không biết số thì chọn «Bỏ qua»."
)
P_SHARES = (
    "Tỷ lệ (%) đóng góp của từng tác giả, theo thứ tự dưới đây, cách nhau bởi dấu chấm phẩy; tổng phải đúng 100.\n"
    "{authors}\nVí dụ: {example}"
)
H_SHARES = (
    "Tỷ lệ đóng góp phản ánh phần công sức thực tế của mỗi người. Nhập các con số theo đúng thứ tự danh sách, "
    "ví dụ với ba tác giả: 50; 30; 20. Tổng phải bằng 100."
)
P_TITLE = "Tên sáng kiến?"
H_TITLE = (
    "Tên sáng kiến nêu rõ bản chất giải pháp, ngắn gọn (thường dưới 30 từ). Ví dụ tốt: «Ứng dụng mã QR tra cứu "
    "tiến độ giải quyết hồ sơ một cửa tại UBND phường». Tránh tên chung chung như «Nâng cao hiệu quả công tác»."
)
P_INVESTOR = (
    "Chủ đầu tư tạo ra sáng kiến? Nếu Anh/Chị tự bỏ kinh phí, chọn «Tác giả đồng thời là chủ đầu tư»; "
    "nếu đơn vị chi trả, gõ tên đơn vị."
)
H_INVESTOR = (
    "Chủ đầu tư là tổ chức, cá nhân đã đầu tư tài chính, cơ sở vật chất để tạo ra sáng kiến — thường là đơn vị "
    "nơi tác giả công tác. Ví dụ: «UBND xã Tân Phong»."
)
INVESTOR_AUTHOR = "Tác giả đồng thời là chủ đầu tư"
P_FIELD = "Lĩnh vực áp dụng sáng kiến?"
H_FIELD = "Chọn lĩnh vực gần nhất với nơi sáng kiến được áp dụng. Nếu không có trong danh sách, gõ tên lĩnh vực."
P_TYPE = "Sáng kiến thuộc loại giải pháp nào?"
H_TYPE = (
    "• Giải pháp kỹ thuật: cách thức kỹ thuật, công cụ, thiết bị, phần mềm.\n"
    "• Giải pháp quản lý: cách tổ chức, điều hành công việc, quy trình.\n"
    "• Giải pháp tác nghiệp: phương pháp thực hiện nhiệm vụ, thủ tục, kỹ năng chuyên môn.\n"
    "• Giải pháp ứng dụng tiến bộ kỹ thuật: áp dụng một tiến bộ kỹ thuật đã có vào đơn vị."
)
TYPE_TECHNICAL = "Giải pháp kỹ thuật"
TYPE_MANAGEMENT = "Giải pháp quản lý"
TYPE_OPERATIONAL = "Giải pháp tác nghiệp"
TYPE_TECH_APPLICATION = "Giải pháp ứng dụng tiến bộ kỹ thuật"
P_FIRST_APPLIED = "Ngày sáng kiến được áp dụng lần đầu hoặc áp dụng thử? Ví dụ: {example}"
H_FIRST_APPLIED = (
    "Ngày đầu tiên giải pháp được đưa vào sử dụng thật hoặc dùng thử tại đơn vị: một ngày đã qua, vì sáng kiến "
    "phải được áp dụng trước khi xin công nhận. Đơn nên nộp trong vòng 1 năm kể từ ngày này."
)
WARN_FIRST_APPLIED_OLD = (
    "Ngày áp dụng lần đầu {date} đã quá 1 năm. Theo Điều lệ Sáng kiến, đơn cần nộp trong vòng 1 năm kể từ "
    "ngày áp dụng lần đầu, nên Hội đồng có thể không xét. Anh/Chị vẫn giữ ngày này?"
)
FIRST_APPLIED_FUTURE = (
    "Ngày {date} nằm trong tương lai (hôm nay là {today}). Sáng kiến phải đã được áp dụng hoặc áp dụng thử "
    "trước khi nộp đơn. Anh/Chị nhập ngày đã áp dụng; nếu chưa áp dụng, Anh/Chị gõ /huy để lưu nháp và "
    "nộp sau khi áp dụng."
)
P_CURRENT_STATE = (
    "Mô tả bản chất sáng kiến (1/3): tình trạng đã biết trước khi có sáng kiến và những hạn chế, nhược điểm?"
)
H_CURRENT_STATE = (
    "Nêu cách làm trước đây và vì sao chưa tốt, càng cụ thể càng tốt (số liệu, thời gian). Ví dụ: «Trước đây "
    "người dân phải đến bộ phận một cửa 2–3 lần để hỏi tiến độ hồ sơ; mỗi tháng cán bộ nhận khoảng 300 cuộc "
    "gọi hỏi thông tin, mất nhiều thời gian và dễ sai sót.»"
)
P_CONTENT = "Mô tả bản chất sáng kiến (2/3): nội dung giải pháp, các bước thực hiện và điểm mới so với trước?"
H_CONTENT = (
    "Trình bày giải pháp theo từng bước để người khác làm theo được, và nói rõ điểm mới, sáng tạo. Ví dụ: "
    "«Bước 1: in mã QR trên giấy biên nhận; Bước 2: người dân quét mã để xem tiến độ; Bước 3: cán bộ cập "
    "nhật trạng thái trên phần mềm. Điểm mới: lần đầu tiên tại đơn vị người dân tự tra cứu, không cần đến "
    "trụ sở.»"
)
P_SCOPE = "Mô tả bản chất sáng kiến (3/3): sáng kiến đã được áp dụng ở đâu và có thể áp dụng cho ai, ở đâu?"
H_SCOPE = (
    "Nêu nơi đã áp dụng (đơn vị, bộ phận, thời gian) và những nơi khác có thể áp dụng, nhân rộng. Ví dụ: "
    "«Đã áp dụng tại bộ phận một cửa UBND phường từ tháng 9/2025; có thể áp dụng cho các xã, phường khác "
    "trong tỉnh.»"
)
P_CONFIDENTIAL = (
    "Những thông tin cần được bảo mật (nếu có)? Phần này không bao giờ được công bố. Nếu không có, chọn «Bỏ qua»."
)
H_CONFIDENTIAL = (
    "Ghi những chi tiết không được công khai, ví dụ mã nguồn, số liệu nội bộ, thông tin cá nhân. "
    "Phần này chỉ Hội đồng xem; không xuất hiện trong danh sách công khai."
)
P_SECRECY = "Sáng kiến có thuộc bí mật nhà nước hoặc bí mật kinh doanh không?"
H_SECRECY = (
    "Sáng kiến được công nhận sẽ được công khai (tên, tác giả, đơn vị, tóm tắt), trừ sáng kiến thuộc bí mật "
    "nhà nước hoặc bí mật kinh doanh. Phần lớn sáng kiến chọn «Không, có thể công khai»."
)
SECRECY_PUBLIC = "Không, có thể công khai"
SECRECY_BUSINESS = "Bí mật kinh doanh"
SECRECY_STATE = "Bí mật nhà nước"
P_CONDITIONS = "Các điều kiện cần thiết để áp dụng sáng kiến?"
H_CONDITIONS = (
    "Nêu những gì cần có để áp dụng: con người, thiết bị, kinh phí, phần mềm, văn bản. Ví dụ: «Máy tính kết "
    "nối Internet, máy in; cán bộ một cửa được hướng dẫn 1 buổi; không phát sinh kinh phí.»"
)
P_BENEFIT_AUTHOR = (
    "Đánh giá lợi ích thu được hoặc dự kiến có thể thu được khi áp dụng sáng kiến, theo ý kiến của tác giả?"
)
H_BENEFIT_AUTHOR = (
    "Nêu lợi ích cụ thể, đo được nếu có: tiết kiệm thời gian, chi phí, giảm sai sót, tăng sự hài lòng. Ví dụ: "
    "«Giảm 70% số cuộc gọi hỏi tiến độ; người dân không phải đi lại; tiết kiệm khoảng 20 giờ làm việc mỗi tháng.»"
)
P_BENEFIT_VALUE = (
    "Giá trị làm lợi ước tính bằng tiền (nếu tính được)? Ví dụ: 15.000.000 hoặc 15 triệu. Nếu không tính "
    "được, chọn «Bỏ qua»."
)
H_BENEFIT_VALUE = "Số tiền tiết kiệm hoặc làm lợi mỗi năm, ví dụ 15.000.000 đ hoặc «15 triệu»."
P_BENEFIT_USERS = "Đánh giá lợi ích theo ý kiến của tổ chức, cá nhân đã tham gia áp dụng sáng kiến lần đầu (nếu có)?"
H_BENEFIT_USERS = (
    "Ý kiến của nơi đã áp dụng thử, ví dụ nhận xét của lãnh đạo bộ phận: «Bộ phận một cửa đánh giá giải pháp "
    "giúp giảm tải công việc trả lời điện thoại, người dân hài lòng.» Nếu chưa có, chọn «Bỏ qua»."
)
ASK_PARTICIPANTS = "Có người nào (ngoài tác giả) đã tham gia áp dụng thử hoặc áp dụng lần đầu sáng kiến không?"
ASK_MORE_PARTICIPANTS = "Còn người tham gia áp dụng lần đầu nào nữa không?"
H_PARTICIPANTS = (
    "Liệt kê những người đã cùng áp dụng thử sáng kiến: họ tên, ngày sinh, nơi công tác, chức danh, trình độ "
    "chuyên môn và nội dung công việc hỗ trợ."
)
P_PA_NAME = "Họ và tên người tham gia áp dụng?"
P_PA_BIRTH = "Ngày sinh của người này? Ví dụ: 12/03/1992"
P_PA_WORKPLACE = "Nơi công tác của người này?"
P_PA_POSITION = "Chức danh của người này?"
P_PA_QUAL = "Trình độ chuyên môn của người này?"
P_PA_TASK = "Nội dung công việc hỗ trợ? Ví dụ: Nhập dữ liệu thử nghiệm, hướng dẫn người dân quét mã."
H_PA_TASK = "Mô tả ngắn phần việc người này đã làm khi áp dụng thử sáng kiến."
P_ATTACHMENTS = (
    "Tài liệu đính kèm (nếu có): gửi ảnh, tệp PDF hoặc Word minh họa, mỗi tệp tối đa {limit}. "
    "Gửi xong chọn «Xong, không gửi thêm»."
)
H_ATTACHMENTS = (
    "Có thể gửi ảnh chụp sản phẩm, quy trình, biên bản áp dụng thử, báo cáo kết quả. Không bắt buộc. "
    "Định dạng: ảnh (JPG, PNG), PDF, Word (DOC, DOCX), Excel (XLS, XLSX)."
)
FILE_RECEIVED = "Đã nhận tệp «{name}» ({size}). Gửi tiếp tệp khác hoặc chọn «Xong, không gửi thêm»."
FILE_TOO_BIG = "Tệp «{name}» quá lớn ({size}); giới hạn mỗi tệp là {limit}. Anh/Chị vui lòng nén hoặc chia nhỏ."
FILE_TYPE_REFUSED = "Bot chỉ nhận ảnh, PDF, Word hoặc Excel. Tệp «{name}» không được nhận."
FILE_UNREADABLE = "Không tải được tệp này. Anh/Chị vui lòng gửi lại."
FILE_TOO_MANY = "Đã đủ {limit} tệp đính kèm cho một đơn. Chọn «Xong, không gửi thêm» để sang bước sau."
FILES_SHOW = "{n} tệp: {names}"
P_DECLARATION = (
    "Tôi (chúng tôi) xin cam đoan mọi thông tin nêu trong đơn là trung thực, đúng sự thật và hoàn toàn chịu "
    "trách nhiệm trước pháp luật."
)
H_DECLARATION = "Lời cam đoan là bắt buộc theo mẫu đơn M-02. Chọn «Tôi xin cam đoan» để tiếp tục."
DECLARE = "Tôi xin cam đoan"
DECLARE_NOT_YET = "Chưa"
DECLARED = "Đã cam đoan"
AUTHOR_ROW = "{name}, sinh {birth}, {position}, {workplace}, {qualification}"
PARTICIPANT_ROW = "{name}, sinh {birth}, {position}, {workplace}, {qualification} — {task}"

# --- submitting --------------------------------------------------------------------------------------
SUBMITTED = (
    "Đã nộp đơn thành công.\nSố biên nhận: {receipt}\nThời điểm nhận: {time}\nTrạng thái: {status}\n"
    "Đơn được xếp vào {round} năm {year} (hạn nộp {deadline}).\n"
    "Anh/Chị xem lại đơn bất cứ lúc nào bằng lệnh /cuatoi."
)
SUBMITTED_LATE = "Lưu ý: hạn nộp của đợt phù hợp đã qua, nên đơn được chuyển sang {round} năm {year}."
LATE_REFUSED = (
    "Đã hết hạn nộp đơn của {round} năm {year} (hạn {deadline}) dành cho lĩnh vực của đơn vị Anh/Chị. "
    "Đơn chưa được nộp; bản nháp vẫn được lưu đầy đủ và Anh/Chị có thể nộp khi đợt mới được mở."
)
NO_ROUND = (
    "Hiện chưa có đợt xét sáng kiến nào đang mở cho lĩnh vực của đơn vị Anh/Chị. Bản nháp vẫn được lưu; "
    "Thường trực Hội đồng sẽ thông báo khi mở đợt mới."
)
COAUTHOR_NOTICE = (
    "Anh/Chị được ghi là đồng tác giả của sáng kiến «{title}» (số biên nhận {receipt}) do {author} nộp ngày {date}."
)

# --- confidential material repeated in a published field ----------------------------------------------
CONFIDENTIAL_REPEATED = (
    "⚠️ Tên hoặc nội dung sáng kiến (phần sẽ được công bố) đang nhắc lại thông tin cần bảo mật: {items}. "
    "Khi công bố, những đoạn này sẽ bị che thành «[…]». Anh/Chị nên sửa lại để bản công bố dễ đọc."
)
CONFIDENTIAL_BEFORE_FILING = (
    "Trước khi nộp: tên hoặc nội dung sáng kiến vẫn nhắc lại thông tin cần bảo mật: {items}. "
    "Nếu vẫn nộp, những đoạn này sẽ bị che thành «[…]» khi công bố. Anh/Chị muốn sửa lại hay vẫn nộp?"
)
CONFIDENTIAL_EDIT = "✏️ Sửa lại"
CONFIDENTIAL_PROCEED = "Vẫn nộp"
