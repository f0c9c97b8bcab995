"""Recognising a monthly report in a DOCX read by :mod:`.docx_read`.

The document is cut into regions: the header (agency lines, national motto, "Số: …",
"<place>, ngày … tháng … năm …"), the document type ("BÁO CÁO") and trích yếu, the body (Phần,
Mục and khoản headings, found by Word heading style or by their numbering), Nơi nhận with the
signature block, and the appendices (a "Phụ lục" line, its title, its table). Everything that
does not fit is kept in :attr:`ReadReport.notes` with the paragraph or table row it came from.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..vietnamese import fold, is_syllable, parse_roman
from .docx_read import Cell, Item, Para, Table
from .tasks import Note, RowFacts, header_key, is_header

_PART = re.compile(r"^phần\s+(thứ\s+\S+|[IVXLC]+)\b[\s.:–-]*(.*)$", re.I | re.S)
_ROMAN = re.compile(r"^([IVXLC]+)\s*[.:]\s*(.+)$", re.S)
_ARABIC = re.compile(r"^(\d{1,2})\s*[.:]\s*(.+)$", re.S)
_NUMBER = re.compile(r"^số\s*:?\s*(\d*)\s*/\s*([\w.Đđ-]+)", re.I)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,\n]+?)\s*,\s*ngày\s*(?P<d>\d{0,2})\s*tháng\s*(?P<m>\d{0,2})\s*năm\s*(?P<y>\d{4})",
    re.I)
_MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc",
          "doc lap – tu do – hanh phuc")
_DOC_TYPES = ("BÁO CÁO",)
_RECIPIENTS = re.compile(r"^nơi\s+nhận\s*:?\s*(.*)$", re.I | re.S)
_APPENDIX = re.compile(r"^phụ\s+lục\b\s*([IVX\d]*)\s*[:.–-]?\s*(.*)$", re.I | re.S)
_ATTACHED = re.compile(r"^\(?\s*kèm\s+theo", re.I)
_AUTHORITY = re.compile(r"^(KT|TM|TL|TUQ|Q)\.\s*\S", re.I)
_KINH_GUI = re.compile(r"^kính\s+gửi\s*:?\s*(.*)$", re.I | re.S)
_TITLE_MONTH = re.compile(r"tháng\s*(\d{1,2})\s*(?:/|năm)\s*(\d{4})", re.I)


@dataclass
class Section:
    part: str
    number: str
    title: str
    where: str
    body: list[Item] = field(default_factory=list)
    opening: bool = False


@dataclass
class Part:
    number: str
    title: str
    headings: dict[str, str] = field(default_factory=dict)


@dataclass
class Appendix:
    title: str
    where: str
    columns: list[str] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the header cells as typed
    widths: list[float] = field(default_factory=list)  # each column's share of the width
    numbers: list[str] = field(default_factory=list)  # the TT cells as typed
    rows: list[RowFacts] = field(default_factory=list)
    #: Group rows as typed ("ĐÃ THỰC HIỆN: 04 nhiệm vụ") with where they are.
    groups: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class ReadReport:
    """What was recognised; every string as typed (Unicode)."""

    agency_lines: list[str] = field(default_factory=list)
    number: int | None = None
    symbol: str = ""
    place: str = ""
    day: date | None = None
    year_month: tuple[int, int] | None = None
    doc_type: str = ""
    title: str = ""
    addressees: list[str] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    appendices: list[Appendix] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    #: Every paragraph's text (tables too), for finding how a name is written in the document.
    text: str = ""
    #: The figures carried over: path in the report folder (``hinh/hinh-1.png``) -> bytes.
    images: dict[str, bytes] = field(default_factory=dict)


def _where(item: Item) -> str:
    if isinstance(item, Para):
        return f"đoạn {item.index}"
    return f"bảng sau đoạn {item.index}"


def _lines(item: Item) -> list[tuple[str, str]]:
    """(text line, where) of a paragraph, or of every cell of a table, in reading order."""
    if isinstance(item, Para):
        return [(line.strip(), _where(item)) for line in item.text.split("\n") if line.strip()]
    out: list[tuple[str, str]] = []
    for r, row in enumerate(item.rows, 1):
        for cell in row:
            for p in cell.paras:
                out.extend((line.strip(), f"bảng sau đoạn {item.index}, dòng {r}")
                           for line in p.text.split("\n") if line.strip())
    return out


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _flat(text: str) -> str:
    return " ".join(text.split())


def read_report(items: list[Item]) -> ReadReport:
    rep = ReadReport()
    rep.text = "\n".join(line for item in items for line, _ in _lines(item))
    i = _header(items, rep)
    i = _title(items, i, rep)
    tail = _find_tail(items, i)
    apx = _find_appendix(items, i)
    end_body = min(x for x in (tail, apx, len(items)) if x is not None)
    _body(items[i:end_body], rep)
    if tail is not None:
        _tail(items[tail:apx if apx is not None else len(items)], rep)
    else:
        rep.notes.append(Note("unmapped", "cuối văn bản", "không thấy \"Nơi nhận\" và chữ ký"))
    if apx is not None:
        _appendices(items[apx:], rep)
    return rep


# ---- header -------------------------------------------------------------------------------
def _header(items: list[Item], rep: ReadReport) -> int:
    """Reads up to the document type line; returns the index after it."""
    for i, item in enumerate(items[:40]):
        if isinstance(item, Para) and _flat(item.text).upper() in _DOC_TYPES:
            end = i
            rep.doc_type = _flat(item.text).upper()
            break
    else:
        end = 0
        rep.notes.append(Note("unmapped", "đầu văn bản",
                              "không thấy dòng tên loại văn bản \"BÁO CÁO\""))
    agency: list[str] = []
    for item in items[:end]:
        cells: list[list[tuple[str, str]]]
        if isinstance(item, Table):
            cells = [[(line, f"bảng sau đoạn {item.index}") for p in cell.paras
                      for line in p.text.split("\n") if line.strip()]
                     for row in item.rows for cell in row]
        else:
            cells = [_lines(item)]
        for cell in cells:
            for line, where in cell:
                flat = _flat(line)
                m_no, m_pd = _NUMBER.match(flat), _PLACE_DATE.match(flat)
                if m_no:
                    rep.number = int(m_no.group(1)) if m_no.group(1) else None
                    rep.symbol = m_no.group(2)
                elif m_pd:
                    rep.place = m_pd.group("place").strip()
                    y, mo = int(m_pd.group("y")), int(m_pd.group("m") or 0)
                    if 1 <= mo <= 12:
                        rep.year_month = (y, mo)
                        if m_pd.group("d"):
                            try:
                                rep.day = date(y, mo, int(m_pd.group("d")))
                            except ValueError:
                                rep.notes.append(Note("unmapped", where, f"ngày \"{flat}\" không có thật"))
                elif fold(flat).strip(" .") in _MOTTO or set(flat) <= set("-_–— "):
                    continue
                elif _is_upper(flat):
                    agency.append(flat)
                else:
                    rep.notes.append(Note("unmapped", where, f"dòng đầu văn bản không dùng: \"{flat}\""))
    rep.agency_lines = agency
    return end + 1 if end or rep.doc_type else 0


def _title(items: list[Item], i: int, rep: ReadReport) -> int:
    """The trích yếu (lines until the first heading, a Kính gửi, or body text); returns the index
    of the body's first item."""
    parts: list[str] = []
    while i < len(items):
        item = items[i]
        if not isinstance(item, Para):
            break
        flat = _flat(item.text)
        if not flat or set(flat) <= set("-_–— "):
            i += 1
            continue
        kg = _KINH_GUI.match(flat)
        if kg:
            rep.addressees.extend(x.strip(" -–.;") for x in re.split(r"[;\n]", kg.group(1))
                                  if x.strip(" -–.;"))
            i += 1
            while i < len(items):
                nxt = items[i]
                if not isinstance(nxt, Para) or not nxt.text.strip().startswith(("-", "–")) or \
                        len(nxt.text) >= 120:
                    break
                rep.addressees.append(nxt.text.strip().lstrip("-– ").rstrip(";. "))
                i += 1
            continue
        if item.heading or _PART.match(flat) or _ROMAN.match(flat) or parts and (
                len(flat) > 150 or flat.endswith(":")):
            break
        if rep.addressees:
            break
        parts.append(" ".join(item.text.split()))
        i += 1
        if len(" ".join(parts)) > 300:
            break
    rep.title = " ".join(parts)
    if not rep.title:
        rep.notes.append(Note("unmapped", "đầu văn bản", "không thấy trích yếu (tên báo cáo)"))
    return i


# ---- regions ------------------------------------------------------------------------------
def _find_tail(items: list[Item], start: int) -> int | None:
    for i in range(start, len(items)):
        for line, _ in _lines(items[i])[:3]:
            if _RECIPIENTS.match(line):
                return i
    return None


def _find_appendix(items: list[Item], start: int) -> int | None:
    for i in range(start, len(items)):
        item = items[i]
        if isinstance(item, Para) and _APPENDIX.match(_flat(item.text)) and len(item.text) < 200:
            return i
    return None


# ---- body ---------------------------------------------------------------------------------
@dataclass
class _State:
    part: Part | None = None
    roman: str = ""  # the current Mục number
    roman_title: str = ""
    roman_has_body: bool = False
    roman_section: Section | None = None
    in_group: bool = False
    next_roman: int = 1
    next_arabic: int = 1


def _heading_like(p: Para, text: str) -> bool:
    return bool(p.heading) or p.bold or (len(text) < 160 and not text.endswith((";", ",", ":")))


def _body(items: list[Item], rep: ReadReport) -> None:
    st = _State()
    current: Section | None = None
    pending_part_title: Part | None = None
    for item in items:
        if isinstance(item, Para):
            text = _flat(item.text)
            if not text:
                continue
            if pending_part_title is not None:
                if _is_upper(text) and not _ROMAN.match(text) and not _ARABIC.match(text):
                    pending_part_title.title = text
                    pending_part_title = None
                    continue
                pending_part_title = None
            if item.heading and not (_PART.match(text) or _ROMAN.match(text)
                                     or _ARABIC.match(text)):
                # a Word heading numbered by its style, not typed: its level gives the number
                if item.heading == 1:
                    text = f"Phần {_roman_of(len(rep.parts) + 1)} {text}"
                elif item.heading == 2 or not st.roman:
                    text = f"{_roman_of(st.next_roman)}. {text}"
                else:
                    text = f"{st.next_arabic}. {text}"
                rep.notes.append(Note("guess", _where(item), f"đề mục kiểu Heading {item.heading} "
                                      f"không gõ số: đánh số \"{text.split(' ', 2)[0]}"
                                      f"{' ' + text.split(' ', 2)[1] if item.heading == 1 else ''}\""))
            mp = _PART.match(text) if not item.marker else None
            if mp and (item.heading or item.bold or len(text) < 200):
                number = mp.group(1).upper()
                if parse_roman(number) is None:
                    number = _roman_of(len(rep.parts) + 1)
                    rep.notes.append(Note("guess", _where(item),
                                          f"\"{text}\" được hiểu là Phần {number}"))
                part = Part(number, mp.group(2).strip())
                rep.parts.append(part)
                st = _State(part=part)
                current = None
                if not part.title:
                    pending_part_title = part
                continue
            if st.part is None and (item.heading or _ROMAN.match(text) or _ARABIC.match(text)):
                part = Part("I", "")
                rep.parts.append(part)
                st = _State(part=part)
                rep.notes.append(Note("guess", _where(item), "văn bản không chia Phần: mọi mục "
                                      "được xếp vào Phần I (cần ghi tên Phần trong index.md)"))
            mr = _ROMAN.match(text) if not item.marker else None
            if st.part is not None and mr and parse_roman(mr.group(1)) == st.next_roman and \
                    _heading_like(item, text):
                st.roman, st.roman_title = mr.group(1), mr.group(2).strip()
                st.next_roman += 1
                st.next_arabic = 1
                st.in_group = False
                current = Section(st.part.number, st.roman, st.roman_title, _where(item))
                st.roman_section = current
                rep.sections.append(current)
                continue
            ma = _ARABIC.match(text) if not item.marker else None
            if st.part is not None and ma and int(ma.group(1)) == st.next_arabic and \
                    _heading_like(item, text) and (
                        not st.roman or st.in_group or (current is st.roman_section
                                                        and current is not None and not current.body)):
                n = ma.group(1)
                title = ma.group(2).strip()
                if st.roman:
                    if not st.in_group and st.roman_section is not None:
                        rep.sections.remove(st.roman_section)
                        st.part.headings[st.roman] = st.roman_title
                        st.in_group = True
                    number = f"{st.roman}.{n}"
                else:
                    number = n
                st.next_arabic += 1
                current = Section(st.part.number, number, title, _where(item))
                rep.sections.append(current)
                continue
        if current is None:
            if st.part is None:  # before Phần I: the opening paragraph(s)
                if not rep.sections:
                    rep.sections.append(Section("", "", "", _where(item), opening=True))
                current = rep.sections[0]
            else:  # under a Phần heading, before its first Mục: the Phần's opening
                current = Section(st.part.number, "", "", _where(item), opening=True)
                rep.sections.append(current)
        current.body.append(item)
        if current is st.roman_section:
            st.roman_has_body = True


def _roman_of(n: int) -> str:
    from ..vietnamese import roman
    return roman(n)


# ---- Nơi nhận and signature -----------------------------------------------------------------
def _tail(items: list[Item], rep: ReadReport) -> None:
    recipients: list[str] = []
    signer: list[str] = []

    def take(lines: list[tuple[str, str]], in_recipients: bool) -> bool:
        for line, _ in lines:
            flat = _flat(line)
            m = _RECIPIENTS.match(flat)
            if m:
                in_recipients = True
                if m.group(1):
                    recipients.append(m.group(1).lstrip("-– ").strip())
                continue
            if in_recipients and flat.startswith(("-", "–", "+")):
                recipients.append(flat.lstrip("-–+ ").strip())
            elif flat.replace("*", "").strip():
                in_recipients = False
                signer.append(flat.replace("*", "").strip())
        return in_recipients

    in_rec = False
    for item in items:
        if isinstance(item, Table):
            for row in item.rows:
                for cell in row:
                    cell_lines = [(line, f"bảng sau đoạn {item.index}") for p in cell.paras
                                  for line in p.text.split("\n") if line.strip()]
                    in_rec = take(cell_lines, False)
        elif item.marker:  # a Word list item: its bullet is the recipient line's dash
            in_rec = take([("- " + line, w) for line, w in _lines(item)], in_rec)
        else:
            in_rec = take(_lines(item), in_rec)
    rep.recipients = recipients
    rep.signer = signer
    if not recipients:
        rep.notes.append(Note("unmapped", _where(items[0]), "\"Nơi nhận\" không có dòng nào"))


# ---- appendices ---------------------------------------------------------------------------
def _appendices(items: list[Item], rep: ReadReport) -> None:
    current: Appendix | None = None
    title_open = True
    for item in items:
        if isinstance(item, Para):
            flat = _flat(item.text)
            if not flat:
                continue
            m = _APPENDIX.match(flat)
            if m and len(flat) < 200 and (current is None or current.rows):
                current = Appendix(m.group(2).strip(), _where(item))
                rep.appendices.append(current)
                title_open = True
                continue
            if current is not None and title_open and not _ATTACHED.match(flat) and _is_upper(flat):
                current.title = (current.title + " " + flat).strip()
                continue
            if _ATTACHED.match(flat):
                title_open = False
                continue
            rep.notes.append(Note("unmapped", _where(item),
                                  f"đoạn trong phụ lục không dùng: \"{flat[:80]}\""))
        else:
            if current is None:
                continue
            title_open = False
            _appendix_table(item, current, rep)


def _cell_texts(row: list[Cell]) -> list[str]:
    out: list[str] = []
    for cell in row:
        out.append(" ".join(_flat(p.text) for p in cell.paras).strip())
        out.extend([""] * (cell.colspan - 1))
    return out


def _appendix_table(table: Table, apx: Appendix, rep: ReadReport) -> None:
    columns: list[str] = apx.columns
    group: tuple[str, str] | None = apx.rows[-1].group if apx.rows else None
    for r, row in enumerate(table.rows, 1):
        where = f"{apx.where}: bảng, dòng {r}"
        texts = _cell_texts(row)
        if is_header(texts):
            keys = [header_key(t) for t in texts]
            if not columns:
                columns.extend(k or f"cot_{n}" for n, k in enumerate(keys))
                apx.headers.extend(texts)
                if len(table.widths) == len(texts) and all(table.widths):
                    apx.widths.extend(table.widths)
            elif texts != apx.headers:
                rep.notes.append(Note("unmapped", where, "dòng giống dòng tiêu đề cột nhưng khác "
                                      "dòng tiêu đề đầu bảng: bỏ qua"))
            continue  # the header (again, on a table split across pages)
        if not columns:
            rep.notes.append(Note("unmapped", where, "bảng phụ lục không có dòng tiêu đề cột"))
            return
        first = texts[0] if texts else ""
        if len(row) == 1 or (row and row[-1].colspan > 1 and len(row) <= 2) or (
                first and parse_roman(first) is not None and not first.isdigit()):
            apx.groups.append((" ".join(t for t in texts if t), where))
            rest = " ".join(t for t in texts[1:] if t)
            group = (first, rest) if parse_roman(first) is not None else None
            continue
        if all(not t for t in texts):
            continue
        if first.rstrip(".").isdigit() or not apx.rows or first:
            cells = {k: t for k, t in zip(columns, texts, strict=False) if t}
            if not first.rstrip(".").isdigit():
                rep.notes.append(Note("unmapped", where,
                                      f"số thứ tự \"{first}\" không phải một số: đọc như một nhiệm vụ"))
            apx.rows.append(RowFacts(where, cells, group))
            apx.numbers.append(first.rstrip("."))
        else:
            # a row continued on the next page: its cells join the row above
            last = apx.rows[-1]
            for k, t in zip(columns, texts, strict=False):
                if t:
                    last.cells[k] = (last.cells.get(k, "") + " " + t).strip()
            rep.notes.append(Note("guess", where, "dòng không có số thứ tự: được nối vào nhiệm vụ "
                                  "ở dòng trên (bảng bị ngắt trang)"))


# ---- casing ---------------------------------------------------------------------------------
def written_as(name: str, text: str) -> str | None:
    """How *name* (typed in capitals in the header) is written elsewhere in *text*, if it is:
    its most frequent form not in capitals."""
    pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)",
                         re.I)
    forms = Counter(" ".join(m.group(0).split()) for m in pattern.finditer(text))
    forms = Counter({f: c for f, c in forms.items() if not _is_upper(f)})
    return max(sorted(forms), key=lambda f: forms[f]) if forms else None


def agency_case(name: str) -> str:
    """An agency's name from capitals, the way names of agencies are written: a capital for the
    first word, for the first word of each field ("SỞ KHOA HỌC VÀ CÔNG NGHỆ" -> "Sở Khoa học và
    Công nghệ") and for abbreviations kept as they are."""
    words = name.split()
    out = []
    for n, w in enumerate(words):
        low = w.lower()
        if not is_syllable(w.strip(".,;:()")):
            out.append(w)
        elif n <= 1 or words[n - 1].lower() == "và":
            out.append(low[:1].upper() + low[1:])
        else:
            out.append(low)
    return " ".join(out)


def recase(title: str, body_words: Counter[str]) -> str:
    """An all-capitals heading in the case its words have in the body ("THỰC HIỆN NHIỆM VỤ DO
    UBND TỈNH" -> "Thực hiện nhiệm vụ do UBND tỉnh"): each word takes its most frequent form in
    the body (lower case when the body does not have it), the first word a capital."""
    words = title.split(" ")
    out = []
    for n, w in enumerate(words):
        forms = {f: c for f, c in body_words.items() if f.casefold() == w.casefold()}
        bare = w.strip(".,;:()“”\"")
        if forms:
            form = max(sorted(forms), key=lambda f: forms[f])
        elif bare and not is_syllable(bare) and not bare.isdigit():
            form = w  # an abbreviation: UBND, KH&CN, TTHC
        else:
            form = w.lower()
        if n == 0 and not form[:1].isupper():
            form = form[:1].upper() + form[1:]
        out.append(form)
    return " ".join(out)
