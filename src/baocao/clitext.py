"""click's own words in Vietnamese: "Usage:", "Options", "Show this message and exit.", its
error messages.

click marks every sentence it shows with gettext's ``_()`` / ``ngettext()`` (imported into each
of its modules as ``from gettext import gettext as _``). The stdlib's ``gettext`` reads compiled
catalogues chosen by the locale of the environment (``LANGUAGE``, ``LANG``), which a Windows
machine or a CI runner does not set to Vietnamese. :func:`install` therefore points those
names, in click's modules only, at :data:`CATALOGUE`: click's message ids (its English text)
mapped to Vietnamese, whatever the locale. A test checks that every id marked in the installed
click is in the catalogue, so an upgrade that adds a sentence fails the tests instead of
showing English.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

#: click's modules that mark sentences with ``_()`` / ``ngettext()`` (and their own copy of it).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.types", "click.utils", "click.termui")

class _Lower(str):
    """A word click title-cases (``Path``'s name: ``self.name.title()``) that stays as written:
    "không có tệp 'x'", not "không có Tệp 'x'"."""

    def title(self) -> str:
        return str(self)


#: click's message id → Vietnamese; for ``ngettext`` both the singular and the plural id.
CATALOGUE: dict[str, str] = {
    # help
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Xem hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Xem phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc)",
    "required": "bắt buộc",
    "deprecated": "không còn dùng",
    "Choice({choices})": "Chọn({choices})",
    "file": _Lower("tệp"),
    "directory": _Lower("thư mục"),
    "path": _Lower("đường dẫn"),
    "Do you want to continue?": "Bạn có muốn tiếp tục?",
    "Confirm the action without prompting.": "Xác nhận mà không hỏi lại.",
    "Press any key to continue...": "Nhấn một phím bất kỳ để tiếp tục…",
    "Repeat for confirmation": "Nhập lại để xác nhận",
    "Error: The two entered values do not match.": "Lỗi: hai giá trị đã nhập không khớp nhau.",
    "Error: invalid input": "Lỗi: giá trị nhập không hợp lệ",
    "Aborted!": "Đã dừng.",
    # usage errors
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: {command} {option}",
    "Missing command.": "thiếu tên lệnh",
    "No such command {name!r}.": "không có lệnh \"{name}\"",
    "No such option {name!r}.": "không có tùy chọn {name}",
    "Did you mean {possibility}?": "(có phải ý bạn là {possibility}?)",
    "(Did you mean one of: {possibilities}?)": "(có phải ý bạn là một trong: {possibilities}?)",
    "Got unexpected extra argument ({args})": "thừa tham số: {args}",
    "Got unexpected extra arguments ({args})": "thừa tham số: {args}",
    "Missing argument": "thiếu tham số",
    "Missing option": "thiếu tùy chọn",
    "Missing parameter": "thiếu tham số",
    "Missing parameter: {param_name}": "thiếu tham số: {param_name}",
    "Missing {param_type}": "thiếu {param_type}",
    "Invalid value for {param_hint}: {message}": "giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "giá trị không hợp lệ: {message}",
    "unknown error": "lỗi không rõ",
    "Could not open file {filename!r}: {message}": "không mở được tệp {filename!r}: {message}",
    "Option {name!r} does not take a value.": "tùy chọn {name} không nhận giá trị",
    "Option {name!r} requires an argument.": "tùy chọn {name} cần một giá trị",
    "Option {name!r} requires {nargs} arguments.": "tùy chọn {name} cần {nargs} giá trị",
    "Argument {name!r} takes {nargs} values.": "tham số {name!r} cần {nargs} giá trị",
    "Invalid start character for option ({option})": "tùy chọn bắt đầu bằng ký tự không hợp lệ "
                                                     "({option})",
    "Takes {nargs} values but 1 was given.": "cần {nargs} giá trị nhưng chỉ có 1",
    "Takes {nargs} values but {len} were given.": "cần {nargs} giá trị nhưng có {len}",
    "Value must be an iterable.": "giá trị phải là một dãy",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong {choices}",
    "{value!r} does not match the format {format}.": "{value!r} không đúng dạng {format}",
    "{value!r} does not match the formats {formats}.": "{value!r} không đúng dạng nào trong "
                                                       "{formats}",
    "{value} is not in the range {range}.": "{value} nằm ngoài khoảng {range}",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} không phải giá trị đúng/sai; dùng một trong: {states}",
    "{len_type} values are required, but {len_value} was given.":
        "cần {len_type} giá trị nhưng có {len_value}",
    "{len_type} values are required, but {len_value} were given.":
        "cần {len_type} giá trị nhưng có {len_value}",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải một số hợp lệ",
    "{value!r} is not a valid UUID.": "{value!r} không phải một UUID hợp lệ",
    "{name} {filename!r} is a file.": "{name} {filename!r} là một tệp",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là một thư mục",
    "{name} {filename!r} is not readable.": "không đọc được {name} {filename!r}",
    "{name} {filename!r} is not writable.": "không ghi được {name} {filename!r}",
    "{name} {filename!r} is not executable.": "không chạy được {name} {filename!r}",
    "{name} {filename!r} does not exist.": "không có {name} {filename!r}",
    "Unknown standard stream '{name}'": "không có luồng chuẩn '{name}'",
    "Unknown color {colour!r}": "không có màu {colour!r}",
    # mistakes in a program's own declarations (never caused by what a person types)
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Cảnh báo: lệnh {name!r} không còn dùng.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Cảnh báo: {param_type} {name!r} không còn dùng.{extra_message}",
    "Could not determine name for option with declarations {decls!r}":
        "không xác định được tên của tùy chọn khai báo {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument "
    "instead? Did you mean to pass '--{name}'?":
        "không khai báo tùy chọn nào mà có tên ({name}); có phải ý là một tham số, hoặc '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "tham số chỉ có một khai báo, ở đây có {length}: {decls}",
    "Name '{name}' defined twice": "tên '{name}' được khai báo hai lần",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "tùy chọn đúng/sai {decl!r} không thể dùng một cờ cho cả hai giá trị",
}


def gettext(message: str) -> str:
    """click's ``_()``: the Vietnamese of *message* (the message itself when it is unknown, as
    gettext does; the catalogue test keeps that from happening)."""
    return CATALOGUE.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext()``: the Vietnamese of the form *n* chooses (the singular's when the
    plural is not in the catalogue)."""
    chosen = singular if n == 1 else plural
    return CATALOGUE.get(chosen) or CATALOGUE.get(singular, chosen)


def install() -> None:
    """Route click's ``_()`` and ``ngettext()`` to :data:`CATALOGUE` (idempotent)."""
    replacements: dict[str, Callable[..., str]] = {"_": gettext, "ngettext": ngettext}
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        for attr, function in replacements.items():
            if hasattr(module, attr):
                setattr(module, attr, function)
