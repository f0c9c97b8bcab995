"""Problems found in content: one type for every stage, with file, line, column and a code.

`check` and `build` collect all problems first and print them sorted, so a person sees every
mistake in one run (DESIGN decision 8). Codes are stable: E… are errors (exit 1), W… warnings.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from .errors import ContentError as ContentError  # defined with the hierarchy; imported here too


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one place. ``path`` is relative to the content repository, '/'-separated."""

    path: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return Severity.ERROR if self.code.startswith("E") else Severity.WARNING

    def format(self) -> str:
        """``path:line:col: CODE: message``, the form editors and CI logs understand: one line,
        whatever the message quotes (a line break in quoted content is shown as a space)."""
        message = " ".join(self.message.splitlines())
        return f"{self.path}:{self.line}:{self.col}: {self.code}: {message}"


# Stable codes. Keep messages Vietnamese; add new codes at the end of a block.
CODES: dict[str, str] = {
    # files and syntax
    "E101": "lỗi cú pháp YAML",
    "E102": "tệp không đọc được",
    "E103": "thiếu phần thông tin đầu tệp (front matter)",
    "E104": "thiếu tệp bắt buộc",
    "E105": "tệp không phải văn bản UTF-8",
    "E106": "văn bản gõ bằng bảng mã cũ (TCVN3/ABC, VNI)",
    "E107": "ký tự điều khiển hướng chữ (bidi) vô hình",
    "E108": "tệp hoặc thư mục là liên kết tượng trưng (symbolic link) hoặc tệp đặc biệt",
    # schema
    "E201": "thiếu trường bắt buộc",
    "E202": "sai kiểu dữ liệu",
    "E203": "giá trị không hợp lệ",
    "W201": "trường không được hỗ trợ (bị bỏ qua)",
    # dates
    "E301": "ngày không hợp lệ",
    "E302": "thời hạn không đọc được",
    "E303": "ngày mâu thuẫn",
    "W301": "ngày đáng ngờ",
    # tasks
    "E401": "trùng mã nhiệm vụ",
    "E402": "nhiệm vụ không tồn tại",
    "W401": "nhiệm vụ trùng lặp nội dung",
    "W402": "mã nhiệm vụ hoặc số văn bản trông giống hệt một mã, số khác (ký tự nhìn giống nhau)",
    # report structure and body
    "E501": "chỗ điền số liệu không hợp lệ",
    "E502": "cấu trúc báo cáo không hợp lệ",
    "E503": "nội dung không được phép",
    "W501": "mục liệt kê lặp lại",
    "W502": "văn bản chưa chuẩn hóa Unicode (NFC)",
    "E504": "liên kết hoặc ảnh không được phép",
    "W503": "ký tự không có trong phông chữ của văn bản",
    "E505": "chú thích không khớp (không được dẫn, dẫn mà chưa viết, viết hai lần)",
    "E506": "khối mã hoặc đề mục trong nội dung mục",
    "E507": "nội dung không đọc được (chuỗi ký tự [ < ` bất thường)",
    "E508": "tệp ảnh không dùng được (không có, ngoài thư mục báo cáo, không phải PNG/JPEG/SVG, quá lớn)",
    "E509": "ảnh SVG có mã lệnh, nội dung nhúng hoặc dẫn ra ngoài",
    "W513": "số hình ghi trong chú thích không theo thứ tự của hình trong báo cáo",
    "E510": "ảnh viết sai cách (không đứng riêng một đoạn, thiếu chú thích, thuộc tính khác width)",
    # the report's own shape (issue 16): signature forms, Kính gửi, Nơi nhận
    "E511": "quyền hạn ký không đúng Nghị định 30 (TM., KT., TL., TUQ., Q.)",
    "W511": "dòng \"Như trên\" ở Nơi nhận do công cụ tự thêm",
    "W512": "dấu câu ở dòng Kính gửi do công cụ tự thêm",
    # issued reports (commands/issue.py)
    "E601": "báo cáo đã ban hành bị thay đổi",
    "E602": "hồ sơ ban hành (ban-hanh.json) và index.md không khớp, hoặc hồ sơ không đọc được",
    "W601": "báo cáo đã ban hành chưa được khóa",
    "W602": "văn bản đã ban hành sẽ khác do mẫu hoặc công cụ thay đổi",
    # site settings (mkdocs.yml, baocao.settings)
    "E701": "cấu hình trang web không được phép (mã, tệp khác, máy chủ ngoài)",
}


@dataclass
class Problems:
    """Collector passed through loading and validation."""

    items: list[Problem] = field(default_factory=list)

    def add(self, path: str, line: int, col: int, code: str, message: str) -> None:
        if code not in CODES:  # a programming error, not a content error
            raise KeyError(f"unknown problem code {code}")
        self.items.append(Problem(path, max(line, 1), max(col, 1), code, message))

    def extend(self, other: Iterable[Problem]) -> None:
        self.items.extend(other)

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.sorted() if p.severity is Severity.WARNING]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self.items)


