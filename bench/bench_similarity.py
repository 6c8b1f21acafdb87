"""Benchmark of the duplicate-initiative check (issue 7).

    .venv/bin/python bench/bench_similarity.py [--n 100000] [--backend memory|sqlite|postgres|all]
    .venv/bin/python bench/bench_similarity.py --n 2000            # quick mode

Generates a seeded synthetic corpus of Vietnamese initiatives (template sentences over topic phrase
pools, so unrelated texts share plenty of boilerplate), indexes it, then times checks for planted
copies (exact, without diacritics, sentences shuffled), light paraphrases, partial copies and
genuinely new texts. PostgreSQL runs when TEST_DATABASE_URL or --pg-url is given, in its own schema,
together with the pg_trgm GiST KNN baseline on the same corpus and queries.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from similarity import DEFAULT_THRESHOLD, InMemoryIndex, fold
from storage.database import create_engine
from storage.similarity_store import SqlSimilarityIndex, create_similarity_tables

# Figures measured earlier on this machine kind, 100,000 synthetic initiatives (from the issue).
REFERENCE = [
    ("pg_trgm GiST KNN, folded title+description", "279 ms p95; every copy caught, no false alarm"),
    ("pg_trgm GIN", "seconds per check"),
    ("TF-IDF over char 3-4-grams", "98 ms p95; 71 s build; ~1 GB"),
    ("title-only trigram / rapidfuzz", "flagged more than half of genuinely new texts"),
]

# ---------------------------------------------------------------------------------------------
# Synthetic corpus

_NAMES = (
    "An Bình Hòa Phú Tân Thạnh Long Hưng Phước Lộc Đông Tây Nam Bắc Trung Sơn Hải Thủy Mỹ Quang "
    "Vĩnh Thuận Hiệp Nghĩa Đức Thành Minh Hồng Lợi Thịnh Xuân Thu Kim Ngọc Hoa Lâm Tiến Cường "
    "Quý Khánh Phong Lạc Yên Định Hội Văn Cát Lương Điền Gia Đạo Lập Quảng Trà Châu Hà Giang "
    "Tường Hậu Nhơn Mai Đồng Chánh Hiếu Trí Tín Sang Khê Tú"
)
NAME_SYLLABLES = tuple(_NAMES.split(" "))
UNITS = ("xã", "phường", "thôn", "trường Tiểu học", "trường THCS", "trạm y tế", "hợp tác xã", "tổ dân phố")


@dataclass(frozen=True)
class Topic:
    nouns: tuple[str, ...]
    quals: tuple[str, ...]
    actors: tuple[str, ...]
    benefs: tuple[str, ...]
    places: tuple[str, ...]
    problems: tuple[str, ...]
    metrics: tuple[str, ...]


def _t(s: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in s.split("|"))


TOPICS = {
    "hanh_chinh": Topic(
        _t("hồ sơ|thủ tục|phiếu hẹn|giấy tiếp nhận|biểu mẫu|quy trình nội bộ|danh mục giấy tờ|lịch tiếp dân|"
           "quầy tiếp nhận|sổ theo dõi|phiếu đánh giá|kết quả giải quyết"),
        _t("đăng ký khai sinh|chứng thực bản sao|xác nhận cư trú|cấp giấy phép xây dựng|đăng ký kinh doanh|"
           "xác nhận hộ nghèo|đăng ký kết hôn|trích lục hộ tịch|cấp đổi giấy tờ|thủ tục đất đai|"
           "hỗ trợ người có công|cấp phép bán lẻ"),
        _t("cán bộ một cửa|công chức văn phòng|công chức tư pháp – hộ tịch|lãnh đạo Ủy ban|tổ hỗ trợ dịch vụ công|"
           "đoàn viên thanh niên|cán bộ tiếp nhận|bộ phận kiểm soát thủ tục"),
        _t("người dân|người cao tuổi|doanh nghiệp|hộ kinh doanh|người lao động|người khuyết tật"),
        _t("tại Bộ phận Một cửa|tại nhà văn hóa thôn|tại Trung tâm Phục vụ hành chính công|tại hội trường xã|"
           "tại quầy tiếp nhận"),
        _t("phải đi lại nhiều lần|chờ đợi lâu tại quầy|không biết cần chuẩn bị giấy tờ gì|hồ sơ hay bị trả lại|"
           "phiếu hẹn giấy dễ thất lạc|không nắm được tiến độ giải quyết|hồ sơ thường xuyên trễ hạn"),
        _t("thời gian giải quyết hồ sơ|số hồ sơ trễ hạn|tỷ lệ hài lòng|số lượt đi lại|tỷ lệ hồ sơ trực tuyến|"
           "thời gian chờ tại quầy"),
    ),
    "chuyen_doi_so": Topic(
        _t("phần mềm|kho dữ liệu|chữ ký số|ứng dụng di động|chatbot|bản đồ số|hệ thống điều hành|"
           "cổng thông tin|tài khoản định danh|mã QR|máy chủ|bảng điều khiển"),
        _t("quản lý văn bản|dân cư|hộ kinh doanh|hạ tầng chiếu sáng|thanh toán phí|họp trực tuyến|"
           "phản ánh hiện trường|an toàn thông tin|số liệu thống kê|tài sản công|camera giám sát|"
           "nhắn tin tự động"),
        _t("chuyên viên công nghệ thông tin|tổ công nghệ số cộng đồng|văn thư|lãnh đạo phòng|kỹ thuật viên|"
           "cán bộ phụ trách chuyển đổi số|công chức văn phòng – thống kê|nhân viên trực hệ thống"),
        _t("người dân|cán bộ, công chức|doanh nghiệp|lãnh đạo đơn vị|người dùng|hộ gia đình"),
        _t("trên nền tảng dùng chung của tỉnh|trên điện thoại thông minh|trên Cổng dịch vụ công|"
           "tại trung tâm điều hành|trên môi trường mạng"),
        _t("số liệu nằm rải rác nhiều nơi|phải nhập liệu nhiều lần|khó tra cứu khi cần|tốn nhiều chi phí in ấn|"
           "thông tin cập nhật chậm|dễ bị mã độc tấn công|không có dữ liệu để điều hành"),
        _t("thời gian xử lý văn bản|chi phí in ấn|tỷ lệ văn bản ký số|số lượt truy cập|thời gian tổng hợp báo cáo|"
           "tỷ lệ người dùng thường xuyên"),
    ),
    "giao_duc": Topic(
        _t("bài giảng|phiếu học tập|ngân hàng câu hỏi|câu lạc bộ|trò chơi học tập|sổ liên lạc|video bài giảng|"
           "đề kiểm tra|góc học tập|kế hoạch bài dạy|thí nghiệm|dự án học tập"),
        _t("môn Toán|môn Ngữ văn|môn Tiếng Anh|môn Khoa học tự nhiên|kỹ năng đọc|kỹ năng sống|giáo dục STEM|"
           "môn Lịch sử|học sinh yếu|học sinh dân tộc thiểu số|môn Tin học|giáo dục thể chất"),
        _t("giáo viên chủ nhiệm|tổ chuyên môn|giáo viên bộ môn|ban giám hiệu|tổng phụ trách đội|"
           "nhân viên thư viện|ban đại diện cha mẹ học sinh|cán bộ thiết bị"),
        _t("học sinh|phụ huynh|giáo viên trẻ|học sinh lớp 1|học sinh cuối cấp|trẻ mầm non"),
        _t("trong giờ học|tại thư viện nhà trường|tại điểm trường lẻ|ngoài giờ lên lớp|trên lớp học trực tuyến"),
        _t("học thụ động và ngại phát biểu|nhanh chán và dễ quên bài|kết quả học tập chưa cao|thiếu đồ dùng học tập|"
           "thời lượng trên lớp không đủ|ít có cơ hội thực hành|phụ huynh khó theo dõi việc học"),
        _t("điểm trung bình môn học|tỷ lệ học sinh đạt chuẩn|tỷ lệ chuyên cần|số học sinh đạt giải|"
           "tỷ lệ học sinh yếu|mức độ hứng thú học tập"),
    ),
    "y_te": Topic(
        _t("lịch tiêm chủng|sổ theo dõi sức khỏe|quy trình khám bệnh|tin nhắn nhắc lịch|bảng kiểm|"
           "hồ sơ sức khỏe điện tử|phiếu tư vấn|danh sách người bệnh|lịch khám lưu động|thuốc thiết yếu|"
           "bệnh án|phác đồ"),
        _t("trẻ dưới 1 tuổi|bệnh tăng huyết áp|bệnh đái tháo đường|phụ nữ mang thai|người cao tuổi|"
           "bệnh không lây nhiễm|dinh dưỡng trẻ em|phòng chống sốt xuất huyết|sức khỏe học đường|"
           "chất thải y tế|khám chữa bệnh bảo hiểm y tế|cấp cứu ban đầu"),
        _t("y sĩ trạm y tế|điều dưỡng|bác sĩ gia đình|cộng tác viên dân số|nhân viên y tế thôn|"
           "khoa Khám bệnh|cán bộ dinh dưỡng|hộ sinh"),
        _t("người bệnh|người dân|bà mẹ|trẻ em|người cao tuổi|gia đình người bệnh"),
        _t("tại trạm y tế|tại nhà người bệnh|tại bệnh viện|tại nhà văn hóa thôn|tại khoa Khám bệnh"),
        _t("quên lịch tái khám|chờ khám quá lâu|bỏ thuốc khi thấy khỏe|bị tiêm muộn hoặc bỏ sót mũi|"
           "thiếu kiến thức chăm sóc|ngại đến cơ sở y tế|không được theo dõi thường xuyên"),
        _t("tỷ lệ tiêm chủng đầy đủ|thời gian chờ khám|tỷ lệ kiểm soát huyết áp|số người bệnh được quản lý|"
           "tỷ lệ suy dinh dưỡng|số ca biến chứng"),
    ),
    "nong_nghiep": Topic(
        _t("nhật ký sản xuất|mã vùng trồng|chế phẩm vi sinh|mô hình trình diễn|tem truy xuất nguồn gốc|"
           "hệ thống tưới|chuồng trại|giống cây trồng|phân bón hữu cơ|lịch thời vụ|hợp đồng bao tiêu|"
           "tổ hợp tác"),
        _t("cây bưởi|lúa chất lượng cao|cây cà phê|rau an toàn|gà thả vườn|lợn bản địa|cây vải thiều|"
           "cá nước ngọt|cây chè|nấm ăn|bò sinh sản|cây dược liệu"),
        _t("cán bộ khuyến nông|Hội Nông dân|thú y viên|ban quản lý hợp tác xã|tổ trưởng tổ hợp tác|"
           "cán bộ bảo vệ thực vật|kỹ sư nông nghiệp|chủ nhiệm hợp tác xã"),
        _t("nông dân|hộ nghèo|hộ thành viên|thương lái|người tiêu dùng|doanh nghiệp thu mua"),
        _t("trên cánh đồng mẫu|tại vườn của các hộ|tại trụ sở hợp tác xã|ngoài đồng ruộng|tại vùng nguyên liệu"),
        _t("bán với giá thấp|thường xuyên bị dịch bệnh|đốt rơm rạ gây ô nhiễm|không chứng minh được nguồn gốc|"
           "thiếu nước vào mùa khô|lạm dụng phân hóa học|năng suất không ổn định"),
        _t("giá bán bình quân|năng suất|chi phí phân bón|tỷ lệ hao hụt|thu nhập của hộ|diện tích áp dụng"),
    ),
    "luu_tru": Topic(
        _t("hồ sơ lưu trữ|danh mục hồ sơ|mã vạch|máy quét|mục lục|kho lưu trữ|phiếu mượn|siêu dữ liệu|"
           "hộp tài liệu|biên bản giao nộp|sổ đăng ký|bảng thời hạn bảo quản"),
        _t("tài liệu giấy|văn bản đi|văn bản đến|hồ sơ công việc|tài liệu tồn đọng|tài liệu hết giá trị|"
           "hồ sơ nhân sự|hồ sơ địa chính|tài liệu ảnh|bản đồ cũ|hồ sơ dự án|sổ hộ tịch"),
        _t("cán bộ lưu trữ|văn thư cơ quan|tổ chỉnh lý|chuyên viên các phòng|lãnh đạo văn phòng|"
           "nhân viên kho|hội đồng xác định giá trị tài liệu|thư viện viên"),
        _t("người khai thác|cán bộ các phòng|người dân|lãnh đạo cơ quan|nhà nghiên cứu|cơ quan cấp trên"),
        _t("tại kho lưu trữ|trên hệ thống quản lý văn bản|tại phòng đọc|trong phần mềm quản lý kho|tại văn thư"),
        _t("tra cứu mất hàng giờ|tài liệu bị ẩm mốc|hồ sơ thất lạc khi cho mượn|lập hồ sơ dồn vào cuối năm|"
           "tệp đặt tên tùy tiện|kiểm kê mất nhiều ngày|bản giấy không khớp bản điện tử"),
        _t("thời gian tra cứu|số trang được số hóa|thời gian kiểm kê|tỷ lệ hồ sơ nộp lưu đúng hạn|"
           "diện tích kho giải phóng|số lượt khai thác"),
    ),
    "tai_chinh": Topic(
        _t("dự toán|bảng tính liên kết|chứng từ|báo cáo quyết toán|biên lai điện tử|sổ kế toán|"
           "bảng công khai|phiếu thu|kế hoạch vốn|tài khoản thu|bảng đối chiếu|thẻ tài sản"),
        _t("ngân sách xã|học phí|quỹ hội cha mẹ học sinh|thuế hộ kinh doanh|tài sản công|vốn đầu tư công|"
           "phí, lệ phí|quỹ phòng chống thiên tai|tiền bán trú|nguồn xã hội hóa|chi thường xuyên|khoản tạm ứng"),
        _t("kế toán|thủ quỹ|bộ phận tài chính|kho bạc|ban thanh tra nhân dân|cán bộ thuế|"
           "chủ tài khoản|ban đại diện cha mẹ học sinh"),
        _t("người nộp|phụ huynh|hộ kinh doanh|đơn vị dự toán|người dân|nhà thầu"),
        _t("tại kho bạc|trên phần mềm kế toán|trên bảng tin|tại cuộc họp|trên trang thông tin điện tử"),
        _t("đối chiếu thủ công mất nhiều ngày|số liệu hay sai sót|nợ đọng kéo dài|thu chi thiếu công khai|"
           "báo cáo nộp trễ hạn|phải giữ nhiều tiền mặt|khó theo dõi tạm ứng"),
        _t("thời gian đối chiếu|số thuế nợ đọng|tỷ lệ thanh toán không dùng tiền mặt|số đơn thư thắc mắc|"
           "tỷ lệ giải ngân|số sai sót chứng từ"),
    ),
    "tu_phap": Topic(
        _t("sổ hộ tịch|bản sao điện tử|tổ hòa giải|phiên tòa giả định|tủ sách pháp luật|tài liệu tuyên truyền|"
           "nhóm liên thông|sổ theo dõi hòa giải|tình huống mẫu|câu hỏi pháp luật|hồ sơ trợ giúp pháp lý|"
           "cuộc thi tìm hiểu pháp luật"),
        _t("khai sinh|kết hôn|khai tử|bạo lực gia đình|hòa giải ở cơ sở|chứng thực|an toàn giao thông|"
           "phòng chống ma túy|tranh chấp đất đai|quyền trẻ em|lao động di cư|phổ biến pháp luật"),
        _t("công chức tư pháp – hộ tịch|tổ trưởng tổ hòa giải|báo cáo viên pháp luật|công an xã|"
           "đoàn thanh niên|luật sư tình nguyện|trưởng thôn|hội cựu chiến binh"),
        _t("người dân|các bên tranh chấp|thanh thiếu niên|phụ nữ|người lao động|đồng bào dân tộc thiểu số"),
        _t("tại nhà văn hóa thôn|tại Bộ phận Một cửa|qua loa truyền thanh|tại trường học|trên trang thông tin của xã"),
        _t("ít chú ý và khó nhớ|mâu thuẫn kéo dài|phải đi nhiều nơi|sổ gốc bị rách, mờ|không biết nơi tìm trợ giúp|"
           "khiếu kiện vượt cấp|hiểu biết pháp luật còn hạn chế"),
        _t("số vụ hòa giải thành|số lượt người dự|thời gian cấp bản sao|số đơn thư vượt cấp|"
           "số sự kiện hộ tịch số hóa|tỷ lệ người dân hiểu pháp luật"),
    ),
    "dat_dai_moi_truong": Topic(
        _t("bản đồ địa chính|giấy chứng nhận|bể chứa bao bì|điểm tập kết rác|thùng phân loại|camera giám sát|"
           "tổ tuần tra|hố ủ|cây xanh|biển báo|thiết bị bay không người lái|mốc giới"),
        _t("quyền sử dụng đất|rác thải sinh hoạt|thuốc bảo vệ thực vật|khai thác cát|ranh giới thửa đất|"
           "nước thải chăn nuôi|rác thải nhựa|đất công|cây xanh đô thị|ô nhiễm không khí|sạt lở bờ sông|"
           "quy hoạch sử dụng đất"),
        _t("cán bộ địa chính|tổ dân phố|Hội Phụ nữ|tổ tự quản|công an xã|văn phòng đăng ký đất đai|"
           "hợp tác xã môi trường|đội trật tự đô thị"),
        _t("người dân|hộ gia đình|các bên tranh chấp|hộ kinh doanh|nông dân|khu dân cư"),
        _t("tại khu dân cư|trên đồng ruộng|dọc bờ sông|tại thực địa|trên các tuyến phố"),
        _t("rác thải bỏ chung một túi|đo đạc thủ công tốn nhiều ngày|bao bì vứt bừa bãi|tranh chấp kéo dài|"
           "phát hiện vi phạm chậm|bản đồ cũ sai lệch|bãi tập kết quá tải"),
        _t("khối lượng rác chôn lấp|số vụ tranh chấp|thời gian giải quyết|số vụ vi phạm|tỷ lệ hộ phân loại rác|"
           "diện tích được đo đạc"),
    ),
    "xa_hoi": Topic(
        _t("danh sách đối tượng|phiên giao dịch việc làm|tài khoản chi trả|lớp dạy nghề|sổ theo dõi|"
           "phần mềm quản lý đối tượng|tổ tư vấn|quỹ hỗ trợ|hồ sơ trợ cấp|nhà tình nghĩa|hợp đồng lao động|"
           "phiếu khảo sát nhu cầu"),
        _t("bảo trợ xã hội|người có công|lao động nông thôn|người khuyết tật|hộ cận nghèo|trẻ em mồ côi|"
           "lao động đi làm việc ở nước ngoài|bảo hiểm xã hội tự nguyện|thanh niên xuất ngũ|phụ nữ nông thôn|"
           "người cao tuổi cô đơn|việc làm thời vụ"),
        _t("cán bộ lao động – thương binh và xã hội|nhân viên bưu điện|trung tâm dịch vụ việc làm|"
           "Hội Liên hiệp Phụ nữ|đại lý bảo hiểm xã hội|trưởng thôn|cán bộ ngân hàng chính sách|doanh nghiệp"),
        _t("người hưởng trợ cấp|người lao động|hộ nghèo|người khuyết tật|gia đình chính sách|thanh niên"),
        _t("tại hội trường xã|tại nhà người hưởng|tại bưu điện|tại khu công nghiệp|tại trung tâm dịch vụ việc làm"),
        _t("chi trả tiền mặt vất vả|danh sách cập nhật chậm|thiếu thông tin việc làm|bị lừa qua môi giới|"
           "thu nhập thấp và bấp bênh|đi lại khó khăn|hồ sơ phải làm nhiều lần"),
        _t("số người có việc làm|tỷ lệ chi trả qua tài khoản|số trường hợp dừng chi trả|thu nhập bình quân|"
           "số hộ thoát nghèo|số người tham gia bảo hiểm"),
    ),
}

VERBS = _t("xây dựng|triển khai|áp dụng|số hóa|chuẩn hóa|rà soát|cập nhật|công khai|theo dõi|tổng hợp|kiểm tra|"
           "đối chiếu|hướng dẫn|tiếp nhận|lưu trữ|phân loại|chia sẻ|tích hợp|quản lý|thiết kế|điều chỉnh|bổ sung|"
           "sắp xếp|thống kê|đánh giá|giám sát|vận hành|nhân rộng|tập huấn|khảo sát")
MEANS = _t("bằng mã QR|qua nhóm Zalo|bằng phần mềm dùng chung|qua tổng đài|bằng bảng tính liên kết|"
           "qua loa truyền thanh|bằng chữ ký số|trên điện thoại thông minh|bằng tin nhắn tự động|"
           "theo sơ đồ quy trình|bằng bảng kiểm|qua thư điện tử|bằng máy tính bảng|theo mẫu thống nhất|"
           "qua trang thông tin điện tử|bằng sổ tay hướng dẫn|theo hình thức cuốn chiếu|bằng video ngắn")
FREQS = _t("hằng tuần|mỗi tháng một lần|theo quý|trước mỗi đợt|vào cuối năm|hằng ngày|sau mỗi buổi|theo lịch cố định|"
           "hai lần mỗi tháng|vào đầu mỗi học kỳ|khi có yêu cầu|định kỳ sáu tháng")
OPENERS = _t("Trước đây|Thời gian qua|Hiện nay|Nhiều năm nay|Trong thực tế|Qua khảo sát cho thấy|Những năm gần đây|"
             "Tại đơn vị|Trên địa bàn")
SOLUTION = _t("Sáng kiến|Giải pháp|Đơn vị|Nhóm tác giả|Chúng tôi|Tập thể cơ quan|Ban chỉ đạo")
TITLES = _t("Ứng dụng|Giải pháp|Mô hình|Nâng cao hiệu quả|Đổi mới cách thức|Tổ chức|Xây dựng|Cải tiến|Triển khai|"
            "Hoàn thiện|Kinh nghiệm|Một số biện pháp")
MODALS = _t("phải|cần|được|đã|sẽ|có thể|thường|vẫn|chưa|đang|tiếp tục|chủ động|trực tiếp|kịp thời|thường xuyên")
CONNECTORS = _t("trong khi|đồng thời|qua đó|từ đó|nhờ đó|bên cạnh đó|sau đó|vì vậy|do đó|nhưng|còn|thêm vào đó|"
                "ngoài ra|mặt khác|cụ thể")
LINKS = _t("theo|dựa trên|gắn với|thông qua|kèm theo|cùng với|đối với|về|cho|tại")
RESULT_OPEN = _t("Kết quả|Sau khi áp dụng|Qua thực tế|Sau một thời gian|Nhờ vậy|Đến nay")
HEADS = _t("khâu|bước|nội dung|tiêu chí|yêu cầu|hạng mục|phương án|nhóm|điều kiện|cách thức|danh mục|chỉ tiêu|"
           "mẫu|phần việc|giai đoạn|bộ phận")
# Common Vietnamese syllables; two of them make a "detail" word, so texts carry specifics of their own.
_COMMON = (
    "an anh ba bài ban bản bảo bắt bằng bên biên biết bình bộ bổ bước cách cải cán cao cấp cần cận câu chất chế "
    "chi chính chọn chung chuyên chủ chức công cơ cụ cung cuộc dân dẫn dịch diện doanh dung dụng duy dự đại đào "
    "đạt đầu đẩy điểm điều định đoàn đối đồng đơn đủ gia giá giải giao giáo giữa hạ hành hạn hàng hiện hiệu hình "
    "hóa hoạch hoàn hoạt học hỗ hội hợp hướng kế khai khả khách khảo khiển khoa khó kiểm kiến kinh kỹ lao lập lệ "
    "liên lực lượng lưu lý mạng mới môi mục năng nâng nền nghệ nghiệp nghiên người nguồn nhân nhận nhất nhiệm "
    "nhu nội nông phạm phân phát pháp phẩm phí phối phục phương quan quản quy quyết sản sát sinh sở sử tác tài "
    "tạo tăng tập tế thái thành thẩm thế thiết thị thông thời thu thuận thủ thực thương tích tiến tiêu tiếp tin "
    "tính tổ tổng trạng trình trọng trợ trung trường truyền tư tục tuyên tuyến tự ứng văn vận vật viên việc vụ "
    "vực xây xác xử xuất ý"
)
COMMON_SYLLABLES = tuple(_COMMON.split(" "))
# How often a slot takes a stock topic phrase rather than a specific of its own: the knob that sets
# how much unrelated initiatives overlap (tuned so they overlap like the hand-written test set).
SHARED_PHRASES = float(os.environ.get("BENCH_SHARED_PHRASES", "0.3"))


class Generator:
    """Deterministic synthetic initiatives: title + 5-10 sentences, roughly 110-260 syllables.

    Every slot (noun, qualifier, actor, problem, metric, means...) takes a stock phrase of its topic
    with probability SHARED_PHRASES, otherwise a phrase of the same length made of the topic's own
    syllables. Same-topic texts thus share their vocabulary and their share of stock phrases, while
    most 3-syllable sequences are their own, as in real writing.
    """

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)
        self._syllables = {
            name: tuple(sorted({w.lower() for pool in vars(t).values() for phrase in pool for w in phrase.split()}))
            for name, t in TOPICS.items()
        }

    def _pick(self, topic: str, pool: tuple[str, ...]) -> str:
        r = self.r
        phrase = r.choice(pool)
        if r.random() < SHARED_PHRASES:
            return phrase
        return " ".join(r.choice(self._syllables[topic]) for _ in phrase.split())

    def _place_name(self) -> str:
        r = self.r
        return f"{r.choice(UNITS)} {r.choice(NAME_SYLLABLES)} {r.choice(NAME_SYLLABLES)}"

    def _detail(self) -> str:
        c = self.r.choice
        return f"{c(HEADS)} {c(COMMON_SYLLABLES)} {c(COMMON_SYLLABLES)}"

    def _clause(self, topic: str) -> str:
        """Subject, optional modal, verb, object, optional complement: each slot drawn on its own."""
        r = self.r
        c = r.choice
        t = TOPICS[topic]
        p = self._pick
        thing = f"{p(topic, t.nouns)} {p(topic, t.quals)}"
        subject = c((p(topic, t.actors), p(topic, t.benefs), thing, self._detail()))
        modal = f"{c(MODALS)} " if r.random() < 0.6 else ""
        obj = f"{p(topic, t.nouns)} {p(topic, t.quals)}" if r.random() < 0.6 else self._detail()
        extra = c((p(topic, MEANS), p(topic, t.places), p(topic, FREQS), f"{c(LINKS)} {self._detail()}", ""))
        return f"{subject} {modal}{c(VERBS)} {obj} {extra}".rstrip()

    def sentence(self, topic: str, kind: str) -> str:
        r = self.r
        c = r.choice
        t = TOPICS[topic]
        if kind == "problem":
            head = f"{c(OPENERS)}, " if r.random() < 0.5 else ""
            s = f"{head}{self._pick(topic, t.benefs)} {self._pick(topic, t.problems)}, {c(CONNECTORS)} "
            s += f"{self._clause(topic)}."
        elif kind == "solution":
            head = f"{c(SOLUTION)} " if r.random() < 0.3 else ""
            tail = f", {c(CONNECTORS)} {self._clause(topic)}" if r.random() < 0.7 else ""
            s = f"{head}{self._clause(topic)}{tail}."
        else:
            a = r.randint(2, 60)
            b = r.randint(a + 5, 99)
            change = c((f"tăng từ {a}% lên {b}%", f"giảm từ {b} xuống {a} ngày", f"đạt {b}%", f"giảm {b - a}%",
                        f"tiết kiệm khoảng {r.randint(5, 500)} triệu đồng", f"tăng gấp {r.randint(2, 5)} lần"))
            s = f"{c(RESULT_OPEN)}, {self._pick(topic, t.metrics)} {change}, {c(CONNECTORS)} {self._clause(topic)}."
        return s[0].upper() + s[1:]

    def initiative(self, topic: str | None = None) -> tuple[str, str, str]:
        r = self.r
        name = topic or r.choice(list(TOPICS))
        t = TOPICS[name]
        title = (f"{r.choice(TITLES)} {self._pick(name, t.nouns)} {self._pick(name, t.quals)} "
                 f"{self._pick(name, MEANS)} tại {self._place_name()}")
        sentences = (
            [self.sentence(name, "problem") for _ in range(r.randint(1, 2))]
            + [self.sentence(name, "solution") for _ in range(r.randint(3, 6))]
            + [self.sentence(name, "result") for _ in range(r.randint(1, 2))]
        )
        return name, title, " ".join(sentences)


SYNONYMS = {
    "người dân": ("công dân", "bà con"), "giảm": ("rút ngắn", "hạ"), "tăng": ("nâng",),
    "xây dựng": ("thiết lập", "tạo lập"), "triển khai": ("thực hiện", "tổ chức thực hiện"),
    "Sáng kiến": ("Giải pháp này",), "hằng tuần": ("mỗi tuần",), "mỗi tháng": ("hằng tháng",),
    "thủ công": ("bằng tay",), "khoảng": ("chừng", "gần"), "tự động": ("một cách tự động",),
    "hệ thống": ("phần mềm",), "để": ("nhằm",), "cập nhật": ("bổ sung",), "kiểm tra": ("rà soát lại",),
    "hướng dẫn": ("chỉ dẫn",), "phối hợp với": ("cùng với",), "kết quả": ("kết quả thu được",),
    "được phân công": ("được giao",), "nhiều hạn chế": ("nhiều bất cập",), "áp dụng": ("thực hiện",),
    "cải thiện rõ rệt": ("được nâng lên rõ",), "có thể": ("đã có thể",), "trong khi": ("còn",),
}
_SYN_RE = re.compile("|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True)))


def strip_diacritics(s: str) -> str:
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if unicodedata.category(ch) != "Mn")


def split_sentences(text_: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text_) if s]


FILLERS = _t("cũng|đã|rất|các|những|thêm|luôn|đều|cơ bản|kịp thời")
EDIT_RATE = 0.12  # share of words reworded: replaced, preceded by a filler, or dropped


def paraphrase(r: random.Random, title: str, body: str) -> tuple[str, str]:
    """Synonyms for half the listed words, about one word in eight reworded, a clause swap now
    and then, one sentence dropped."""

    def sub(m: re.Match[str]) -> str:
        return r.choice(SYNONYMS[m.group()]) if r.random() < 0.5 else m.group()

    def reword(sentence: str) -> str:
        words = []
        for w in sentence.split(" "):
            x = r.random()
            if x < EDIT_RATE / 3:
                words.append(r.choice(COMMON_SYLLABLES) + w[len(w.rstrip(",.")):])
            elif x < 2 * EDIT_RATE / 3:
                words.extend((r.choice(FILLERS), w))
            elif x >= EDIT_RATE:
                words.append(w)
        return " ".join(words)

    out = []
    for s in split_sentences(body):
        s = reword(_SYN_RE.sub(sub, s))
        parts = s.rstrip(".").split(", ")
        if len(parts) > 1 and r.random() < 0.3:
            parts[0], parts[1] = parts[1], parts[0]
            s = ", ".join(parts) + "."
        if s:
            out.append(s[0].upper() + s[1:])
    if len(out) > 4:
        del out[r.randrange(len(out))]
    return _SYN_RE.sub(sub, title), " ".join(out)


# ---------------------------------------------------------------------------------------------
# Workload


@dataclass
class Query:
    kind: str
    title: str
    text: str
    source: int | None  # the planted original, None for a new text


@dataclass
class Result:
    backend: str
    build_s: float
    add_ms: list[float]
    query_ms: list[float]
    recall: dict[str, tuple[int, int]]
    false_alarms: tuple[int, int]
    memory: str
    notes: list[str] = field(default_factory=list)


def make_workload(n: int, n_queries: int, seed: int) -> tuple[list[tuple[int, str, str]], list[Query], list]:
    gen = Generator(seed)
    corpus = []
    topics = []
    for doc_id in range(1, n + 1):
        topic, title, body = gen.initiative()
        corpus.append((doc_id, title, body))
        topics.append(topic)
    r = random.Random(seed + 1)
    fresh = Generator(seed + 2)
    queries: list[Query] = []
    kinds = ["exact", "no_diacritics", "shuffled", "paraphrase", "paraphrase", "partial", "partial",
             "new", "new", "new"]
    for i in range(n_queries):
        kind = kinds[i % len(kinds)]
        src = r.randint(1, n)
        _, title, body = corpus[src - 1]
        if kind == "exact":
            queries.append(Query(kind, title, body, src))
        elif kind == "no_diacritics":
            queries.append(Query(kind, strip_diacritics(title), strip_diacritics(body), src))
        elif kind == "shuffled":
            sents = split_sentences(body)
            r.shuffle(sents)
            queries.append(Query(kind, title, " ".join(sents), src))
        elif kind == "paraphrase":
            queries.append(Query(kind, *paraphrase(r, title, body), src))
        elif kind == "partial":
            sents = split_sentences(body)
            kept = r.sample(sents, max(2, round(len(sents) * r.uniform(0.4, 0.5))))
            _, new_title, new_body = fresh.initiative(topics[src - 1])
            mixed = kept + split_sentences(new_body)
            r.shuffle(mixed)
            queries.append(Query(kind, new_title, " ".join(mixed), src))
        else:
            _, new_title, new_body = fresh.initiative()
            queries.append(Query(kind, new_title, new_body, None))
    extra = [(n + 1 + i, *fresh.initiative()[1:]) for i in range(20)]  # documents for the add-one timing
    return corpus, queries, extra


def tally(queries: Sequence[Query], answers: Sequence[list[tuple[int, float]]], threshold: float
          ) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    recall: dict[str, tuple[int, int]] = {}
    alarms = news = 0
    for q, found in zip(queries, answers, strict=True):
        flagged = [doc_id for doc_id, s in found if s >= threshold]
        if q.source is None:
            news += 1
            alarms += bool(flagged)
        else:
            hit, total = recall.get(q.kind, (0, 0))
            recall[q.kind] = (hit + (q.source in flagged), total + 1)
    return recall, (alarms, news)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------------------------------
# Backends


def bench_memory(corpus, queries, extra, threshold) -> Result:
    before = rss_mb()
    idx = InMemoryIndex(threshold=threshold)
    t0 = time.perf_counter()
    idx.add_many(corpus)
    build = time.perf_counter() - t0
    memory = f"{rss_mb() - before:.0f} MB RSS growth, {idx.approx_bytes() / 2**20:.0f} MB in index structures"
    answers, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        found = idx.query(q.title, q.text)
        times.append((time.perf_counter() - t0) * 1000)
        answers.append([(m.doc_id, m.score) for m in found])
    adds = []
    for doc_id, title, body in extra:
        t0 = time.perf_counter()
        idx.add(doc_id, title, body)
        adds.append((time.perf_counter() - t0) * 1000)
    recall, alarms = tally(queries, answers, threshold)
    # Untimed: how close the two sides come to the threshold (scores are the same on every backend).
    closest_new = weakest_copy = None
    for q in queries:
        found = {m.doc_id: m.score for m in idx.query(q.title, q.text, threshold=0.0)}
        if q.source is None:
            closest_new = max(closest_new or 0.0, max(found.values(), default=0.0))
        elif q.source in found:
            weakest_copy = min(weakest_copy or 1.0, found[q.source])
    notes = [f"score margin: weakest planted copy {weakest_copy}, closest unrelated text {closest_new}"]
    return Result("memory", build, adds, times, recall, alarms, memory, notes)


async def bench_sql(name: str, engine: AsyncEngine, corpus, queries, extra, threshold,
                    size: Callable[[], Awaitable[str]]) -> Result:
    async with engine.begin() as conn:
        await create_similarity_tables(conn)
    idx = SqlSimilarityIndex(async_sessionmaker(engine, expire_on_commit=False), threshold=threshold)
    before = rss_mb()
    t0 = time.perf_counter()
    await idx.add_many(corpus, batch_size=5000)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).execute(
                text("VACUUM ANALYZE similarity_band, similarity_doc")
            )
    else:
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    build = time.perf_counter() - t0
    for q in queries[:10]:  # warm the statement cache and the connection pool
        await idx.query(q.title, q.text)
    answers, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        found = await idx.query(q.title, q.text)
        times.append((time.perf_counter() - t0) * 1000)
        answers.append([(m.doc_id, m.score) for m in found])
    adds = []
    for doc_id, title, body in extra:
        t0 = time.perf_counter()
        await idx.add(doc_id, title, body)
        adds.append((time.perf_counter() - t0) * 1000)
    recall, alarms = tally(queries, answers, threshold)
    memory = f"{await size()} on disk, {rss_mb() - before:.0f} MB RSS growth"
    return Result(name, build, adds, times, recall, alarms, memory)


async def run_sqlite(corpus, queries, extra, threshold) -> Result:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "similarity.db"
        engine = create_engine(f"sqlite+aiosqlite:///{path}")  # the project's engine: WAL, BEGIN IMMEDIATE

        async def size() -> str:
            await engine.dispose()  # then fold the write-ahead log into the database file
            with closing(sqlite3.connect(path)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            total = sum(p.stat().st_size for p in Path(tmp).iterdir())
            return f"{total / 2**20:.0f} MB"

        try:
            return await bench_sql("sqlite", engine, corpus, queries, extra, threshold, size)
        finally:
            await engine.dispose()


SCHEMA = "bench_similarity"


async def run_postgres(url: str, corpus, queries, extra, threshold, trgm: bool, trgm_queries: int
                       ) -> list[Result]:
    admin = create_engine(url)
    async with admin.begin() as conn:
        await conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        await conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine = create_engine(url, connect_args={"server_settings": {"search_path": f"{SCHEMA},public"}})

    async def size() -> str:
        async with engine.connect() as conn:
            total = (await conn.execute(text(
                "SELECT pg_total_relation_size('similarity_band') + pg_total_relation_size('similarity_doc')"
            ))).scalar_one()
        return f"{total / 2**20:.0f} MB"

    try:
        results = [await bench_sql("postgres", engine, corpus, queries, extra, threshold, size)]
        if trgm:
            results.append(await bench_trgm(engine, corpus, queries[:trgm_queries]))
        return results
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        await admin.dispose()


TRGM_THRESHOLD = 0.3  # pg_trgm's own default similarity threshold


async def bench_trgm(engine: AsyncEngine, corpus, queries) -> Result:
    """The baseline: pg_trgm GiST KNN over accent-folded title + description."""
    async with engine.begin() as conn:
        available = (await conn.execute(text(
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'"))).scalar_one()
        if not available:
            return Result("pg_trgm GiST", 0, [], [], {}, (0, 0), "-", ["pg_trgm not available"])
        await conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public"))
        await conn.execute(text("CREATE TABLE trgm_doc (id bigint PRIMARY KEY, body text NOT NULL)"))
    t0 = time.perf_counter()
    async with engine.begin() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        await raw.copy_records_to_table(
            "trgm_doc", records=[(doc_id, fold(f"{title} {body}")) for doc_id, title, body in corpus]
        )
        await conn.execute(text("CREATE INDEX trgm_doc_gist ON trgm_doc USING gist (body gist_trgm_ops)"))
        await conn.execute(text("ANALYZE trgm_doc"))
    build = time.perf_counter() - t0
    stmt = text("SELECT id, similarity(body, :q) FROM trgm_doc ORDER BY body <-> :q LIMIT 5")
    answers, times = [], []
    async with engine.connect() as conn:
        for q in queries:
            folded = fold(f"{q.title} {q.text}")
            t0 = time.perf_counter()
            rows = (await conn.execute(stmt, {"q": folded})).all()
            times.append((time.perf_counter() - t0) * 1000)
            answers.append([(int(doc_id), float(s)) for doc_id, s in rows])
        size = (await conn.execute(text("SELECT pg_total_relation_size('trgm_doc')"))).scalar_one()
    recall, alarms = tally(queries, answers, TRGM_THRESHOLD)
    notes = [f"threshold {TRGM_THRESHOLD} (pg_trgm default); {len(queries)} queries"]
    new_best = max((max((s for _, s in a), default=0.0) for q, a in zip(queries, answers, strict=True)
                    if q.source is None), default=0.0)
    sep_recall, _ = tally(queries, answers, new_best + 1e-9)
    hit = sum(h for h, _ in sep_recall.values())
    total = sum(t for _, t in sep_recall.values())
    notes.append(f"at the lowest threshold with no false alarm ({new_best:.3f}): recall {hit}/{total}")
    return Result("pg_trgm GiST", build, [], times, recall, alarms, f"{size / 2**20:.0f} MB on disk", notes)


# ---------------------------------------------------------------------------------------------
# Report


def report(results: list[Result], n: int, threshold: float) -> None:
    print(f"\n=== Duplicate check, {n:,} stored initiatives, threshold {threshold} ===")
    for res in results:
        print(f"\n[{res.backend}]")
        if not res.query_ms:
            print("  skipped:", "; ".join(res.notes))
            continue
        print(f"  build from scratch: {res.build_s:.1f} s")
        if res.add_ms:
            print(f"  add one: median {statistics.median(res.add_ms):.2f} ms, max {max(res.add_ms):.2f} ms")
        q = res.query_ms
        print(f"  check ({len(q)} queries): p50 {pct(q, 50):.2f} ms, p95 {pct(q, 95):.2f} ms, "
              f"p99 {pct(q, 99):.2f} ms, max {max(q):.2f} ms")
        print(f"  memory/storage: {res.memory}")
        hit = sum(h for h, _ in res.recall.values())
        total = sum(t for _, t in res.recall.values())
        detail = ", ".join(f"{k} {h}/{t}" for k, (h, t) in sorted(res.recall.items()))
        print(f"  recall on planted copies: {hit}/{total} = {hit / max(total, 1):.3f} ({detail})")
        alarms, news = res.false_alarms
        print(f"  false alarms on new texts: {alarms}/{news} = {alarms / max(news, 1):.3f}")
        for note in res.notes:
            print(f"  note: {note}")
    trgm = next((r for r in results if r.backend.startswith("pg_trgm") and r.query_ms), None)
    if trgm:
        print("\nSame-run ratios against pg_trgm GiST KNN (p95 / p50):")
        for res in results:
            if res is not trgm and res.query_ms:
                print(f"  {res.backend}: {pct(trgm.query_ms, 95) / pct(res.query_ms, 95):.0f}x faster at p95, "
                      f"{pct(trgm.query_ms, 50) / pct(res.query_ms, 50):.0f}x at p50")
    print("\nReference figures (earlier runs, 100,000 synthetic initiatives, same machine kind):")
    for name, figure in REFERENCE:
        print(f"  {name}: {figure}")
    print("Target: ≤ 20 ms p95 per check against 100,000 stored initiatives.")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000, help="stored initiatives (2000 for a quick run)")
    ap.add_argument("--backend", choices=("memory", "sqlite", "postgres", "all"), default="all")
    ap.add_argument("--queries", type=int, default=300, help="checks to time (≥ 200)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--pg-url", default=os.environ.get("TEST_DATABASE_URL"))
    ap.add_argument("--no-trgm", action="store_true", help="skip the pg_trgm baseline")
    ap.add_argument("--trgm-queries", type=int, default=200)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    corpus, queries, extra = make_workload(args.n, args.queries, args.seed)
    words = sum(len(title.split()) + len(body.split()) for _, title, body in corpus) / len(corpus)
    print(f"corpus: {args.n:,} initiatives, {words:.0f} syllables on average, "
          f"{len(queries)} queries, generated in {time.perf_counter() - t0:.1f} s")

    results: list[Result] = []
    wanted = {"memory", "sqlite", "postgres"} if args.backend == "all" else {args.backend}
    if "memory" in wanted:
        results.append(bench_memory(corpus, queries, extra, args.threshold))
        print(f"memory done: build {results[-1].build_s:.1f} s", flush=True)
    if "sqlite" in wanted:
        results.append(asyncio.run(run_sqlite(corpus, queries, extra, args.threshold)))
        print(f"sqlite done: build {results[-1].build_s:.1f} s", flush=True)
    if "postgres" in wanted:
        if args.pg_url:
            results.extend(asyncio.run(run_postgres(
                args.pg_url, corpus, queries, extra, args.threshold, not args.no_trgm, args.trgm_queries)))
        else:
            results.append(Result("postgres", 0, [], [], {}, (0, 0), "-", ["no TEST_DATABASE_URL / --pg-url"]))
    report(results, args.n, args.threshold)


if __name__ == "__main__":
    main()
