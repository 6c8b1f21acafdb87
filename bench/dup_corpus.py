"""An evaluation corpus for the duplicate check that the check was never tuned on (issue 12).

    .venv/bin/python bench/dup_corpus.py --n 100000 --queries 50 --out /tmp/dup   # writes corpus.jsonl, queries.jsonl

Independent of tests/data/similarity_cases.yaml and of the old generator in bench_similarity.py: its own
vocabulary (groups of interchangeable words, so a "synonym" query can swap 20-30% of the words), its own
templates, and real-looking administrative preambles ("Thực hiện Kế hoạch số 45/KH-UBND ngày … của UBND
tỉnh …") drawn from a small pool, so that hundreds of unrelated initiatives open with the same passage.

Query kinds, each with the id of its true source (``source``; none for ``new``): exact copy of a recent item,
light rewording, synonym replacement of 20-30% of the syllables, title changed, sentences reordered, one
paragraph of five copied (with a new title), no diacritics, Telex and VNI typed without conversion, typos,
and genuinely new texts from the same generator (other seed, never stored).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Groups of interchangeable words: the corpus picks one member, a synonym query another.
G = [g.split("|") for g in """
nâng cao|cải thiện|tăng cường|đẩy mạnh
giảm|rút ngắn|cắt giảm|hạn chế
cán bộ|công chức|viên chức|nhân viên
người dân|công dân|bà con|nhân dân
doanh nghiệp|cơ sở kinh doanh|hộ kinh doanh|nhà đầu tư
thời gian|thời lượng|quãng thời gian
hiệu quả|kết quả|chất lượng
áp dụng|triển khai|vận dụng|đưa vào sử dụng
phần mềm|ứng dụng|công cụ số|chương trình máy tính
quản lý|theo dõi|giám sát|điều hành
hồ sơ|giấy tờ|tài liệu
nhanh chóng|kịp thời|mau lẹ
chính xác|đúng đắn|chuẩn xác
tiết kiệm|giảm bớt|bớt được
chi phí|kinh phí|tiền bạc|ngân sách
đơn vị|cơ quan|tổ chức
thực hiện|tiến hành|làm
bước|công đoạn|khâu
tồn tại|hạn chế|bất cập|vướng mắc
giải pháp|biện pháp|cách làm|phương án
hướng dẫn|chỉ dẫn|trợ giúp
thông tin|dữ liệu|số liệu
kiểm tra|rà soát|đối chiếu
báo cáo|tổng hợp|thống kê
hằng tháng|mỗi tháng|định kỳ hằng tháng
nhiều|đông đảo|phần lớn
trước đây|trước kia|lúc trước
hiện nay|hiện tại|bây giờ
dễ dàng|thuận tiện|thuận lợi
khó khăn|vất vả|trở ngại
""".strip().splitlines()]
SYN: dict[str, list[str]] = {w: g for g in G for w in g}


def pick(r: random.Random, word: str) -> str:
    """One member of the word's group (the word itself when it has none)."""
    return r.choice(SYN[word]) if word in SYN else word


@dataclass(frozen=True)
class Topic:
    name: str
    objects: tuple[str, ...]
    actions: tuple[str, ...]
    tools: tuple[str, ...]
    people: tuple[str, ...]
    outcomes: tuple[str, ...]


def _s(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in text.split(";"))


TOPICS = [
    Topic("nông nghiệp", _s("giống lúa chịu hạn;vườn cây ăn quả;đàn bò thịt;ao nuôi cá rô phi;cây thạch đen;"
                           "cây hồi;ruộng bậc thang;chuồng trại chăn nuôi;cây dược liệu;mô hình trồng nấm"),
          _s("ghép cành;tưới nhỏ giọt;ủ phân vi sinh;phun chế phẩm sinh học;luân canh;che phủ nilon;"
             "đo độ ẩm đất;tiêm phòng định kỳ;phối giống nhân tạo;sấy nông sản"),
          _s("máy bơm năng lượng mặt trời;cảm biến độ ẩm;nhật ký điện tử;nhà màng;lò sấy than sinh học;"
             "bể biogas;máy băm cỏ;bẫy đèn"),
          _s("hộ nông dân;tổ hợp tác;khuyến nông viên;hợp tác xã nông nghiệp;chủ trang trại"),
          _s("năng suất tăng;tỷ lệ sống của cây;giá bán nông sản;lượng phân bón hóa học;dịch bệnh trên đàn vật nuôi")),
    Topic("y tế", _s("tiêm chủng mở rộng;khám sức khỏe người cao tuổi;quản lý bệnh tăng huyết áp;"
                     "sổ khám bệnh;cấp phát thuốc;chăm sóc bà mẹ mang thai;phòng chống sốt xuất huyết;"
                     "dinh dưỡng trẻ em;xét nghiệm nhanh;khám chữa bệnh bảo hiểm y tế"),
          _s("đặt lịch khám qua điện thoại;nhắc lịch tiêm bằng tin nhắn;lập bệnh án điện tử;"
             "phân luồng người bệnh;khám lưu động;tư vấn từ xa;sắp xếp lại tủ thuốc;cân đo định kỳ"),
          _s("bảng điều phối;mã vạch trên vỉ thuốc;máy đo huyết áp tự động;tổng đài nhắc lịch;"
             "phiếu theo dõi màu;túi thuốc chia liều"),
          _s("y sĩ;nữ hộ sinh;cộng tác viên dân số;trạm y tế xã;bác sĩ gia đình"),
          _s("tỷ lệ tiêm đủ mũi;số ca biến chứng;thời gian chờ khám;tỷ lệ suy dinh dưỡng;số lượt khám")),
    Topic("giáo dục", _s("dạy đọc cho học sinh dân tộc;ôn thi tốt nghiệp;thư viện thân thiện;bán trú;"
                         "giáo dục kỹ năng sống;dạy tiếng Anh tiểu học;phòng thí nghiệm;sổ liên lạc;"
                         "học sinh khuyết tật;câu lạc bộ toán"),
          _s("dạy học theo góc;chia nhóm theo năng lực;làm đồ dùng dạy học tự chế;kèm cặp một thầy một trò;"
             "kiểm tra trực tuyến;đọc sách mười lăm phút đầu giờ;ghi hình bài giảng;học qua trò chơi"),
          _s("bảng tương tác;thẻ chữ song ngữ;kho học liệu số;hộp sách lưu động;phiếu học tập điện tử;"
             "bộ mô hình lắp ghép"),
          _s("giáo viên chủ nhiệm;tổ chuyên môn;cha mẹ học sinh;học sinh lớp ba;ban giám hiệu"),
          _s("tỷ lệ học sinh đọc thông thạo;điểm thi trung bình;tỷ lệ chuyên cần;số học sinh bỏ học;"
             "kết quả thi học sinh giỏi")),
    Topic("tài nguyên", _s("cấp giấy chứng nhận quyền sử dụng đất;đo đạc địa chính;bản đồ quy hoạch;"
                           "giải phóng mặt bằng;đăng ký biến động đất đai;thu hồi đất;khai thác cát sỏi;"
                           "nước sạch nông thôn;quan trắc môi trường;rác thải sinh hoạt"),
          _s("số hóa bản đồ;đo bằng máy định vị;phân loại rác tại nguồn;lập bản đồ số;lấy mẫu nước;"
             "đối thoại với hộ bị ảnh hưởng;công khai phương án bồi thường;lưu trữ hồ sơ địa chính"),
          _s("máy toàn đạc điện tử;thiết bị bay không người lái;thùng rác ba ngăn;cơ sở dữ liệu địa chính;"
             "phần mềm GIS;trạm quan trắc tự động"),
          _s("văn phòng đăng ký đất đai;công chức địa chính;tổ thu gom rác;hộ bị thu hồi đất;chủ mỏ"),
          _s("số giấy chứng nhận được cấp;diện tích đo đạc;khối lượng rác được xử lý;số đơn khiếu nại;"
             "tỷ lệ hộ dùng nước sạch")),
    Topic("tư pháp", _s("đăng ký khai sinh;chứng thực chữ ký;hòa giải ở cơ sở;trợ giúp pháp lý;"
                        "đăng ký kết hôn;phổ biến giáo dục pháp luật;lý lịch tư pháp;sổ hộ tịch;"
                        "xử lý vi phạm hành chính;tủ sách pháp luật"),
          _s("liên thông khai sinh và bảo hiểm y tế;tuyên truyền qua loa truyền thanh;sân khấu hóa;"
             "trả kết quả tại nhà;ký số bản sao;tư vấn qua mạng xã hội;lập nhóm hòa giải viên"),
          _s("loa truyền thanh thông minh;trang tư vấn pháp luật;mẫu tờ khai điền sẵn;sổ tay hòa giải;"
             "chữ ký số;kho văn bản điện tử"),
          _s("hòa giải viên;công chức tư pháp hộ tịch;báo cáo viên pháp luật;trưởng thôn;luật gia"),
          _s("số vụ hòa giải thành;số lượt người được tư vấn;thời gian cấp giấy khai sinh;"
             "số vụ vi phạm;số hồ sơ trả đúng hạn")),
    Topic("tài chính", _s("thu ngân sách xã;quyết toán kinh phí;thu phí chợ;kế toán trường học;"
                          "thu thuế hộ kinh doanh;quản lý tài sản công;chi trả trợ cấp;thanh toán lương;"
                          "lập dự toán;thu bảo hiểm xã hội tự nguyện"),
          _s("thu phí qua mã QR;đối chiếu sổ sách cuối ngày;chi trả không dùng tiền mặt;lập bảng kê tự động;"
             "công khai thu chi;kiểm kê tài sản bằng mã vạch;ủy nhiệm thu"),
          _s("bảng tính liên kết;phần mềm kế toán;tài khoản ngân hàng số;máy quét mã vạch;"
             "mẫu biểu thống nhất;sổ quỹ điện tử"),
          _s("kế toán viên;thủ quỹ;ban tài chính xã;người nộp thuế;đối tượng bảo trợ"),
          _s("số tiền thu được;thời gian quyết toán;số sai sót chứng từ;tỷ lệ chi trả đúng hạn;"
             "số tài sản được kiểm kê")),
    Topic("giao thông", _s("đường giao thông nông thôn;cầu treo dân sinh;bảo dưỡng đường huyện;"
                           "an toàn giao thông trước cổng trường;điểm đen tai nạn;bến đò ngang;"
                           "bê tông hóa đường ngõ;đèn tín hiệu;hành lang an toàn đường bộ;xe buýt nông thôn"),
          _s("vận động hiến đất làm đường;dùng cốt thép tận dụng;trồng cỏ chống sạt taluy;lắp gương cầu lồi;"
             "kẻ vạch sơn phản quang;tổ chức đưa đón học sinh;giám sát cộng đồng"),
          _s("gương cầu lồi;biển báo năng lượng mặt trời;cọc tiêu nhựa;máy trộn bê tông mini;"
             "ván khuôn thép định hình;camera giám sát"),
          _s("ban giám sát đầu tư cộng đồng;tổ tự quản;đoàn viên thanh niên;người lái đò;chủ đầu tư"),
          _s("số mét đường được làm;số vụ tai nạn;giá thành mỗi mét đường;thời gian thi công;"
             "số hộ hiến đất")),
    Topic("văn hóa", _s("bảo tồn hát then;lễ hội truyền thống;nhà văn hóa thôn;thư viện xã;"
                        "du lịch cộng đồng;nghề dệt thổ cẩm;di tích lịch sử;câu lạc bộ dân ca;"
                        "thể thao quần chúng;gia đình văn hóa"),
          _s("dạy đàn tính cho thiếu niên;số hóa hiện vật;xây dựng tour trải nghiệm;"
             "đăng ký homestay trực tuyến;quay phim tư liệu;tổ chức giải bóng chuyền;gắn mã QR thuyết minh"),
          _s("bảng thuyết minh song ngữ;trang thông tin du lịch;bộ trang phục truyền thống;"
             "thiết bị âm thanh lưu động;bản đồ du lịch"),
          _s("nghệ nhân;chủ nhà nghỉ cộng đồng;hướng dẫn viên;ban quản lý di tích;đội văn nghệ"),
          _s("số lượt khách;doanh thu du lịch;số học viên;số hiện vật được số hóa;số gia đình văn hóa")),
    Topic("công an", _s("quản lý cư trú;cấp căn cước;phòng cháy chữa cháy;an ninh trật tự thôn;"
                        "tố giác tội phạm;quản lý vũ khí;phòng chống ma túy;định danh điện tử;"
                        "đăng ký xe;tạm trú người nước ngoài"),
          _s("thu nhận hồ sơ lưu động;lập tổ liên gia tự quản;diễn tập chữa cháy;kích hoạt tài khoản định danh;"
             "tuần tra ban đêm;lắp bình chữa cháy liên gia;nhóm tin báo an ninh"),
          _s("bình chữa cháy;camera an ninh;nhóm liên lạc trên điện thoại;bảng phân công trực;"
             "thiết bị thu nhận vân tay;loa cảnh báo"),
          _s("công an xã;tổ bảo vệ an ninh cơ sở;lực lượng dân quân;tổ liên gia;chủ cơ sở kinh doanh"),
          _s("số tài khoản được kích hoạt;số vụ cháy;số vụ trộm cắp;thời gian cấp căn cước;"
             "số tin báo được xử lý")),
    Topic("lao động", _s("giải quyết việc làm;đào tạo nghề nông thôn;xuất khẩu lao động;"
                         "chi trả chế độ người có công;hộ nghèo;bảo trợ xã hội;trẻ em có hoàn cảnh khó khăn;"
                         "người khuyết tật;an toàn lao động;bình đẳng giới"),
          _s("rà soát hộ nghèo bằng phiếu điện tử;mở lớp nghề tại thôn;kết nối doanh nghiệp tuyển dụng;"
             "chi trả tại nhà;lập hồ sơ theo dõi từng trẻ;hỗ trợ sinh kế theo nhóm"),
          _s("phiếu khảo sát điện tử;sàn giao dịch việc làm;bản đồ hộ nghèo;sổ theo dõi sinh kế;"
             "quỹ quay vòng"),
          _s("hội phụ nữ;lao động nông thôn;người có công;cán bộ lao động xã hội;trẻ em"),
          _s("số lao động có việc làm;tỷ lệ hộ nghèo;số người được đào tạo;số đối tượng được chi trả;"
             "thu nhập bình quân")),
]

PROVINCES = ("Cao Bằng", "Lạng Sơn", "Hà Giang", "Bắc Kạn", "Tuyên Quang", "Thái Nguyên", "Lào Cai", "Yên Bái")
PLACES = tuple(
    f"{kind} {name}"
    for kind in ("xã", "phường", "thị trấn")
    for name in ("Quang Trung", "Hưng Đạo", "Minh Khai", "Đức Long", "Nam Tuấn", "Bế Triều", "Trùng Khánh",
                 "Phục Hòa", "Thông Nông", "Hà Quảng", "Nguyên Bình", "Thạch An", "Bảo Lạc", "Hòa An",
                 "Quảng Uyên", "Tĩnh Túc", "Xuân Trường", "Lý Bôn", "Vĩnh Quang", "Chu Trinh", "Sông Hiến",
                 "Đề Thám", "Hợp Giang", "Tân Giang", "Duyệt Trung", "Kim Đồng", "Cần Yên", "Đoài Dương")
)
SURNAMES = ("Nông", "Hoàng", "Lục", "Đinh", "Bế", "Triệu", "Lương", "Mã", "Đàm", "Vi", "Lô", "Hà")
GIVEN = ("Thị Hạnh", "Văn Thắng", "Thị Mai", "Văn Dũng", "Thị Lan", "Đức Anh", "Thị Thu", "Văn Hùng", "Minh Tuấn")

PREAMBLES = (
    "Thực hiện Kế hoạch số {n}/KH-UBND ngày {d}/{m}/{y} của UBND tỉnh {prov} về {about}.",
    "Căn cứ Quyết định số {n}/QĐ-UBND ngày {d}/{m}/{y} của Chủ tịch UBND tỉnh {prov} phê duyệt {about}.",
    "Triển khai Chỉ thị số {c}/CT-TTg của Thủ tướng Chính phủ và Kế hoạch số {n}/KH-UBND của UBND tỉnh {prov} "
    "về {about}.",
    "Thực hiện Nghị quyết số {c}-NQ/TU ngày {d}/{m}/{y} của Ban Chấp hành Đảng bộ tỉnh {prov} về {about}.",
)
ABOUTS = ("đẩy mạnh cải cách hành chính giai đoạn 2021 - 2025", "chuyển đổi số trên địa bàn tỉnh",
          "phát động phong trào thi đua đổi mới sáng tạo", "nâng cao chỉ số hài lòng của người dân",
          "xây dựng nông thôn mới nâng cao", "phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số")

TEMPLATES = {
    "state": (
        "Trước đây việc {obj} tại {place} còn nhiều khó khăn, {peo} phải đi lại nhiều lần.",
        "Hiện nay công tác {obj} ở {place} chủ yếu làm thủ công, mất nhiều thời gian.",
        "Qua khảo sát {k} {peo} cho thấy {out} chưa đạt yêu cầu đề ra.",
        "Năm {y}, {place} mới chỉ đạt {p} phần trăm chỉ tiêu về {obj}.",
        "Tồn tại lớn nhất là thông tin về {obj} nằm rải rác ở nhiều sổ sách khác nhau.",
        "Nhiều {peo} chưa nắm được quy trình {obj}, dẫn đến phải bổ sung hồ sơ nhiều lần.",
    ),
    "idea": (
        "Sáng kiến đề xuất {act} kết hợp với {tool} trong {obj}.",
        "Tác giả đã nghiên cứu và áp dụng cách {act}, giúp {peo} chủ động hơn.",
        "Giải pháp sử dụng {tool} để theo dõi {obj} theo từng tuần.",
        "Điểm mới là {act} được làm ngay tại {place}, không phải chờ cấp trên.",
        "Chúng tôi thiết kế lại quy trình {obj} gồm {k} bước rõ ràng, mỗi bước có người chịu trách nhiệm.",
        "Bên cạnh đó, {tool} được gắn với sổ theo dõi để {peo} tự tra cứu.",
    ),
    "steps": (
        "Bước đầu, tổ công tác lập danh sách {peo} cần hỗ trợ và phân công cán bộ phụ trách.",
        "Tiếp theo, hướng dẫn {peo} cách {act} qua {k} buổi tập huấn tại {place}.",
        "Mỗi tháng tổ công tác họp một lần để rà soát {obj} và điều chỉnh kịp thời.",
        "Kinh phí mua {tool} khoảng {money} đồng, do đơn vị tự cân đối.",
        "Kết quả được báo cáo hằng tháng cho Ủy ban nhân dân {place}.",
        "Việc {act} được ghi vào nhật ký để đối chiếu khi cần.",
    ),
    "result": (
        "Sau {k} tháng áp dụng, {out} đã cải thiện rõ rệt.",
        "{out_cap} tăng từ {p} lên {p2} phần trăm so với cùng kỳ.",
        "Thời gian xử lý {obj} giảm từ {k} ngày xuống còn {k2} ngày.",
        "Đến nay đã có {big} lượt {peo} được hưởng lợi từ giải pháp.",
        "Giải pháp tiết kiệm khoảng {money} đồng mỗi năm cho đơn vị.",
        "{peo_cap} đánh giá cao cách làm này và đề nghị duy trì lâu dài.",
    ),
    "scope": (
        "Giải pháp đã được áp dụng tại {place} từ tháng {m} năm {y}.",
        "Có thể nhân rộng cho các đơn vị có điều kiện tương tự trên địa bàn tỉnh {prov}.",
        "Sáng kiến phù hợp với {place} và các xã vùng cao có địa hình chia cắt.",
        "Đơn vị đề nghị Hội đồng sáng kiến xem xét công nhận phạm vi ảnh hưởng cấp huyện.",
        "Điều kiện áp dụng: có {tool} và ít nhất {k} cán bộ được tập huấn.",
    ),
}
# Every real initiative also names its own people, dates, figures and local details.
DETAILS = (
    "Đồng chí {who}, {role}, trực tiếp phụ trách từ ngày {d}/{m}/{y}.",
    "Riêng thôn {hamlet} có {k} hộ, {p} phần trăm là đồng bào {folk}.",
    "Trong đợt {k}, tổ đã hỗ trợ gia đình ông {who} và bà {who2} hoàn thành thủ tục.",
    "Số liệu ngày {d}/{m}/{y} ghi nhận {big} lượt, tăng {k} phần trăm so với tháng {m2}.",
    "Ý tưởng xuất phát từ buổi họp thôn {hamlet} do chị {who} đề xuất.",
    "Tổ công tác gồm {k} người, họp tại nhà văn hóa thôn {hamlet} vào tối thứ {wd}.",
)
HAMLETS = tuple(f"{a} {b}" for a in ("Nà", "Khuổi", "Bản", "Lũng", "Pác", "Cốc", "Nặm", "Phja")
                for b in ("Rụ", "Mạ", "Slam", "Pài", "Hoi", "Luông", "Khoang", "Thin", "Vài", "Đông", "Dầy", "Mòn"))
ROLES = ("Phó Chủ tịch UBND xã", "công chức văn phòng - thống kê", "Trưởng trạm", "tổ trưởng tổ công tác",
         "Bí thư chi bộ thôn", "kế toán", "Phó Hiệu trưởng")
FOLKS = ("Tày", "Nùng", "Mông", "Dao", "Sán Chỉ", "Lô Lô")

TITLES = (
    "{Act} trong {obj} tại {place}",
    "Giải pháp {act} nhằm nâng cao hiệu quả {obj}",
    "Ứng dụng {tool} trong {obj} ở {place}",
    "Đổi mới cách {act} để giảm thời gian {obj}",
    "Sáng kiến {act} phục vụ {peo} tại {place}",
)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _synonymise(r: random.Random, sentence: str) -> str:
    """Every grouped word in a template drawn afresh: the corpus itself varies its wording."""
    return _replace_words(sentence, lambda w: pick(r, w))


_GROUP_RE = re.compile("|".join(sorted((re.escape(w) for w in SYN), key=len, reverse=True)))


def _replace_words(text: str, fn) -> str:  # type: ignore[no-untyped-def]
    return _GROUP_RE.sub(lambda m: fn(m.group()), text)


@dataclass
class Item:
    title: str
    paragraphs: list[list[str]]  # five paragraphs of sentences

    @property
    def description(self) -> str:
        return "\n".join(" ".join(p) for p in self.paragraphs)


class Generator:
    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def _fill(self, template: str, topic: Topic, slots: dict[str, str]) -> str:
        r = self.r
        values = {
            "obj": slots["obj"], "act": slots["act"], "tool": slots["tool"], "place": slots["place"],
            "peo": r.choice(topic.people), "out": r.choice(topic.outcomes), "prov": slots["prov"],
            "k": str(r.randint(2, 12)), "k2": str(r.randint(1, 3)), "p": str(r.randint(20, 60)),
            "p2": str(r.randint(61, 99)), "y": str(r.randint(2019, 2025)), "m": str(r.randint(1, 12)),
            "big": f"{r.randint(1, 9)}.{r.randint(100, 999)}", "money": f"{r.randint(2, 90)}.000.000",
        }
        values.update(
            who=f"{r.choice(SURNAMES)} {r.choice(GIVEN)}", who2=f"{r.choice(SURNAMES)} {r.choice(GIVEN)}",
            role=r.choice(ROLES), hamlet=r.choice(HAMLETS), folk=r.choice(FOLKS), d=str(r.randint(1, 28)),
            m2=str(r.randint(1, 12)), wd=str(r.randint(2, 7)),
        )
        values["out_cap"] = _cap(values["out"])
        values["peo_cap"] = _cap(values["peo"])
        values["Act"] = _cap(values["act"])
        return _cap(_synonymise(r, template.format(**values)))

    def item(self) -> Item:
        r = self.r
        topic = r.choice(TOPICS)
        slots = {
            "obj": r.choice(topic.objects), "act": r.choice(topic.actions), "tool": r.choice(topic.tools),
            "place": r.choice(PLACES), "prov": r.choice(PROVINCES),
        }
        # Some ideas borrow from a second topic, so topics overlap as in real life.
        if r.random() < 0.2:
            slots["tool"] = r.choice(r.choice(TOPICS).tools)
        title = self._fill(r.choice(TITLES), topic, slots)
        paragraphs: list[list[str]] = []
        for part in ("state", "idea", "steps", "result", "scope"):
            sentences = [self._fill(t, topic, slots) for t in r.sample(TEMPLATES[part], r.randint(2, 3))]
            if r.random() < 0.7:
                sentences.insert(r.randint(0, len(sentences)), self._fill(r.choice(DETAILS), topic, slots))
            if part == "state" and r.random() < 0.6:  # the shared administrative preamble
                # A small pool: each preamble opens hundreds of unrelated initiatives.
                pr = random.Random(r.randrange(40))
                sentences.insert(0, pr.choice(PREAMBLES).format(
                    n=pr.randint(10, 300), c=pr.randint(1, 40), d=pr.randint(1, 28), m=pr.randint(1, 12),
                    y=pr.randint(2020, 2024), prov=pr.choice(PROVINCES), about=pr.choice(ABOUTS)))
            paragraphs.append(sentences)
        return Item(title, paragraphs)


# --- how copies are made ---------------------------------------------------------------------------------------


def strip_marks(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_TONES_TELEX = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_TONES_VNI = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
_SHAPES_TELEX = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
_SHAPES_VNI = {"â": "a6", "ê": "e6", "ô": "o6", "ă": "a8", "ơ": "o7", "ư": "u7", "đ": "d9"}


def typed(text: str, *, vni: bool) -> str:
    """The keystrokes of a Telex or VNI typist whose input method was off: the tone key after the word's
    vowels ("tiếng" → "tieesng"/"tie61ng"), as many people type."""
    tones, shapes = (_TONES_VNI, _SHAPES_VNI) if vni else (_TONES_TELEX, _SHAPES_TELEX)

    def word(m: re.Match[str]) -> str:
        w = m.group()
        out, tone = [], ""
        for ch in unicodedata.normalize("NFD", w):
            if ch in tones:
                tone = tones[ch]
            elif ch in "\u0302\u0306\u031b":  # circumflex, breve, horn: recompose with the base
                base = out.pop()
                composed = unicodedata.normalize("NFC", base + ch)
                out.append(composed)
            else:
                out.append(ch)
        letters = "".join(shapes.get(c.lower(), c) if c.lower() in shapes else c for c in
                          unicodedata.normalize("NFC", "".join(out)))
        letters = letters.replace("Đ", "DD" if not vni else "D9")
        if tone:  # after the last vowel group, like "tieesng", "vieejt"
            vowels = [i for i, c in enumerate(letters) if c.lower() in "aeiouy"]
            at = vowels[-1] + 1 if vowels else len(letters)
            while at < len(letters) and letters[at] in "wW6789":
                at += 1
            letters = letters[:at] + tone + letters[at:]
        return letters

    return re.sub(r"\w+", word, unicodedata.normalize("NFC", text))


def typos(r: random.Random, text: str, rate: float = 0.06) -> str:
    def word(m: re.Match[str]) -> str:
        w = m.group()
        if len(w) < 3 or r.random() > rate:
            return w
        i = r.randrange(len(w) - 1)
        op = r.randrange(3)
        if op == 0:
            return w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        if op == 1:
            return w[:i] + w[i + 1 :]
        return w[:i] + w[i] + w[i:]

    return re.sub(r"\w+", word, text)


def syllable_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def synonyms(r: random.Random, text: str, target: float) -> tuple[str, float]:
    """Replace grouped words by another member until about ``target`` of the syllables changed."""
    total = syllable_count(text)
    spots = list(_GROUP_RE.finditer(text))
    r.shuffle(spots)
    chosen: dict[int, tuple[int, str]] = {}
    changed = 0
    for m in spots:
        if changed >= target * total:
            break
        others = [w for w in SYN[m.group()] if w != m.group()]
        new = r.choice(others)
        chosen[m.start()] = (m.end(), new)
        changed += max(syllable_count(m.group()), syllable_count(new))
    out, pos = [], 0
    for start in sorted(chosen):
        end, new = chosen[start]
        out += [text[pos:start], new]
        pos = end
    out.append(text[pos:])
    return "".join(out), changed / total


def light(r: random.Random, item: Item) -> tuple[str, str]:
    """A few words swapped, one sentence dropped, one short sentence added, punctuation and case varied."""
    paragraphs = [list(p) for p in item.paragraphs]
    p = r.choice([p for p in paragraphs if len(p) > 1])
    p.pop(r.randrange(len(p)))
    r.choice(paragraphs).append("Đây là kinh nghiệm rút ra từ thực tế công tác của đơn vị.")
    text = "\n".join(" ".join(p) for p in paragraphs)
    text, _ = synonyms(r, text, 0.07)
    return item.title.upper() if r.random() < 0.3 else item.title, text.replace(", ", " , ")


KINDS = ("exact", "light", "synonym", "title", "reorder", "paragraph", "nodiac", "telex", "vni", "typos", "new")


def make_query(r: random.Random, kind: str, item: Item, fresh: Generator) -> dict[str, object]:
    title, text = item.title, item.description
    extra: dict[str, object] = {}
    if kind == "light":
        title, text = light(r, item)
    elif kind == "synonym":
        text, share = synonyms(r, text, r.uniform(0.2, 0.3))
        title, _ = synonyms(r, title, 0.25)
        extra["replaced"] = round(share, 3)
    elif kind == "title":
        title = fresh.item().title
    elif kind == "reorder":
        sents = [s for p in item.paragraphs for s in p]
        r.shuffle(sents)
        text = " ".join(sents)
    elif kind == "paragraph":
        title = fresh.item().title
        text = _paragraph(item)
    elif kind == "nodiac":
        title, text = strip_marks(title), strip_marks(text)
    elif kind in ("telex", "vni"):
        title, text = typed(title, vni=kind == "vni"), typed(text, vni=kind == "vni")
    elif kind == "typos":
        title, text = typos(r, title), typos(r, text)
    return {"title": title, "description": text, **extra}


def _paragraph(item: Item) -> str:
    return " ".join(max(item.paragraphs[1:4], key=lambda p: len(" ".join(p))))


def corpus(n: int, seed: int = 12) -> Iterator[tuple[int, Item]]:
    g = Generator(seed)
    for i in range(1, n + 1):
        yield i, g.item()


def queries(items: list[Item], per_kind: int, seed: int = 1212) -> list[dict[str, object]]:
    """``per_kind`` queries of each kind; half of the copies take one of the newest 1% of items."""
    r = random.Random(seed)
    fresh = Generator(seed + 1)
    n = len(items)
    out: list[dict[str, object]] = []
    for kind in KINDS:
        for j in range(per_kind):
            if kind == "new":
                q = make_query(r, "exact", fresh.item(), fresh)
                q.update(qid=f"{kind}-{j}", kind=kind, source=None)
            else:
                recent = j % 2 == 0 or kind == "exact"
                source = r.randint(max(1, n - n // 100), n) if recent else r.randint(1, n)
                if kind == "paragraph":  # a paragraph found word for word in another item has two sources
                    while sum(_paragraph(items[source - 1]) in item.description for item in items) > 1:
                        source = source - 1 if recent else r.randint(1, n)
                q = make_query(r, kind, items[source - 1], fresh)
                q.update(qid=f"{kind}-{j}", kind=kind, source=source)
            out.append(q)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=50, help="queries per kind")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    items: list[Item] = []
    with (args.out / "corpus.jsonl").open("w", encoding="utf-8") as f:
        for i, item in corpus(args.n, args.seed):
            items.append(item)
            f.write(json.dumps({"id": i, "title": item.title, "description": item.description}, ensure_ascii=False))
            f.write("\n")
    with (args.out / "queries.jsonl").open("w", encoding="utf-8") as f:
        for q in queries(items, args.queries, args.seed + 1000):
            f.write(json.dumps(q, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
