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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema

from .deadlines import Deadline, parse_deadline
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


class OrganizationFile(_Schema):
    """organization.yaml: the agency's identity over time."""

    periods: list[OrgPeriodEntry] = Field(
        min_length=1, description="Các giai đoạn tên gọi, theo thứ tự thời gian."
    )


# --------------------------------------------------------------------------------------------
# directives.yaml


class ExtensionEntry(_Schema):
    """An approved extension (gia hạn) of a task's deadline."""

    deadline: DeadlineField = Field(description="Thời hạn mới sau khi gia hạn.")
    approved: DateField = Field(description="Ngày văn bản cho phép gia hạn.")
    document: str | None = Field(default=None, description="Số/ký hiệu văn bản cho phép gia hạn.")


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
    result: str = Field(
        default="", description="Kết quả xử lý (ví dụ: Công văn số 1036/KHCN-QLCN Ngày 17/8/2023)."
    )
    unit: str | None = Field(default=None, description="Đơn vị chủ trì thực hiện trong Sở.")
    extensions: list[ExtensionEntry] = Field(
        default_factory=list, description="Các lần gia hạn đã được chấp thuận."
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


class SectionMeta(_Schema):
    """Front matter of a section file content/<yyyy>/<mm>/NN-<slug>.md."""

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
    #: 1-based file line of the ``part`` key (where a problem with the Phần is reported).
    part_line: int = 2

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
        return next((s for s in self.sections if s.kind == "appendix"), None)

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
