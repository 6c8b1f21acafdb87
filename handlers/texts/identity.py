"""Texts of proving who someone is: the contact button, invitation codes (/moimoi) and /xacminh."""

SHARE_CONTACT = "📱 Chia sẻ số điện thoại của tôi"
PHONE_HINT = (
    "Nếu Anh/Chị đã được đơn vị đăng ký sẵn (thủ trưởng đơn vị, Thường trực Hội đồng, thành viên Hội đồng…): "
    "trên Telegram chọn «Chia sẻ số điện thoại của tôi»; trên kênh khác, nhập mã mời do Thường trực Hội đồng "
    "hoặc thủ trưởng đơn vị cấp."
)
AFTER_REGISTRATION = (
    "Nếu Anh/Chị đã được đơn vị đăng ký sẵn với vai trò (thủ trưởng đơn vị, Thường trực Hội đồng, thành viên "
    "Hội đồng…), số điện thoại gõ tay chưa đủ để nhận vai trò đó. Gõ /xacminh để xem cách xác minh."
)
VERIFY_HOW = (
    "Cách xác minh Anh/Chị là người đã được đơn vị đăng ký sẵn:\n"
    "• Trên Telegram: chọn «Chia sẻ số điện thoại của tôi» bên dưới (số phải trùng với số đơn vị đã khai).\n"
    "• Trên Zalo hoặc kênh khác: xin mã mời từ Thường trực Hội đồng hoặc thủ trưởng đơn vị, rồi gõ: /start <mã mời>."
)
CONTACT_NOT_YOURS = (
    "Số điện thoại vừa gửi không phải của chính tài khoản này. Vui lòng chọn «Chia sẻ số điện thoại của tôi» "
    "thay vì gửi danh bạ của người khác."
)
CONTACT_NO_RECORD = (
    "Không có hồ sơ đăng ký sẵn nào đang chờ với số điện thoại này. Nếu đơn vị đã đăng ký cho Anh/Chị, "
    "vui lòng xin mã mời từ Thường trực Hội đồng hoặc thủ trưởng đơn vị."
)
PHONE_VERIFIED = (
    "Đã xác minh số điện thoại của Anh/Chị. Từ nay, đơn sáng kiến nào ghi Anh/Chị là đồng tác giả kèm số điện "
    "thoại này, Anh/Chị sẽ nhận được thông báo về đơn đó."
)
CLAIMED = "Đã xác minh. Chào Anh/Chị {name}. Vai trò trong hệ thống: {roles}."
CLAIM_HAS_OWN_DATA = (
    "Tài khoản này đã có sáng kiến riêng nên không thể chuyển sang hồ sơ đăng ký sẵn tự động. "
    "Vui lòng liên hệ quản trị viên."
)
BAD_INVITATION = "Mã mời không đúng, đã dùng hoặc đã hết hạn. Vui lòng xin mã mới từ người đã mời Anh/Chị."
TOO_MANY_TRIES = "Anh/Chị đã nhập sai mã quá nhiều lần. Vui lòng thử lại sau 1 giờ."
INVITE_USAGE = (
    "Cách dùng: /moimoi <mã số người dùng hoặc số điện thoại>. Ví dụ: /moimoi 0912000001\n"
    "Mã mời dùng một lần, giúp người đã được đăng ký sẵn nhận đúng hồ sơ và vai trò của mình."
)
INVITE_NO_PERSON = "Không tìm thấy hồ sơ đăng ký sẵn nào chưa có tài khoản với «{target}»."
INVITE_ALREADY_LINKED = "Hồ sơ {name} đã có tài khoản liên kết; không cần mã mời."
INVITE_NOT_ALLOWED = "Anh/Chị không có quyền cấp mã mời cho hồ sơ {name}."
INVITE_OTHER_BODY = (
    "Hồ sơ {name} có vai trò hoặc đơn vị ở cơ quan công nhận khác, nên chỉ quản trị viên xác nhận được người này "
    "(cấp mã mời hoặc duyệt nhận). Người đó cũng có thể tự chia sẻ số điện thoại của mình trên Telegram."
)
INVITE_ISSUED = (
    "Mã mời cho {name}: {code}\n"
    "Dùng một lần, hết hạn sau {days} ngày. Vui lòng chuyển mã trực tiếp cho đúng người đó.\n"
    "Người được mời gõ trong bot (Telegram, Zalo): /start {code}"
)
INVITE_LINK = "Hoặc mở đường dẫn trên Telegram: {link}"
CLAIM_REQUEST = (
    "Tài khoản mới {new} (mã số {new_id}, {unit}) khai số điện thoại trùng với hồ sơ đăng ký sẵn {seeded} "
    "(mã số {seeded_id}). Chỉ khi đã xác minh đúng người (gọi điện, gặp trực tiếp), gõ: /duyetnhan {new_id} {seeded_id}"
)
HEAD_ROLE_ENDED = (
    "Anh/Chị đã chuyển từ {old} sang {new}, nên vai trò thủ trưởng đơn vị {old} trên bot đã kết thúc. "
    "Nếu Anh/Chị là thủ trưởng đơn vị {new}, Thường trực Hội đồng sẽ đề nghị quản trị viên cấp lại vai trò này."
)
HEAD_LEFT_NOTICE = (
    "{name} (mã số {id}), thủ trưởng đơn vị {old} trên bot, vừa đổi đơn vị sang {new} nên không còn vai trò "
    "thủ trưởng đơn vị. Nhắc việc gửi thủ trưởng đơn vị {old} sẽ không đến ai cho đến khi có người được cấp vai "
    "trò này. Nếu {name} đúng là thủ trưởng đơn vị {new}, quản trị viên gõ: /capquyen {id} thutruong"
)
APPROVE_USAGE = (
    "Cách dùng: /duyetnhan <mã số tài khoản mới> <mã số hồ sơ đăng ký sẵn hoặc số điện thoại>. Ví dụ: /duyetnhan 57 12"
)
APPROVE_NO_NEW = "Không có tài khoản mới mang mã số {id}."
APPROVE_SAME = "Tài khoản mới và hồ sơ đăng ký sẵn là một."
APPROVED = "Đã xác nhận: các tài khoản của {new} nay thuộc hồ sơ {name} (vai trò: {roles})."
APPROVED_NOTICE = "Thường trực Hội đồng đã xác nhận Anh/Chị là {name}. Vai trò trong hệ thống: {roles}."
