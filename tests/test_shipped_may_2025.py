"""The second shipped report, May 2025 (content/2025/05), against expectations written by hand.

Every expected cell below was worked out by reading directives.yaml and content/2025/05 by hand
(never with the code under test): the period 16/4-15/5/2025 selects the tasks still open on
16/4/2025 or assigned or completed in the period, less the ten open tasks of 2023 that index.md
excludes; the status of each task is read off its dates as of the cut-off 15/5/2025. FACTS copies
the facts of the register (number and date of the assigning document, content, unit, required
result); the derived cells (TT, groups, deadline in force with its note, status, completion
cell, which progress note is the latest by the cut-off) are written out in the rows.

The report is checked as the editors see it (``baocao render``), in its DOCX and in its PDF.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import ROOT
from lxml import etree
from pypdf import PdfReader

from baocao.cli import cli

KEY = "2025-05"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}

#: Facts of the register, copied from directives.yaml: (document and date as the "Số/Ký hiệu
#: VBCĐ" cell prints them, content, unit, required result).
FACTS: dict[str, tuple[str, str, str, str]] = {
    "2024-4215-UBND-KGVX": (
        "4215/UBND-KGVX Ngày 15/8/2024",
        "V/v triển khai Chương trình hỗ trợ phát triển doanh nghiệp khoa học và công nghệ"
        " trên địa bàn tỉnh Bắc Giang giai đoạn 2024 - 2025",
        "Phòng Quản lý công nghệ và Đổi mới sáng tạo",
        "Doanh nghiệp được chứng nhận doanh nghiệp KH&CN",
    ),
    "2024-5630-UBND-KGVX": (
        "5630/UBND-KGVX Ngày 25/10/2024",
        "V/v xây dựng dự thảo Quyết định ban hành Quy định quản lý nhiệm vụ khoa học và "
        "công nghệ cấp tỉnh sử dụng ngân sách nhà nước trên địa bàn tỉnh Bắc Giang (thay "
        "thế Quyết định số 18/2021/QĐ-UBND)",
        "Phòng Quản lý khoa học",
        "Dự thảo Quyết định trình UBND tỉnh",
    ),
    "2024-6815-UBND-KTN": (
        "6815/UBND-KTN Ngày 20/12/2024",
        "V/v phối hợp kiểm tra việc nhập khẩu, sử dụng máy móc, thiết bị, dây chuyền công"
        " nghệ đã qua sử dụng tại các dự án đầu tư trong khu công nghiệp",
        "Phòng Quản lý công nghệ và Đổi mới sáng tạo",
        "Báo cáo kết quả kiểm tra",
    ),
    "2025-152-UBND-KGVX": (
        "152/UBND-KGVX Ngày 13/01/2025",
        "V/v báo cáo kết quả hoạt động khoa học và công nghệ năm 2024, phương hướng, "
        "nhiệm vụ năm 2025",
        "Văn phòng Sở",
        "Báo cáo UBND tỉnh",
    ),
    "2025-335-UBND-KTN": (
        "335/UBND-KTN Ngày 21/01/2025",
        "V/v triển khai cấp mã số vùng trồng, tem truy xuất nguồn gốc điện tử đối với sản"
        " phẩm vải thiều xuất khẩu vụ năm 2025",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Sản phẩm có tem truy xuất nguồn gốc",
    ),
    "2025-21-KH-UBND": (
        "21/KH-UBND Ngày 24/01/2025",
        "Kế hoạch tổ chức các hoạt động hưởng ứng Ngày Sở hữu trí tuệ thế giới (26/4) và "
        "Ngày Khoa học và Công nghệ Việt Nam (18/5) năm 2025",
        "Văn phòng Sở",
        "Tổ chức các hoạt động, báo cáo kết quả",
    ),
    "2025-748-UBND-NC": (
        "748/UBND-NC Ngày 17/02/2025",
        "V/v tự kiểm tra, rà soát văn bản quy phạm pháp luật do HĐND, UBND tỉnh ban hành "
        "thuộc lĩnh vực khoa học và công nghệ, thông tin và truyền thông",
        "Văn phòng Sở",
        "Báo cáo kết quả rà soát",
    ),
    "2025-781-UBND-KTN": (
        "781/UBND-KTN Ngày 18/02/2025",
        "V/v kiểm tra chất lượng, đo lường xăng dầu tại các cửa hàng bán lẻ xăng dầu trên"
        " địa bàn tỉnh năm 2025",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Báo cáo kết quả kiểm tra",
    ),
    "2025-245-QĐ-UBND": (
        "245/QĐ-UBND Ngày 20/02/2025",
        "Tổ chức các Hội đồng tư vấn xác định nhiệm vụ khoa học và công nghệ cấp tỉnh đặt"
        " hàng thực hiện từ năm 2026, tổng hợp danh mục trình UBND tỉnh phê duyệt",
        "Phòng Quản lý khoa học",
        "Danh mục nhiệm vụ trình UBND tỉnh phê duyệt",
    ),
    "2025-55-KH-UBND": (
        "55/KH-UBND Ngày 10/3/2025",
        "Kế hoạch thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về "
        "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc "
        "gia trên địa bàn tỉnh Bắc Giang năm 2025",
        "Phòng Chuyển đổi số",
        "Báo cáo kết quả thực hiện",
    ),
    "2025-1295-UBND-KGVX": (
        "1295/UBND-KGVX Ngày 12/3/2025",
        "V/v báo cáo tình hình triển khai chuyển đổi số, phát triển chính quyền số trên "
        "địa bàn tỉnh",
        "Phòng Chuyển đổi số",
        "Báo cáo UBND tỉnh, Bộ Khoa học và Công nghệ",
    ),
    "2025-1352-UBND-KTN": (
        "1352/UBND-KTN Ngày 14/3/2025",
        "V/v kiểm tra nhà nước về đo lường đối với phương tiện đo nhóm 2 (công tơ điện, "
        "đồng hồ nước, cân thông dụng) và báo cáo kết quả",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Báo cáo kết quả kiểm tra",
    ),
    "2025-1486-UBND-KGVX": (
        "1486/UBND-KGVX Ngày 20/3/2025",
        "V/v triển khai Phong trào “Bình dân học vụ số” trên địa bàn tỉnh",
        "Phòng Chuyển đổi số",
        "Kế hoạch triển khai, báo cáo kết quả",
    ),
    "2025-1702-UBND-KSTT": (
        "1702/UBND-KSTT Ngày 28/3/2025",
        "V/v rà soát, đề xuất phương án cắt giảm, đơn giản hóa thủ tục hành chính, điều "
        "kiện kinh doanh thuộc lĩnh vực khoa học và công nghệ năm 2025",
        "Văn phòng Sở",
        "Phương án đơn giản hóa TTHC",
    ),
    "2025-1756-UBND-KGVX": (
        "1756/UBND-KGVX Ngày 31/3/2025",
        "V/v xây dựng cơ sở dữ liệu tiềm lực khoa học và công nghệ của tỉnh, kết nối với "
        "cơ sở dữ liệu quốc gia về khoa học và công nghệ",
        "Phòng Quản lý khoa học",
        "Cơ sở dữ liệu được cập nhật, kết nối",
    ),
    "2025-1803-UBND-KGVX": (
        "1803/UBND-KGVX Ngày 02/4/2025",
        "V/v hướng dẫn các cơ quan, địa phương chuẩn bị hạ tầng số, hệ thống quản lý văn "
        "bản và điều hành phục vụ sắp xếp đơn vị hành chính cấp xã",
        "Phòng Chuyển đổi số",
        "Văn bản hướng dẫn",
    ),
    "2025-1912-UBND-KTN": (
        "1912/UBND-KTN Ngày 08/4/2025",
        "V/v kiểm tra chất lượng sản phẩm, hàng hóa (mũ bảo hiểm cho người đi mô tô, xe "
        "máy; đồ chơi trẻ em) lưu thông trên thị trường",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Báo cáo kết quả kiểm tra",
    ),
    "2025-1937-UBND-KGVX": (
        "1937/UBND-KGVX Ngày 09/4/2025",
        "V/v tổ chức Cuộc thi Khởi nghiệp đổi mới sáng tạo tỉnh Bắc Giang năm 2025",
        "Phòng Quản lý công nghệ và Đổi mới sáng tạo",
        "Tổ chức Cuộc thi",
    ),
    "2025-1961-UBND-KGVX": (
        "1961/UBND-KGVX Ngày 10/4/2025",
        "V/v báo cáo kết quả thực hiện Chương trình phát triển tài sản trí tuệ tỉnh Bắc "
        "Giang giai đoạn 2021 - 2025, đề xuất nội dung giai đoạn 2026 - 2030",
        "Phòng Quản lý khoa học",
        "Báo cáo UBND tỉnh",
    ),
    "2025-2031-UBND-KTN": (
        "2031/UBND-KTN Ngày 14/4/2025",
        "V/v thẩm định công nghệ dự án Nhà máy sản xuất thiết bị âm thanh thông minh tại "
        "Khu công nghiệp Vân Trung",
        "Phòng Quản lý công nghệ và Đổi mới sáng tạo",
        "Ý kiến thẩm định công nghệ",
    ),
    "2025-2051-UBND-NC": (
        "2051/UBND-NC Ngày 15/4/2025",
        "V/v phối hợp Thanh tra tỉnh thanh tra việc quản lý, sử dụng kinh phí sự nghiệp "
        "khoa học và công nghệ giai đoạn 2022 - 2024",
        "Thanh tra Sở",
        "Kết luận thanh tra",
    ),
    "2025-2080-UBND-KTN": (
        "2080/UBND-KTN Ngày 16/4/2025",
        "V/v góp ý dự thảo Luật sửa đổi, bổ sung một số điều của Luật Tiêu chuẩn và Quy "
        "chuẩn kỹ thuật",
        "Chi cục Tiêu chuẩn Đo lường Chất lượng",
        "Văn bản góp ý gửi Bộ Khoa học và Công nghệ",
    ),
    "2025-2306-UBND-TH": (
        "2306/UBND-TH Ngày 28/4/2025",
        "V/v xây dựng phương án sắp xếp tổ chức bộ máy, biên chế, trụ sở làm việc của Sở "
        "Khoa học và Công nghệ khi hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh",
        "Văn phòng Sở",
        "Phương án trình UBND tỉnh",
    ),
    "2025-2447-UBND-KGVX": (
        "2447/UBND-KGVX Ngày 06/5/2025",
        "V/v xây dựng phương án kết nối, hợp nhất mạng truyền số liệu chuyên dùng của các"
        " cơ quan Đảng, Nhà nước tỉnh Bắc Giang và tỉnh Bắc Ninh",
        "Phòng Bưu chính, Viễn thông",
        "Phương án kỹ thuật trình UBND tỉnh",
    ),
    "2025-2756-UBND-KGVX": (
        "2756/UBND-KGVX Ngày 20/5/2025",
        "V/v tham mưu tổ chức Hội nghị tổng kết Chương trình phát triển tài sản trí tuệ "
        "tỉnh Bắc Giang giai đoạn 2021 - 2025",
        "Phòng Quản lý khoa học",
        "Kế hoạch tổ chức Hội nghị",
    ),
}

ADJUSTED = ("30/4/2025 (điều chỉnh theo Văn bản số 1618/UBND-KTN ngày 25/3/2025, hạn cũ "
            "Quý II/2025)")  # Quý II/2025 moved earlier on 25/3/2025: in force at the cut-off
EXTENDED = "30/6/2025 (gia hạn, hạn cũ Quý I/2025)"  # Quý I/2025 extended on 28/3/2025
IN_TIME, OVERDUE = "Đang thực hiện trong hạn", "Đang thực hiện quá hạn"
ON_TIME, LATE, UNDATED = "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Hoàn thành (không rõ ngày)"
NOT_STARTED = "Chưa thực hiện"

#: Phụ lục I (select: period, group: topic, numbering: continuous): per task (id, Thời hạn,
#: Tình trạng, Kết quả thực hiện). Kết quả: the result of a finished task, else the latest
#: progress note dated by 15/5/2025.
APPENDIX_I: list[tuple[str, str, list[tuple[str, str, str, str]]]] = [
    ("I", "LĨNH VỰC QUẢN LÝ KHOA HỌC, SỞ HỮU TRÍ TUỆ", [
        ("2024-5630-UBND-KGVX", EXTENDED, IN_TIME,
         "Đã tiếp thu ý kiến thẩm định của Sở Tư pháp (Báo cáo số 86/BC-STP ngày 08/5/2025), "
         "đang hoàn thiện hồ sơ trình UBND tỉnh."),
        ("2025-21-KH-UBND", "18/5/2025", IN_TIME,
         "Đã tổ chức tọa đàm hưởng ứng Ngày Sở hữu trí tuệ thế giới ngày 25/4/2025; đang chuẩn "
         "bị Lễ kỷ niệm Ngày Khoa học và Công nghệ Việt Nam."),
        # the note of 30/5/2025 is after the cut-off: the one of 14/5/2025 is shown
        ("2025-245-QĐ-UBND", "Tháng 5/2025", IN_TIME,
         "Đã tổ chức 09/14 Hội đồng tư vấn; dự kiến hoàn thành trong tháng 5/2025."),
        ("2025-1756-UBND-KGVX", "Tháng 4/2025", NOT_STARTED, ""),
        # "Trước ngày 12/5/2025": due 11/5; done on 12/5 is late
        ("2025-1961-UBND-KGVX", "Trước ngày 12/5/2025", LATE,
         "Báo cáo số 121/BC-KHCN ngày 12/5/2025"),
    ]),
    ("II", "LĨNH VỰC QUẢN LÝ CÔNG NGHỆ, ĐỔI MỚI SÁNG TẠO, TIÊU CHUẨN ĐO LƯỜNG CHẤT LƯỢNG", [
        ("2024-4215-UBND-KGVX", "Giai đoạn 2024 - 2025", IN_TIME,
         "Đang thẩm định hồ sơ đề nghị chứng nhận của 02 doanh nghiệp; lũy kế giai đoạn 10/15 "
         "doanh nghiệp."),
        ("2024-6815-UBND-KTN", "Không quy định", IN_TIME,
         "Đã phối hợp Ban Quản lý các khu công nghiệp tỉnh kiểm tra 03 doanh nghiệp tại Khu "
         "công nghiệp Quang Châu, Vân Trung."),
        # done by 14/5/2025 (day unknown), within 30/6/2025: certainly on time
        ("2025-335-UBND-KTN", "6 tháng đầu năm 2025", ON_TIME,
         "Đã cấp tem truy xuất nguồn gốc điện tử cho 45 mã số vùng trồng vải thiều"),
        ("2025-781-UBND-KTN", ADJUSTED, ON_TIME, "Báo cáo số 98/BC-KHCN ngày 28/4/2025"),
        # done by 15/5/2025 (day unknown), after 30/4/2025: on time or late is unknown
        ("2025-1352-UBND-KTN", "Trong tháng 4/2025", UNDATED,
         "Đã kiểm tra 12 cơ sở, báo cáo UBND tỉnh"),
        ("2025-1912-UBND-KTN", "30/4/2025", OVERDUE,
         "Đã kiểm tra 20/20 cơ sở; 02 cơ sở kinh doanh mũ bảo hiểm không có dấu hợp quy đã "
         "được chuyển Thanh tra Sở xử lý; đang tổng hợp báo cáo."),
        ("2025-1937-UBND-KGVX", "", IN_TIME,  # no deadline written
         "Đã ban hành Thể lệ Cuộc thi; tiếp nhận 18 hồ sơ đăng ký dự thi."),
        ("2025-2031-UBND-KTN", "25/4/2025", ON_TIME, "Công văn số 571/KHCN-QLCN ngày 24/4/2025"),
        # due on the cut-off day itself: still in time
        ("2025-2080-UBND-KTN", "15/5/2025", IN_TIME,
         "Đã tổng hợp ý kiến của các sở, ngành; đang hoàn thiện văn bản góp ý trình lãnh đạo "
         "Sở ký."),
    ]),
    ("III", "LĨNH VỰC CHUYỂN ĐỔI SỐ, BƯU CHÍNH, VIỄN THÔNG", [
        ("2025-55-KH-UBND", "Năm 2025", IN_TIME,
         "Hoàn thành 09/38 nhiệm vụ; 100% cơ quan nhà nước cấp tỉnh sử dụng nền tảng họp trực "
         "tuyến của tỉnh."),
        ("2025-1295-UBND-KGVX", "Định kỳ 6 tháng, trước ngày 15/6 và 15/12", IN_TIME,
         "Đang tổng hợp số liệu của các sở, ngành, địa phương phục vụ báo cáo 6 tháng đầu năm "
         "2025."),
        ("2025-1486-UBND-KGVX", "Năm 2025 và những năm tiếp theo", IN_TIME,
         "Đã phối hợp tổ chức 12 lớp tập huấn kỹ năng số cho 1.150 lượt cán bộ, người dân."),
        ("2025-1803-UBND-KGVX", "Trước ngày 30/6/2025", IN_TIME,
         "Đã ban hành Công văn số 602/KHCN-CĐS ngày 28/4/2025 hướng dẫn rà soát hạ tầng; đang "
         "khảo sát hiện trạng tại các xã, phường dự kiến hình thành."),
        ("2025-2447-UBND-KGVX", "Quý III/2025", NOT_STARTED, ""),
    ]),
    ("IV", "THANH TRA, CẢI CÁCH HÀNH CHÍNH VÀ CÔNG TÁC KHÁC", [
        ("2025-748-UBND-NC", "x", IN_TIME,
         "Đã rà soát 27 văn bản; đề xuất bãi bỏ 03 văn bản không còn phù hợp sau khi hợp nhất "
         "Sở Thông tin và Truyền thông."),
        ("2025-1702-UBND-KSTT", "15/5/2025", ON_TIME, "Công văn số 688/KHCN-VP ngày 15/5/2025"),
        ("2025-2051-UBND-NC", "Chưa xác định", IN_TIME,
         "Đã cử 02 công chức tham gia Đoàn thanh tra theo Quyết định số 45/QĐ-TTr ngày "
         "05/5/2025 của Chánh Thanh tra tỉnh."),
        ("2025-2306-UBND-TH", "Cuối tháng 6/2025", IN_TIME,
         "Đã xây dựng dự thảo phương án, xin ý kiến Sở Khoa học và Công nghệ tỉnh Bắc Ninh."),
    ]),
]

#: Phụ lục II (select: due, group: status, numbering: per_group): the tasks whose deadline in
#: force on 15/5/2025 falls in 16/4-15/5/2025, per task (id, Thời hạn, Ngày hoàn thành, Tiến
#: độ, Kết quả xử lý, Ghi chú).
APPENDIX_II: list[tuple[str, str, list[tuple[str, str, str, str, str, str]]]] = [
    ("I", "ĐÃ THỰC HIỆN: 05 nhiệm vụ (đúng hạn: 03; quá hạn: 01; không rõ ngày: 01)", [
        ("2025-781-UBND-KTN", ADJUSTED, "28/4/2025", "Đúng hạn",
         "Báo cáo số 98/BC-KHCN ngày 28/4/2025", ""),
        ("2025-1352-UBND-KTN", "Trong tháng 4/2025", "Hoàn thành", "Không rõ",
         "Đã kiểm tra 12 cơ sở, báo cáo UBND tỉnh", ""),
        ("2025-1702-UBND-KSTT", "15/5/2025", "15/5/2025", "Đúng hạn",
         "Công văn số 688/KHCN-VP ngày 15/5/2025", ""),
        ("2025-1961-UBND-KGVX", "Trước ngày 12/5/2025", "12/5/2025", "Quá hạn",
         "Báo cáo số 121/BC-KHCN ngày 12/5/2025", "Chậm 01 ngày do chờ số liệu của các huyện"),
        ("2025-2031-UBND-KTN", "25/4/2025", "24/4/2025", "Đúng hạn",
         "Công văn số 571/KHCN-QLCN ngày 24/4/2025", ""),
    ]),
    ("II", "ĐANG THỰC HIỆN: 02 nhiệm vụ (trong hạn: 01; quá hạn: 01)", [
        ("2025-1912-UBND-KTN", "30/4/2025", "", "Quá hạn",
         "Đã kiểm tra 20/20 cơ sở; 02 cơ sở kinh doanh mũ bảo hiểm không có dấu hợp quy đã "
         "được chuyển Thanh tra Sở xử lý; đang tổng hợp báo cáo.", ""),
        ("2025-2080-UBND-KTN", "15/5/2025", "", "Chưa đến hạn",
         "Đã tổng hợp ý kiến của các sở, ngành; đang hoàn thiện văn bản góp ý trình lãnh đạo "
         "Sở ký.", ""),
    ]),
    ("III", "Chưa thực hiện: 01 nhiệm vụ", [
        ("2025-1756-UBND-KGVX", "Tháng 4/2025", "", "Quá hạn", "",
         "Chờ Bộ Khoa học và Công nghệ ban hành hướng dẫn kỹ thuật kết nối"),
    ]),
]

HEADERS_I = ["TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Đơn vị chủ trì", "Kết quả yêu cầu",
             "Thời hạn", "Tình trạng", "Kết quả thực hiện"]
HEADERS_II = ["TT", "Số/Ký hiệu VBCĐ", "Nội dung công việc", "Thời hạn", "Ngày hoàn thành",
              "Tiến độ", "Kết quả xử lý", "Ghi chú"]

#: The counts of Mục I, by hand from Phụ lục I: 23 tasks; done 6 (on time 4: 335, 781, 2031,
#: 1702; late 1: 1961; date unknown 1: 1352); open 15 (in time 14, overdue 1: 1912); not
#: started 2 (1756, 2447).
COUNTS = [
    "Tổng số nhiệm vụ theo dõi trong tháng 5/2025: 23 nhiệm vụ (chi tiết tại Phụ lục I), "
    "trong đó:",
    "- Đã hoàn thành: 06 nhiệm vụ (đúng hạn: 04; quá hạn: 01; đã hoàn thành nhưng chưa xác "
    "định được ngày hoàn thành: 01).",
    "- Đang thực hiện: 15 nhiệm vụ (trong hạn: 14; quá hạn: 01).",
    "- Chưa thực hiện: 02 nhiệm vụ.",
]
OPENING = ("Thực hiện Quyết định số 50/2024/QĐ-UBND ngày 31/12/2024 của UBND tỉnh ban hành Quy "
           "chế theo dõi, đôn đốc, kiểm tra việc thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND "
           "tỉnh giao trên địa bàn tỉnh Bắc Giang, Sở Khoa học và Công nghệ báo cáo kết quả công "
           "tác tháng 5/2025 (số liệu tính từ ngày 16/4/2025 đến ngày 15/5/2025) và nhiệm vụ "
           "công tác tháng 6/2025 như sau:")
PART_OPENING = ("Tháng 6/2025, Sở Khoa học và Công nghệ tập trung thực hiện các nhiệm vụ trọng "
                "tâm sau:")
KINH_GUI = "Kính gửi: Ủy ban nhân dân tỉnh Bắc Giang"
NOI_NHAN = ["Như trên;", "Bộ Khoa học và Công nghệ (b/c);", "Văn phòng Tỉnh ủy;",
            "Văn phòng UBND tỉnh;", "Sở Tài chính;", "Chi cục Thống kê tỉnh;", "Lãnh đạo Sở;",
            "Các phòng, đơn vị thuộc Sở;", "Lưu: VT, VP."]
LEAD_IN = "Kết quả kiểm định, thử nghiệm và kiểm tra hàng hóa nhập khẩu:"
#: Tasks of the register that no table of this report lists: the open tasks of 2023 (excluded
#: in index.md), a task completed on 17/01/2025 (before the period) and one assigned on
#: 20/5/2025 (after the cut-off).
NOT_LISTED = ["333/TB-UBND", "3797/UBND-KGVX", "1922/UBND-KGVX", "1950/UBND-KGVX",
              "2197/UBND-KGVX", "3040/UBND-KSTT", "25/KH-UBND", "30/KH-UBND", "31/KH-UBND",
              "3149/UBND-NC", "152/UBND-KGVX", "2756/UBND-KGVX"]


def expected_table(groups: list[Any], cells: Callable[..., list[str]]) -> list[list[str]]:
    """Rows of an appendix table: a group row [number, label], then its task rows; *cells*
    gives a task row's cells from its number and its hand-written tuple."""
    rows: list[list[str]] = []
    n = 0
    per_group = groups is APPENDIX_II
    for key, label, tasks in groups:
        rows.append([key, label])
        if per_group:
            n = 0
        for task in tasks:
            n += 1
            rows.append(cells(n, task))
    return rows


def _row_i(n: int, task: tuple[str, str, str, str]) -> list[str]:
    task_id, deadline, status, result = task
    document, content, unit, required = FACTS[task_id]
    return [str(n), document, content, unit, required, deadline, status, result]


def _row_ii(n: int, task: tuple[str, str, str, str, str, str]) -> list[str]:
    task_id, deadline, completed, progress, result, notes = task
    document, content, _, _ = FACTS[task_id]
    return [str(n), document, content, deadline, completed, progress, result, notes]


EXPECTED_I = expected_table(APPENDIX_I, _row_i)
EXPECTED_II = expected_table(APPENDIX_II, _row_ii)


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def test_the_expectations_add_up() -> None:
    """The hand-written tables agree with themselves: 23 tasks in Phụ lục I, numbered 1-23;
    Phụ lục II holds the 8 of them whose deadline in force falls in 16/4-15/5/2025."""
    ids_i = [t[0] for _, _, tasks in APPENDIX_I for t in tasks]
    ids_ii = [t[0] for _, _, tasks in APPENDIX_II for t in tasks]
    assert len(ids_i) == len(set(ids_i)) == 23
    assert set(ids_ii) <= set(ids_i) and len(ids_ii) == 8
    assert [r[0] for r in EXPECTED_I if len(r) > 2] == [str(i) for i in range(1, 24)]
    assert set(FACTS) - set(ids_i) == {"2025-152-UBND-KGVX", "2025-2756-UBND-KGVX"}


# --------------------------------------------------------------------------------------------
# The three outputs, built once


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--repo", str(ROOT), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def markdown() -> str:
    return _run("render", KEY)


@pytest.fixture(scope="module")
def docx_xml(tmp_path_factory: pytest.TempPathFactory) -> etree._Element:
    out = tmp_path_factory.mktemp("docx") / "bc.docx"
    _run("docx", KEY, "-o", str(out))
    with zipfile.ZipFile(out) as z:
        return etree.fromstring(z.read("word/document.xml"))


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> PdfReader:
    out = tmp_path_factory.mktemp("pdf") / "bc.pdf"
    _run("pdf", KEY, "-o", str(out))
    return PdfReader(out)


def _text(el: etree._Element) -> str:
    """The text of *el*, a line break as "\\n", a non-breaking hyphen (inside a document
    number, a date or a number range) as the "-" it stands for."""
    marks = {f"{{{W}}}br": "\n", f"{{{W}}}noBreakHyphen": "-"}
    return "".join(t.text or "" if t.tag == f"{{{W}}}t" else marks[t.tag]
                   for t in el.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}noBreakHyphen"))


def _style(el: etree._Element, path: str) -> str | None:
    found = el.find(path, NS)
    return found.get(f"{{{W}}}val") if found is not None else None


def _body(root: etree._Element) -> list[etree._Element]:
    return list(root.find("w:body", NS))


def _paragraphs(root: etree._Element) -> list[tuple[str | None, str]]:
    """(style, text) of the body's own paragraphs, in order (tables left out)."""
    return [(_style(c, "w:pPr/w:pStyle"), _text(c)) for c in _body(root)
            if c.tag == f"{{{W}}}p" and _text(c)]


# --------------------------------------------------------------------------------------------
# The appendices, cell by cell


def _markdown_tables(markdown: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Header and rows of each appendix table of the rendered Markdown, by heading."""
    out = {}
    for heading in ("Phụ lục I", "Phụ lục II"):
        part = markdown.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
        lines = [ln for ln in part.splitlines() if ln.startswith("|")]
        cells = [[c.strip() for c in ln.strip()[1:-1].split(" | ")] for ln in lines]
        assert re.fullmatch(r"[|\- :]+", lines[1])  # the header's separator
        rows = []
        for row in cells[2:]:
            if row[0].startswith("**"):  # a group row: bold number and label, other cells empty
                assert all(c == "" for c in row[2:]), row
                rows.append([row[0].strip("*"), row[1].strip("*")])
            else:
                rows.append(row)
        out[heading] = (cells[0], rows)
    return out


def test_markdown_appendices_cell_by_cell(markdown: str) -> None:
    tables = _markdown_tables(markdown)
    assert list(tables) == ["Phụ lục I", "Phụ lục II"]
    header, rows = tables["Phụ lục I"]
    assert header == HEADERS_I
    assert rows == EXPECTED_I
    header, rows = tables["Phụ lục II"]
    assert header == HEADERS_II
    assert rows == EXPECTED_II


def _docx_tables(root: etree._Element) -> list[list[list[str]]]:
    body = _body(root)
    tables = [c for c in body if c.tag == f"{{{W}}}tbl"]
    signature = [t for t in tables if _style(t, "w:tblPr/w:tblStyle") == "HeaderBlock"][-1]
    after = tables[tables.index(signature) + 1:]
    return [
        [["\n".join(_text(p) for p in tc.findall("w:p", NS)) for tc in tr.findall("w:tc", NS)]
         for tr in tbl.findall("w:tr", NS)]
        for tbl in after
    ]


def test_docx_appendices_cell_by_cell(docx_xml: etree._Element) -> None:
    tables = _docx_tables(docx_xml)
    assert len(tables) == 2
    assert tables[0][0] == HEADERS_I and tables[0][1:] == EXPECTED_I
    assert tables[1][0] == HEADERS_II and tables[1][1:] == EXPECTED_II
    headings = [t for s, t in _paragraphs(docx_xml) if s == "PhuLucTieuDe"]
    assert headings == ["Phụ lục I", "Phụ lục II"]


def _appendix_text(pdf: PdfReader) -> dict[str, str]:
    pages = [norm(p.extract_text()) for p in pdf.pages]
    starts = [i for i, t in enumerate(pages) if t.startswith("Phụ lục ")]
    assert len(starts) == 2 and pages[starts[1]].startswith("Phụ lục II ")
    return {"Phụ lục I": " ".join(pages[starts[0]:starts[1]]),
            "Phụ lục II": " ".join(pages[starts[1]:])}


def test_pdf_appendices_show_every_cell_in_order(pdf: PdfReader) -> None:
    """Each cell's text is in its appendix, rows in order (the PDF's text is read per line of
    each cell, so the cells are compared without white space)."""
    for heading, expected in (("Phụ lục I", EXPECTED_I), ("Phụ lục II", EXPECTED_II)):
        text = squash(_appendix_text(pdf)[heading])
        at = 0
        for row in expected:
            first = squash(row[1])  # the group label, or the document number and date
            found = text.find(first, at)
            assert found >= 0, (heading, row[1])
            at = found
            for cell in row[2:]:
                assert squash(cell) in text, (heading, row[1], cell)


def test_progress_after_the_cut_off_and_unlisted_tasks_are_nowhere(
        markdown: str, docx_xml: etree._Element, pdf: PdfReader) -> None:
    later = "Đã tổ chức đủ 14 Hội đồng tư vấn"  # note of 30/5/2025, after the cut-off
    pdf_text = squash(" ".join(p.extract_text() for p in pdf.pages))
    docx_text = _text(docx_xml)
    for text in (markdown, docx_text):
        assert later not in text
    assert squash(later) not in pdf_text
    for number in NOT_LISTED:
        assert not re.search(rf"(?<![\d/]){re.escape(number)}", markdown), number
        assert not re.search(rf"(?<![\d/]){re.escape(number)}", docx_text), number
        assert not re.search(rf"(?<![\d/]){re.escape(squash(number))}", pdf_text), number


# --------------------------------------------------------------------------------------------
# The body: counts, Kính gửi, openings, signature, Nơi nhận


def test_markdown_body(markdown: str) -> None:
    for line in COUNTS:
        assert f"\n{line}\n" in markdown, line
    assert markdown.index("# BÁO CÁO") < markdown.index(KINH_GUI) < markdown.index(OPENING) \
        < markdown.index("## Phần I KẾT QUẢ CÔNG TÁC THÁNG 5/2025") \
        < markdown.index("### I. Thực hiện nhiệm vụ do UBND tỉnh, Chủ tịch UBND tỉnh giao")
    assert ("## Phần II NHIỆM VỤ CÔNG TÁC THÁNG 6/2025\n\n" + PART_OPENING + "\n\n"
            "#### 1. Hoạt động khoa học, công nghệ và đổi mới sáng tạo") in markdown
    noi_nhan = markdown.split("**Nơi nhận:**\n\n", 1)[1].split("\n\n", 1)[0]
    assert noi_nhan.splitlines() == [f"- {x}" for x in NOI_NHAN]
    assert "**GIÁM ĐỐC**\n\n**Đặng Văn Quân**" in markdown and "KT. GIÁM ĐỐC" not in markdown
    assert "họp giao ban định kỳ tháng 6/2025./.\n" in markdown
    # the body table of III.3 and its three footnotes
    assert (LEAD_IN + "\n\n| Nội dung | Tháng 5/2025 | Lũy kế năm 2025 | Kế hoạch năm 2025 | "
            "Tỷ lệ so với kế hoạch |") in markdown
    assert "| Kiểm định phương tiện đo (phương tiện) | 1.126 | 4.382 | 10.000 | 43,8% |" in markdown
    assert re.findall(r"^\[\^(\d+)\]: ", markdown, re.MULTILINE) == ["1", "2", "3"]
    # its two figures (issue 17; tests/test_images.py checks them in the DOCX, PDF and site)
    assert ("\n\n![Hình 1. Kết quả kiểm định, thử nghiệm lũy kế so với kế hoạch năm 2025]"
            "(hinh/ke-hoach-kiem-dinh.png){width=80%}\n\n") in markdown
    assert ("tăng đều qua các tháng:\n\n![Hình 2. Tỷ lệ hồ sơ thủ tục hành chính trực tuyến "
            "toàn trình, tháng 1 đến tháng 5/2025](hinh/ty-le-ho-so-truc-tuyen.svg){width=75%}\n"
            ) in markdown


def test_docx_body(docx_xml: etree._Element) -> None:
    paras = _paragraphs(docx_xml)
    texts = [t for _, t in paras]
    i = texts.index("Kết quả công tác tháng 5/2025, nhiệm vụ công tác tháng 6/2025")
    assert texts[i + 1] == KINH_GUI  # Kính gửi under the trích yếu, then the opening
    assert texts[i + 2] == OPENING and paras[i + 2][0] in ("FirstParagraph", "BodyText")
    assert texts[i + 3] == "Phần I\nKẾT QUẢ CÔNG TÁC THÁNG 5/2025"
    # a Mục title is stored in capitals, as Nghị định 30 prints it (navigation shows it so),
    # broken after the comma (balanced lines, issue 17 Build 5)
    assert texts[i + 4] == "I. THỰC HIỆN NHIỆM VỤ DO UBND TỈNH,\nCHỦ TỊCH UBND TỈNH GIAO"
    j = texts.index("Phần II\nNHIỆM VỤ CÔNG TÁC THÁNG 6/2025")
    assert texts[j + 1] == PART_OPENING and paras[j + 1][0] in ("FirstParagraph", "BodyText")
    assert texts[j + 2] == "1. Hoạt động khoa học, công nghệ và đổi mới sáng tạo"
    for line in COUNTS:
        assert line in texts, line
    everywhere = [(_style(p, "w:pPr/w:pStyle"), _text(p)) for p in docx_xml.iter(f"{{{W}}}p")]
    assert [t for s, t in everywhere if s == "NoiNhan"] == [f"- {x}" for x in NOI_NHAN]
    signature = [t for s, t in everywhere if s in ("ChucVu", "HoTen")]
    assert signature == ["GIÁM ĐỐC", "Đặng Văn Quân"]
    # the lead-in of the body table stays with it (keepNext) and the table follows it
    body = _body(docx_xml)
    lead = next(c for c in body if c.tag == f"{{{W}}}p" and _text(c) == LEAD_IN)
    assert lead.find("w:pPr/w:keepNext", NS) is not None
    table = lead.getnext()
    assert table.tag == f"{{{W}}}tbl" and _style(table, "w:tblPr/w:tblStyle") == "Table"
    assert _text(table).startswith("Nội dungTháng 5/2025Lũy kế năm 2025")
    # Hình 1 under the table, then its caption
    figure = table.getnext()
    assert _style(figure, "w:pPr/w:pStyle") == "CaptionedFigure"
    assert figure.find(".//w:drawing", NS) is not None
    assert _text(figure.getnext()) == ("Hình 1. Kết quả kiểm định, thử nghiệm lũy kế so với kế "
                                       "hoạch năm 2025")


def test_pdf_body(pdf: PdfReader) -> None:
    page1 = norm(pdf.pages[0].extract_text())
    assert page1.index("BÁO CÁO") < page1.index(KINH_GUI) < page1.index(OPENING) \
        < page1.index("Phần I")
    full = norm(" ".join(p.extract_text() for p in pdf.pages))
    for line in COUNTS:
        assert line in full, line
    assert "Phần II NHIỆM VỤ CÔNG TÁC THÁNG 6/2025 " + PART_OPENING + \
        " 1. Hoạt động khoa học, công nghệ và đổi mới sáng tạo" in full
    assert "Nơi nhận: - Như trên; - Bộ Khoa học và Công nghệ (b/c);" in full \
        or ("Nơi nhận:" in full and "- Như trên; - Bộ Khoa học và Công nghệ (b/c);" in full)
    assert full.count("Như trên") == 1
    assert "GIÁM ĐỐC" in full and "Đặng Văn Quân" in full and "KT. GIÁM ĐỐC" not in full
    # the body table starts on the page of its lead-in
    lead_page = next(i for i, p in enumerate(pdf.pages) if LEAD_IN in norm(p.extract_text()))
    assert "Kiểm định phương tiện đo" in norm(pdf.pages[lead_page].extract_text())


# --------------------------------------------------------------------------------------------
# The September 2023 report is not touched by the 2024-2025 tasks


def test_september_2023_lists_no_task_of_2024_or_2025() -> None:
    september = _run("render", "2023-09")
    table = september.split("\n## Phụ lục\n", 1)[1]
    assert len(re.findall(r"^\| \d+ \|", table, re.MULTILINE)) == 14
    for document, _, _, _ in FACTS.values():
        assert document.split(" Ngày ")[0] not in september, document
