"""Stage 1 for the site settings: ``mkdocs.yml`` as plain data, validated against an allowed set
of keys and value shapes (DESIGN decision 13: editors write data, not code).

The file is read by :func:`baocao.load.load_site_settings` (the loader every command uses), so
``check``, ``build`` and ``serve`` refuse the same things, before anything runs. What is refused
and why:

- any YAML tag (``!ENV``, ``!relative``, ``!!python/…``) and ``INHERIT``: MkDocs and Zensical load
  their config with PyYAML's full loader, which runs ``!!python/object/apply`` and follows
  ``INHERIT`` to any file; settings are one plain file;
- ``hooks``, ``plugins``, ``markdown_extensions``, ``extra_css``, ``extra_javascript``,
  ``extra_templates``: code or assets; the site runs only the tool's own (templates/);
- ``extra.analytics``, web fonts, a remote ``logo``/``favicon``: the intranet site calls no
  outside host because of a setting;
- links that are not http(s) (``javascript:``…), with credentials, or (``edit_uri``,
  ``extra.homepage``) to a host other than the site's own (``site_url``) or the repository's
  (``repo_url``).

Unknown keys are warnings with a suggestion, and are dropped: only the allowed keys reach the
engine (:func:`engine_settings`), with every text HTML-escaped, because the theme's templates
print ``site_name``, ``copyright``… without escaping.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .problems import Problems
from .yamlio import Loaded, YamlSyntaxError, load_yaml

SITE_CONFIG = "mkdocs.yml"
#: Problem code of a setting that is refused (docs/huong-dan-bien-tap.md lists it).
REFUSED = "E701"

#: Keys that make an engine read another file, run code or load assets: errors.
CODE_KEYS = {
    "INHERIT": "không dùng INHERIT: cấu hình trang web phải nằm trọn trong mkdocs.yml, không đọc "
               "tệp khác",
    "hooks": "không dùng \"hooks\": trang web chỉ chạy mã của công cụ (templates/)",
    "plugins": "không dùng \"plugins\": trang web chỉ chạy mã của công cụ (templates/)",
    "markdown_extensions": "không dùng \"markdown_extensions\": công cụ tự đặt các phần mở rộng",
    "extra_css": "không dùng \"extra_css\": kiểu trang nằm trong templates/site/assets",
    "extra_javascript": "không dùng \"extra_javascript\": trang web chỉ chạy mã của công cụ",
    "extra_templates": "không dùng \"extra_templates\": mẫu trang nằm trong templates/site",
}
#: Keys the build sets itself: the file's values are ignored (a warning).
OWNED_KEYS = ("docs_dir", "site_dir", "nav", "use_directory_urls", "exclude_docs", "not_in_nav",
              "strict", "validation", "repo_name", "edit_uri_template")
TEXT_KEYS = ("site_name", "site_description", "site_author", "copyright")
TOP_KEYS = (*TEXT_KEYS, "site_url", "repo_url", "edit_uri", "theme", "extra")
THEME_KEYS = ("name", "language", "font", "features", "palette", "logo", "favicon")
EXTRA_KEYS = ("generator", "homepage")
PALETTE_KEYS = ("media", "scheme", "primary", "accent", "toggle")
TOGGLE_KEYS = ("icon", "name")
LANGUAGES = ("vi", "en")
FEATURES = (
    "announce.dismiss", "content.action.edit", "content.action.view", "content.code.annotate",
    "content.code.copy", "content.code.select", "content.tabs.link", "content.tooltips",
    "header.autohide", "navigation.expand", "navigation.footer", "navigation.indexes",
    "navigation.instant", "navigation.instant.progress", "navigation.path", "navigation.prune",
    "navigation.sections", "navigation.tabs", "navigation.tabs.sticky", "navigation.top",
    "navigation.tracking", "toc.follow", "toc.integrate",
)
SCHEMES = ("default", "slate")
PRIMARY = ("red", "pink", "purple", "deep purple", "indigo", "blue", "light blue", "cyan", "teal",
           "green", "light green", "lime", "yellow", "amber", "orange", "deep orange", "brown",
           "grey", "blue grey", "black", "white")
ACCENT = tuple(c for c in PRIMARY if c not in ("brown", "grey", "blue grey", "black", "white"))

_HTTP = re.compile(r"https?://(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?::\d{1,5})?"
                   r"(?:[/?#][^\s\"'<>\\`]*)?", re.ASCII)
#: A relative link: no scheme, no ':' at all, not '//host' or '/\host' (another host).
_RELATIVE = re.compile(r"(?![/\\]{2})[^\s\"'<>\\`:]*")
_ASSET = re.compile(r"assets/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")
_ICON = re.compile(r"material/[a-z0-9-]+")
_MEDIA = re.compile(r"[a-z0-9() :,.-]*")

Path_ = tuple[str | int, ...]
_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _suggest(key: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    return f" (có phải ý bạn là \"{close[0]}\"?)" if close else ""


def _name(path: Path_) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _tag_problems(text: str, problems: Problems) -> bool:
    """Report every explicit YAML tag (``!ENV``, ``!!python/…``); True when there was one."""
    found = False
    try:
        for event in yaml.parse(text, Loader=_PARSER):
            tag = getattr(event, "tag", None)
            if tag is None or isinstance(event, yaml.AliasEvent):
                continue
            shown = "!!" + tag.removeprefix("tag:yaml.org,2002:") \
                if tag.startswith("tag:yaml.org,2002:") else tag
            mark = event.start_mark
            problems.add(SITE_CONFIG, mark.line + 1, mark.column + 1, REFUSED,
                         f"không dùng thẻ YAML \"{shown}\": cấu hình trang web chỉ là dữ liệu "
                         "thường (thẻ có thể chạy mã hoặc đọc biến môi trường)")
            found = True
    except yaml.YAMLError:
        return found  # the loader below names the syntax error
    return found


class _Checker:
    """Walks the loaded file; keeps what is allowed, reports the rest at its line and column."""

    def __init__(self, loaded: Loaded, problems: Problems, root: Path | None) -> None:
        self.loaded, self.problems, self.root = loaded, problems, root

    def add(self, path: Path_, code: str, message: str) -> None:
        line, col = self.loaded.pos(path)
        self.problems.add(SITE_CONFIG, line, col, code, message)

    def unknown(self, path: Path_, allowed: tuple[str, ...]) -> None:
        self.add(path, "W201", f"trường \"{_name(path) or path[-1]}\" không được hỗ trợ và bị bỏ qua"
                               f"{_suggest(str(path[-1]), allowed)}")

    def mapping(self, value: Any, path: Path_, allowed: tuple[str, ...],
                check: Callable[[str, Any, Path_], Any]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.add(path, "E202", f"\"{_name(path)}\" phải là bảng khóa: giá trị")
            return {}
        out: dict[str, Any] = {}
        for key, item in value.items():
            sub = (*path, key)
            if not isinstance(key, str) or key not in allowed:
                self.unknown(sub, allowed)
                continue
            kept = check(key, item, sub)
            if kept is not None:
                out[key] = kept
        return out

    def text(self, value: Any, path: Path_) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.add(path, "E202", f"\"{_name(path)}\" phải là chữ, nhưng đang là {value!r}")
            return None
        return str(value)

    def choice(self, value: Any, path: Path_, allowed: tuple[str, ...]) -> str | None:
        if value not in allowed:
            self.add(path, "E203", f"\"{_name(path)}\": giá trị {value!r} không hợp lệ; chọn một "
                                   f"trong: {', '.join(allowed)}")
            return None
        return str(value)

    def url(self, value: Any, path: Path_, hosts: set[str] | None) -> str | None:
        """http(s) (to one of *hosts* when given), or with *hosts* also a relative link."""
        text = self.text(value, path)
        if text is None:
            return None
        m = _HTTP.fullmatch(text)
        if m is not None and (hosts is None or m["host"].lower() in hosts):
            return text
        if m is None and hosts is not None and _RELATIVE.fullmatch(text):
            return text
        if m is not None:
            self.add(path, REFUSED, f"\"{_name(path)}\": {text!r} trỏ tới máy chủ {m['host']}; chỉ "
                     "được dùng đường dẫn tương đối hoặc máy chủ của site_url, repo_url")
        elif hosts is None:
            self.add(path, REFUSED, f"\"{_name(path)}\": {text!r} không phải địa chỉ http:// hoặc "
                     "https:// hợp lệ (không dùng javascript:, data:, tên người dùng hay mật khẩu)")
        else:
            self.add(path, REFUSED, f"\"{_name(path)}\": {text!r} không được phép; chỉ dùng "
                     "đường dẫn tương đối hoặc địa chỉ http(s) của site_url, repo_url "
                     "(không dùng javascript:, data:, //máy-chủ-khác)")
        return None

    def asset(self, value: Any, path: Path_) -> str | None:
        """A file of the site itself (templates/site/assets/…), never a remote one."""
        text = self.text(value, path)
        if text is None:
            return None
        if not _ASSET.fullmatch(text) or ".." in text.split("/"):
            self.add(path, REFUSED, f"\"{_name(path)}\": {text!r} không được phép; chỉ dùng tệp "
                     "trong templates/site/assets của kho (ví dụ assets/logo.svg), không tải từ "
                     "máy chủ ngoài")
            return None
        if self.root is not None and not (self.root / "templates" / "site" / text).is_file():
            self.add(path, REFUSED, f"\"{_name(path)}\": không có tệp templates/site/{text}")
            return None
        return text


def check_settings(loaded: Loaded, problems: Problems, root: Path | None) -> dict[str, Any]:
    """The allowed part of the loaded mkdocs.yml; every other key or value is a problem.
    *root* is the repository, where ``theme.logo`` and ``favicon`` must exist (None: not
    looked for)."""
    c = _Checker(loaded, problems, root)
    data = loaded.data
    if data is None:
        return {}
    if not isinstance(data, dict):
        c.add((), "E202", "cấu hình trang web phải là các dòng \"khóa: giá trị\"")
        return {}
    for key in data:
        if key in CODE_KEYS:
            c.add((key,), REFUSED, CODE_KEYS[key])
        elif key in OWNED_KEYS:
            c.add((key,), "W201", f"trường \"{key}\" do công cụ tự đặt; giá trị trong tệp bị "
                                  "bỏ qua")

    def host(key: str) -> str | None:
        m = _HTTP.fullmatch(str(data.get(key) or ""))
        return m["host"].lower() if m else None

    hosts = {h for h in (host("site_url"), host("repo_url")) if h}

    def top(key: str, value: Any, path: Path_) -> Any:
        if key in TEXT_KEYS:
            return c.text(value, path)
        if key in ("site_url", "repo_url"):
            return c.url(value, path, None)
        if key == "edit_uri":
            return c.url(value, path, hosts)
        if key == "theme":
            return c.mapping(value, path, THEME_KEYS, theme)
        return c.mapping(value, path, EXTRA_KEYS, extra)

    def theme(key: str, value: Any, path: Path_) -> Any:
        if key == "name":
            return c.choice(value, path, ("material",))
        if key == "language":
            return c.choice(value, path, LANGUAGES)
        if key == "font":
            if value is not False:
                c.add(path, REFUSED, "\"theme.font\" phải là false: trang nội bộ không tải phông "
                                     "chữ từ máy chủ ngoài (Google Fonts)")
                return None
            return False
        if key == "features":
            if not isinstance(value, list):
                c.add(path, "E202", "\"theme.features\" phải là danh sách")
                return None
            kept = []
            for i, item in enumerate(value):
                if item in FEATURES:
                    kept.append(item)
                else:
                    c.add((*path, i), "W201", f"tính năng {item!r} không được hỗ trợ và bị bỏ qua"
                                              f"{_suggest(str(item), FEATURES)}")
            return kept
        if key == "palette":
            if isinstance(value, dict):
                return c.mapping(value, path, PALETTE_KEYS, palette)
            if not isinstance(value, list):
                c.add(path, "E202", "\"theme.palette\" phải là bảng khóa: giá trị hoặc danh sách")
                return None
            return [c.mapping(item, (*path, i), PALETTE_KEYS, palette)
                    for i, item in enumerate(value)]
        return c.asset(value, path)  # logo, favicon

    def palette(key: str, value: Any, path: Path_) -> Any:
        if key == "media":
            text = c.text(value, path)
            if text is not None and not _MEDIA.fullmatch(text):
                c.add(path, "E203", f"\"{_name(path)}\": {text!r} không phải điều kiện media hợp lệ")
                return None
            return text
        if key == "scheme":
            return c.choice(value, path, SCHEMES)
        if key in ("primary", "accent"):
            return c.choice(value, path, PRIMARY if key == "primary" else ACCENT)
        return c.mapping(value, path, TOGGLE_KEYS, toggle)

    def toggle(key: str, value: Any, path: Path_) -> Any:
        if key == "name":
            return c.text(value, path)
        text = c.text(value, path)
        if text is not None and not _ICON.fullmatch(text):
            c.add(path, "E203", f"\"{_name(path)}\": {text!r} không phải tên biểu tượng "
                                "(ví dụ material/weather-night)")
            return None
        return text

    def extra(key: str, value: Any, path: Path_) -> Any:
        if key == "generator":
            if not isinstance(value, bool):
                c.add(path, "E202", f"\"extra.generator\" phải là true hoặc false, nhưng đang là "
                                    f"{value!r}")
                return None
            return value
        return c.url(value, path, hosts)  # homepage

    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(key, str) and (key in CODE_KEYS or key in OWNED_KEYS):
            continue
        if not isinstance(key, str) or key not in TOP_KEYS:
            c.unknown((key,), TOP_KEYS)
            continue
        if key == "extra" and isinstance(value, dict) and "analytics" in value:
            c.add(("extra", "analytics"), REFUSED, "không dùng \"extra.analytics\": trang nội bộ "
                  "không gửi dữ liệu người đọc ra máy chủ ngoài")
            value = {k: v for k, v in value.items() if k != "analytics"}
        kept = top(key, value, (key,))
        if kept is not None:
            out[key] = kept
    return out


def read_settings(text: str, problems: Problems, root: Path) -> dict[str, Any]:
    """Plain data of mkdocs.yml *text*: tags refused before anything is built from it, then the
    safe positioned loader (no aliases, no keys written twice), then :func:`check_settings`."""
    if _tag_problems(text, problems):
        return {}
    try:
        loaded = load_yaml(text)
    except YamlSyntaxError as err:
        problems.add(SITE_CONFIG, err.line, err.col, "E101", err.message)
        return {}
    return check_settings(loaded, problems, root)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def engine_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """What of *config* the site engine may see: the allowed keys only (whatever *config* holds,
    so no ``INHERIT`` or hook can reach the generated mkdocs.yml), every text HTML-escaped:
    Material's and Zensical's templates print ``site_name``, ``copyright``, ``site_description``
    and the palette's toggle names as HTML, so escaping here makes them text."""
    allowed = check_settings(Loaded(dict(config), {}), Problems(), None)  # the same rules again
    out = {k: v for k, v in allowed.items() if k not in ("repo_url", "edit_uri")}
    if "theme" in out:
        out["theme"] = {k: v for k, v in out["theme"].items() if k not in ("name", "font")}
    return _escaped(out)
