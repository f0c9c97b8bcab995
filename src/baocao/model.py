"""The content model: one schema class per input kind, and the validated domain objects.

Schema classes (pydantic, ``*Meta``/``*Entry``/``*File``) describe what editors write, with a
Vietnamese description per field; the same classes generate the JSON Schemas that editors use
for completion. Domain classes (frozen dataclasses) are what the rest of the pipeline reads:
they carry parsed dates and deadlines and the file:line of where each came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from .deadlines import Deadline, parse_deadline
from .images import ImageFile
from .months import check_year
from .vietnamese import format_date_short, parse_date

# --------------------------------------------------------------------------------------------
# Field types


@dataclass(frozen=True)
class TypedDate:
    """A date together with the text the editor typed ("09/8/2023"), kept for display."""

    value: date
    text: str


def _any_typed_date(value: Any) -> TypedDate:
    if isinstance(value, TypedDate):
        return value
    d = parse_date(value)
    text = format_date_short(d) if isinstance(value, date) else " ".join(str(value).split())
    return TypedDate(d, text)


def _typed_date(value: Any) -> TypedDate:
    typed = _any_typed_date(value)
    check_year(typed.value.year, typed.text)
    return typed


_DATE_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": r"^\d{1,2}/\d{1,2}/\d{4}$"},
    ],
}

#: A date of a report or a task as people type it (18/8/2023, 2023-08-18), in the years
#: reports are written for (months.FIRST_YEAR … LAST_YEAR).
DateField = Annotated[TypedDate, BeforeValidator(_typed_date), WithJsonSchema(_DATE_SCHEMA)]
#: A date of any year: when an agency's name took effect may be long before its first report.
AnyDateField = Annotated[TypedDate, BeforeValidator(_any_typed_date), WithJsonSchema(_DATE_SCHEMA)]


def _deadline(value: Any) -> Deadline:
    return value if isinstance(value, Deadline) else parse_deadline(value)


#: A deadline as written in task tables ("18/8/2023", "Quý II/2025", "Thường xuyên", …).
DeadlineField = Annotated[
    Deadline,
    BeforeValidator(_deadline),
    WithJsonSchema({"type": ["string", "integer", "null"]}),
]


#: Longest document number the clerk gives (7 digits): a longer one is a typing slip, and it
#: would run off the line "Số: …/BC-KHCN" of the DOCX and PDF.
MAX_NUMBER_DIGITS = 7


def number_problem(number: int) -> str | None:
    """Why *number* cannot be a document number (Vietnamese), or None when it can."""
    if number < 1:
        return "số văn bản phải là số nguyên dương"
    if number >= 10 ** MAX_NUMBER_DIGITS:
        return (f"số văn bản quá dài ({len(str(number))} chữ số; tối đa {MAX_NUMBER_DIGITS} "
                "chữ số)")
    return None


def _document_number(value: int) -> int:
    why = number_problem(value)
    if why is not None:
        raise ValueError(why)
    return value


#: The number a clerk gives a document: 1 … 9 999 999.
NumberField = Annotated[int, AfterValidator(_document_number), WithJsonSchema(
    {"type": "integer", "minimum": 1, "maximum": 10 ** MAX_NUMBER_DIGITS - 1})]


class _Schema(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


# --------------------------------------------------------------------------------------------
# organization.yaml


class OrgPeriodEntry(_Schema):
    """The agency's identity from a date on (names change, e.g. the 2025 merger of provinces)."""

    valid_from: AnyDateField = Field(
        alias="from", description="Ngày bắt đầu áp dụng các tên gọi dưới đây (ví dụ 2025-07-01)."
    )
    parent: str = Field(
        description="Tên cơ quan chủ quản, chữ in hoa (ví dụ: UBND TỈNH BẮC GIANG)."
    )
    name: str = Field(description="Tên cơ quan ban hành (ví dụ: Sở Khoa học và Công nghệ).")
    place: str = Field(description="Địa danh ghi trên văn bản (ví dụ: Bắc Giang).")
    symbol: str = Field(description="Chữ viết tắt tên cơ quan trong ký hiệu văn bản (ví dụ: KHCN).")
    head_title: str = Field(
        default="GIÁM ĐỐC", description="Chức danh người đứng đầu cơ quan (ví dụ: GIÁM ĐỐC)."
    )


#: The engine's status values: the keys of ``status_labels`` (directives.Status values; kept
#: here so that the schema and the loader need not import the engine).
STATUS_KEYS = (
    "hoan-thanh-dung-han", "hoan-thanh-qua-han", "hoan-thanh-khong-ro-ngay",
    "dang-thuc-hien-trong-han", "dang-thuc-hien-qua-han", "chua-thuc-hien",
)


class OrganizationFile(_Schema):
    """organization.yaml: the agency's identity over time, and its reporting vocabulary."""

    periods: list[OrgPeriodEntry] = Field(
        min_length=1, description="Các giai đoạn tên gọi, theo thứ tự thời gian."
    )
    status_labels: dict[str, str] = Field(
        default_factory=dict,
        description="Cách cơ quan ghi tình trạng nhiệm vụ (cột \"Tình trạng\" của phụ lục, nhãn "
        "trên trang web): khóa là tình trạng do công cụ tính (" + ", ".join(STATUS_KEYS) + "), "
        "giá trị là chữ in ra, ví dụ hoan-thanh-qua-han: \"Hoàn thành\". Không ghi: dùng tên "
        "tình trạng của công cụ.",
        json_schema_extra={"propertyNames": {"enum": list(STATUS_KEYS)},
                           "additionalProperties": {"type": "string", "minLength": 1}},
    )


# --------------------------------------------------------------------------------------------
# directives.yaml


class ExtensionEntry(_Schema):
    """An approved extension (gia hạn) of a task's deadline."""

    deadline: DeadlineField = Field(description="Thời hạn mới sau khi gia hạn.")
    approved: DateField = Field(description="Ngày văn bản cho phép gia hạn.")
    document: str | None = Field(default=None, description="Số/ký hiệu văn bản cho phép gia hạn.")


class AdjustmentEntry(_Schema):
    """A deadline changed by a later document (điều chỉnh), earlier or later: not an extension."""

    deadline: DeadlineField = Field(description="Thời hạn mới sau khi điều chỉnh.")
    date: DateField = Field(description="Ngày của văn bản điều chỉnh thời hạn.")
    document: str | None = Field(
        default=None, description="Số/ký hiệu văn bản điều chỉnh (ví dụ: 1021/UBND-KTN).")


#: Text that must say something: blanks around it are dropped, nothing left is an error.
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class ProgressEntry(_Schema):
    """A dated progress note of an open task: the history is kept, never rewritten."""

    date: DateField = Field(description="Ngày ghi nhận tình hình (ví dụ ngày chốt của báo cáo).")
    text: NonBlank = Field(description="Tình hình thực hiện đến ngày đó (kết quả hiện nay).")
def _topic_key(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class TaskEntry(_Schema):
    """One task assigned by UBND tỉnh / Chủ tịch UBND tỉnh (facts only; status is computed)."""

    id: str = Field(
        pattern=r"^[A-Za-z0-9À-ỹĐđ][A-Za-z0-9À-ỹĐđ._/-]*$",
        description="Mã nhiệm vụ, không trùng, không đổi (ví dụ: 2023-4502-UBND-KGVX).",
    )
    document: str = Field(description="Số/ký hiệu văn bản chỉ đạo (ví dụ: 4502/UBND-KGVX).")
    issued: DateField = Field(description="Ngày của văn bản chỉ đạo, cũng là ngày giao nhiệm vụ.")
    summary: str = Field(min_length=1, description="Nội dung công việc được giao.")
    deadline: DeadlineField = Field(
        default=parse_deadline(None),
        description="Thời hạn: ngày (18/8/2023), tháng (Tháng 5/2025), quý (Quý II/2025), năm "
        "(2025), \"Thường xuyên\", \"Hằng năm\", hoặc bỏ trống nếu không có hạn.",
    )
    completed: DateField | None = Field(default=None, description="Ngày hoàn thành (nếu đã xong).")
    completed_by: DateField | None = Field(
        default=None,
        description="Đã hoàn thành nhưng không rõ ngày: ngày muộn nhất chắc chắn đã xong (ví dụ "
        "ngày chốt của báo cáo ghi \"Hoàn thành\"). Không ghi cùng completed.",
    )
    result: str = Field(
        default="", description="Kết quả xử lý (ví dụ: Công văn số 1036/KHCN-QLCN Ngày 17/8/2023)."
    )
    unit: str | None = Field(default=None, description="Đơn vị chủ trì thực hiện trong Sở.")
    topic: Annotated[str, BeforeValidator(_topic_key)] | None = Field(
        default=None, description="Nhóm lĩnh vực của nhiệm vụ (khóa nhóm của phụ lục, ví dụ: II).")
    required_result: str | None = Field(
        default=None, description="Kết quả yêu cầu (ví dụ: Báo cáo UBND tỉnh).")
    adjustments: list[AdjustmentEntry] = Field(
        default_factory=list,
        description="Các lần điều chỉnh thời hạn bằng văn bản sau (sớm hơn hoặc muộn hơn; không "
        "phải gia hạn).",
    )
    extensions: list[ExtensionEntry] = Field(
        default_factory=list, description="Các lần gia hạn đã được chấp thuận."
    )
    progress: list[ProgressEntry] = Field(
        default_factory=list,
        description="Tình hình thực hiện theo ngày, cũ trước mới sau; chỉ thêm, không sửa.",
    )
    not_started: bool = Field(
        default=False, description="true nếu nhiệm vụ chưa được triển khai (chưa thực hiện)."
    )
    started: DateField | None = Field(
        default=None, description="Ngày bắt đầu thực hiện (khi trước đó ghi chưa thực hiện)."
    )
    notes: str | None = Field(default=None, description="Ghi chú.")


class DirectivesFile(_Schema):
    """directives.yaml: the register of assigned tasks."""

    tasks: list[dict[str, Any]] = Field(
        default_factory=list, description="Danh sách nhiệm vụ (mỗi mục theo mẫu TaskEntry)."
    )


# --------------------------------------------------------------------------------------------
# content/<yyyy>/<mm>/index.md and section files


class SignerMeta(_Schema):
    """Who signs: quyền hạn (TM., KT., TL., TUQ., Q., Nghị định 30 R36-R38), chức vụ and name."""

    authority: str | list[str] = Field(
        default="",
        description="Quyền hạn ký: \"TM. <tập thể>\", \"KT. <chức vụ>\", \"TL. <chức vụ>\", "
        "\"TUQ. <chức vụ>\", \"Q. <chức vụ>\", hoặc \"\" (chỉ ghi chức vụ người ký); có thể là "
        "danh sách hai dòng, ví dụ [\"TM. ỦY BAN NHÂN DÂN\", \"KT. CHỦ TỊCH\"].",
    )
    position: str = Field(
        default="",
        description="Chức vụ người ký, ví dụ: PHÓ GIÁM ĐỐC (để trống khi ký \"Q. <chức vụ>\").",
    )
    name: str = Field(description="Họ và tên người ký (không ghi học hàm, học vị).")

    @property
    def authority_lines(self) -> tuple[str, ...]:
        """The authority as printed, one string per line (none for the title alone)."""
        lines = [self.authority] if isinstance(self.authority, str) else list(self.authority)
        return tuple(line for line in lines if line.strip())


class PartMeta(_Schema):
    """A Phần of the report."""

    number: str = Field(description="Số La Mã của Phần: I, II, …")
    title: str = Field(description="Tên Phần, chữ in hoa.")
    headings: dict[str, str] = Field(
        default_factory=dict,
        description="Tên các Mục chứa nhiều tệp khoản, ví dụ {III: \"Hoạt động KH&CN\"}.",
    )


class TaskSelectionMeta(_Schema):
    """Adjustments to the tasks a report lists."""

    include: list[str] = Field(
        default_factory=list, description="Mã nhiệm vụ đưa thêm vào phụ lục của báo cáo này."
    )
    exclude: list[str] = Field(
        default_factory=list, description="Mã nhiệm vụ không đưa vào phụ lục của báo cáo này."
    )


_NHU_TREN = re.compile(r"(?i)-?\s*như\s+trên\s*[;.,]?")


def addressee_text(name: str) -> str:
    """An addressee as printed, without the dash and punctuation an editor may have typed."""
    return " ".join(name.strip().lstrip("-").strip().rstrip(";.,:").split())


def is_nhu_tren(recipient: str) -> bool:
    """True for a Nơi nhận line "Như trên;" (the tool adds it when there is a Kính gửi)."""
    return _NHU_TREN.fullmatch(recipient.strip()) is not None


class ReportMeta(_Schema):
    """Front matter of content/<yyyy>/<mm>/index.md: the facts of one monthly report."""

    title: str = Field(description="Trích yếu nội dung báo cáo.")
    status: Literal["draft", "issued"] = Field(
        default="draft", description="draft (dự thảo) hoặc issued (đã ban hành)."
    )
    number: NumberField | None = Field(default=None, description="Số văn bản do văn thư cấp.")
    date: DateField | None = Field(default=None, description="Ngày ban hành.")
    cutoff: DateField = Field(description="Ngày chốt số liệu nhiệm vụ của kỳ báo cáo.")
    period_start: DateField | None = Field(
        default=None,
        description="Ngày đầu kỳ báo cáo (mặc định: ngày sau ngày chốt của báo cáo trước).",
    )
    parts: list[PartMeta] = Field(min_length=1, description="Các Phần của báo cáo.")
    signer: SignerMeta = Field(description="Người ký.")
    addressees: list[str] = Field(
        default_factory=list,
        description="Kính gửi (báo cáo gửi cấp trên, Nghị định 30 R25): mỗi dòng một cơ quan, "
        "không gõ dấu ; hoặc . cuối dòng; khi có, Nơi nhận tự bắt đầu bằng \"- Như trên;\".",
    )
    recipients: list[str] = Field(
        min_length=1, description="Nơi nhận, mỗi dòng một nơi; dòng cuối là \"Lưu: VT, ….\"."
    )
    tasks: TaskSelectionMeta = Field(
        default_factory=TaskSelectionMeta, description="Điều chỉnh danh sách nhiệm vụ."
    )
    fingerprint: str | None = Field(
        default=None, description="Dấu vân tay nội dung khi ban hành (do lệnh baocao issue ghi)."
    )

    @property
    def addressee_items(self) -> tuple[str, ...]:
        """Kính gửi (R25) without the dashes: one name alone; several names each ending with
        ";", the last with "."."""
        names = [addressee_text(a) for a in self.addressees if addressee_text(a)]
        if len(names) <= 1:
            return tuple(names)
        return tuple(f"{n};" for n in names[:-1]) + (f"{names[-1]}.",)

    @property
    def addressee_lines(self) -> tuple[str, ...]:
        """Kính gửi as printed (R25): one name alone; several as "- name;" lines, the last
        ending with "."."""
        items = self.addressee_items
        return items if len(items) <= 1 else tuple(f"- {item}" for item in items)

    @property
    def printed_recipients(self) -> tuple[str, ...]:
        """Nơi nhận as printed: "Như trên;" first when there is a Kính gửi (R25), never twice."""
        if not self.addressee_lines:
            return tuple(self.recipients)
        return ("Như trên;", *(r for r in self.recipients if not is_nhu_tren(r)))


#: Column keys of an appendix table, with their default header and relative width (the widths
#: of the seven default columns are the shipped report's; a table's widths are scaled to the
#: page width, so only their ratios matter).
APPENDIX_COLUMNS: dict[str, tuple[str, int]] = {
    "tt": ("TT", 4),
    "van_ban": ("Số/Ký hiệu VBCĐ", 17),
    "noi_dung": ("Nội dung công việc", 32),
    "don_vi": ("Đơn vị chủ trì", 12),
    "thoi_han": ("Thời hạn", 10),
    "ngay_hoan_thanh": ("Ngày hoàn thành", 10),
    "tien_do": ("Tiến độ", 12),
    "tinh_trang": ("Tình trạng", 11),
    "ket_qua": ("Kết quả xử lý", 15),
    "ket_qua_yeu_cau": ("Kết quả yêu cầu", 14),
    "ghi_chu": ("Ghi chú", 10),
}
#: The appendix of the shipped reports: today's seven columns.
DEFAULT_APPENDIX_COLUMNS = (
    "tt", "van_ban", "noi_dung", "thoi_han", "ngay_hoan_thanh", "tien_do", "ket_qua",
)


#: Bounds of a declared column width (percent of the table's width).
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 3, 60


class ColumnEntry(_Schema):
    """An appendix column with its own header text and/or width."""

    key: str = Field(description="Mã cột: " + ", ".join(APPENDIX_COLUMNS) + ".",
                     json_schema_extra={"enum": list(APPENDIX_COLUMNS)})
    title: str | None = Field(
        default=None, min_length=1,
        description="Tiêu đề cột in trong bảng (bỏ trống: tiêu đề mặc định của cột).")
    width: int | None = Field(
        default=None, ge=MIN_COLUMN_WIDTH, le=MAX_COLUMN_WIDTH,
        description=f"Độ rộng cột, phần trăm bề rộng bảng ({MIN_COLUMN_WIDTH}–"
        f"{MAX_COLUMN_WIDTH}); các cột không ghi chia nhau phần còn lại.")


class TopicEntry(_Schema):
    """A group of an appendix grouped by topic (the tasks' ``topic`` field)."""

    key: Annotated[str, BeforeValidator(_topic_key)] = Field(
        min_length=1, description="Mã nhóm, trùng với trường topic của nhiệm vụ "
                     "(ví dụ \"I\").")
    title: str = Field(min_length=1, description="Tên nhóm in ở dòng nhóm của bảng.")


class SectionMeta(_Schema):
    """Front matter of a section file content/<yyyy>/<mm>/NN-<slug>.md (an appendix file
    declares its table: columns, grouping, numbering, selection)."""

    kind: Literal["section", "appendix", "opening"] = Field(
        default="section",
        description="section (một mục của báo cáo), appendix (phụ lục) hoặc opening (đoạn mở "
        "đầu: không số, không tên; sau trích yếu, hoặc ngay dưới tên Phần ghi ở part).",
    )
    part: str | None = Field(
        default=None,
        description="Số La Mã của Phần chứa mục này (với opening: Phần mà đoạn mở đầu đứng ngay "
        "dưới tên; bỏ trống: trước Phần I).",
    )
    number: str | None = Field(
        default=None, description="Số của mục: \"II\" (Mục), \"III.1\" (khoản của Mục III), \"1\"."
    )
    title: str | None = Field(
        default=None,
        description="Tên mục (với phụ lục: tên phụ lục, chữ in hoa; opening không có tên).",
    )
    unit: str | None = Field(default=None, description="Đơn vị phụ trách viết mục này.")
    columns: list[Annotated[str, WithJsonSchema({"enum": list(APPENDIX_COLUMNS)})] | ColumnEntry] \
        | None = Field(
        default=None,
        description="Phụ lục: các cột của bảng theo thứ tự, mỗi cột một mã ("
        + ", ".join(APPENDIX_COLUMNS) + ") hoặc {key: mã, title: \"tiêu đề\"}. Mặc định: "
        + ", ".join(DEFAULT_APPENDIX_COLUMNS) + ".",
    )
    group: Literal["status", "topic", "none"] = Field(
        default="status", description="Phụ lục: nhóm dòng theo tình trạng (status: Đã/Đang/Chưa "
        "thực hiện), theo lĩnh vực (topic, cần topics) hoặc không nhóm (none).")
    topics: list[TopicEntry] = Field(
        default_factory=list,
        description="Phụ lục nhóm theo lĩnh vực (group: topic): thứ tự và tên các nhóm.")
    numbering: Literal["per_group", "continuous"] = Field(
        default="per_group", description="Phụ lục: đánh số TT lại từ 1 trong mỗi nhóm "
        "(per_group) hoặc liên tục 1..N (continuous).")
    select: Literal["period", "due", "list"] = Field(
        default="period", description="Phụ lục: nhiệm vụ còn mở, được giao hoặc hoàn thành "
        "trong kỳ (period), đến hạn trong kỳ (due) hoặc đúng danh sách tasks (list).")
    tasks: list[str] = Field(
        default_factory=list,
        description="Phụ lục với select: list: mã các nhiệm vụ, theo thứ tự in.")
    kem_theo: bool = Field(
        default=True, description="Phụ lục: in dòng \"(Kèm theo Báo cáo số …)\" (mặc định true).")


# --------------------------------------------------------------------------------------------
# Domain objects


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from: repository-relative path and 1-based line."""

    path: str
    line: int = 1


@dataclass(frozen=True)
class Organization:
    valid_from: date
    parent: str
    name: str
    place: str
    symbol: str
    head_title: str


@dataclass(frozen=True)
class Extension:
    deadline: Deadline
    approved: date
    document: str | None


@dataclass(frozen=True)
class Adjustment:
    """A deadline changed by a later document, in force from its date (either direction)."""

    deadline: Deadline
    date: date
    document: str | None


@dataclass(frozen=True)
class ProgressNote:
    """A dated note of how an open task stands ("Kết quả hiện nay" of a register)."""

    date: date
    date_text: str
    text: str


@dataclass(frozen=True)
class Task:
    """An assigned task's facts, as of every date (status is computed, never stored)."""

    id: str
    document: str
    issued: date
    issued_text: str
    summary: str
    deadline: Deadline
    completed: date | None
    completed_text: str
    result: str
    unit: str | None
    extensions: tuple[Extension, ...]
    not_started: bool
    started: date | None
    notes: str | None
    src: SourceRef
    topic: str | None = None
    required_result: str | None = None
    adjustments: tuple[Adjustment, ...] = ()
    progress: tuple[ProgressNote, ...] = ()
    #: Done on an unknown day, known to be done by this one (exclusive with ``completed``).
    completed_by: date | None = None
    completed_by_text: str = ""


@dataclass(frozen=True)
class AppendixColumn:
    """A column of an appendix table: ``width`` is the key's default relative width, or the
    percent of the table's width the declaration gives (``declared``)."""

    key: str
    title: str
    width: int
    declared: bool = False


@dataclass(frozen=True)
class AppendixTopic:
    key: str
    title: str


@dataclass(frozen=True)
class AppendixSpec:
    """What an appendix file declares: its table's columns, grouping, numbering, selection.

    ``task_places`` ((line, column) of each id of ``tasks``) and ``group_line`` place the
    problems found once the register is known."""

    columns: tuple[AppendixColumn, ...]
    group: str = "status"
    topics: tuple[AppendixTopic, ...] = ()
    numbering: str = "per_group"
    select: str = "period"
    tasks: tuple[str, ...] = ()
    kem_theo: bool = True
    task_places: tuple[tuple[int, int], ...] = ()
    group_line: int = 1
    select_line: int = 1


def default_columns() -> tuple[AppendixColumn, ...]:
    return tuple(AppendixColumn(k, *APPENDIX_COLUMNS[k]) for k in DEFAULT_APPENDIX_COLUMNS)


#: The declaration of an appendix file with no declaration keys: the shipped report's table.
DEFAULT_APPENDIX = AppendixSpec(columns=default_columns())


@dataclass(frozen=True)
class Section:
    """One section file: its place in the report and its Markdown body."""

    src: SourceRef
    order: int
    kind: str
    part: str | None
    number: str | None
    title: str
    unit: str | None
    body: str
    #: 1-based file line of the first line of ``body``.
    body_line: int
    #: The table declaration of an appendix file (None for other sections).
    appendix: AppendixSpec | None = None
    #: 1-based file line of the ``part`` key (where a problem with the Phần is reported).
    part_line: int = 2
    #: The images the body shows, in order, read and checked by the loader (baocao.images).
    images: tuple[ImageFile, ...] = ()

    @property
    def level(self) -> str:
        """"muc" (I, II), "khoan" (III.1 or 1), "appendix" or "opening"."""
        if self.kind in ("appendix", "opening"):
            return self.kind
        assert self.number is not None
        if "." in self.number or self.number.isdigit():
            return "khoan"
        return "muc"


@dataclass(frozen=True)
class Report:
    """One monthly report, fully loaded."""

    key: str  # "2023-09"
    year: int
    month: int
    folder: str  # "content/2023/09"
    meta: ReportMeta
    period_start: date
    organization: Organization
    sections: tuple[Section, ...]
    index_src: SourceRef

    @property
    def cutoff(self) -> date:
        return self.meta.cutoff.value

    @property
    def body_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "section")

    def opening(self, part: str | None = None) -> Section | None:
        """The opening text before Phần I (*part* None) or directly under Phần *part*."""
        return next((s for s in self.sections if s.kind == "opening" and s.part == part), None)

    @property
    def appendix(self) -> Section | None:
        """The first appendix file (the only one in most reports)."""
        return next((s for s in self.sections if s.kind == "appendix"), None)

    @property
    def appendices(self) -> tuple[Section, ...]:
        """The appendix files in file order: Phụ lục I, II, … (R45)."""
        return tuple(s for s in self.sections if s.kind == "appendix")

    @property
    def is_draft(self) -> bool:
        return self.meta.status == "draft"


@dataclass(frozen=True)
class Repository:
    """The whole content repository, validated."""

    root: str
    organization: tuple[Organization, ...]
    tasks: tuple[Task, ...]
    reports: tuple[Report, ...] = field(default_factory=tuple)
    #: organization.yaml's status_labels: status value -> the department's printed label.
    status_labels: tuple[tuple[str, str], ...] = ()

    def status_label(self, status: str) -> str | None:
        """The department's label for a status value, or None (the engine's own name)."""
        return dict(self.status_labels).get(status)

    def report(self, key: str) -> Report | None:
        return next((r for r in self.reports if r.key == key), None)

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def previous(self, report: Report) -> Report | None:
        earlier = [r for r in self.reports if r.key < report.key]
        return earlier[-1] if earlier else None

    def next(self, report: Report) -> Report | None:
        later = [r for r in self.reports if r.key > report.key]
        return later[0] if later else None
