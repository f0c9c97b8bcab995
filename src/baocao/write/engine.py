"""``python -m baocao.write.engine ARGS…``: ``mkdocs build ARGS…`` for baocao's builds.

The same command as ``python -m mkdocs build``, with these changes:

- A build starts it early, with $BAOCAO_ENGINE_WAIT set: it imports MkDocs and Material while
  the build writes documents and pages, then waits for the go (see :func:`main`).

- With $BAOCAO_TEMPLATE_CACHE set to a folder, the theme's Jinja templates are compiled once
  and kept there (Jinja's FileSystemBytecodeCache, checked against each template's source):
  compiling Material's templates is a third of an incremental build's engine time.

- The config file is read as plain data first (:func:`refuse_unsafe_config`): MkDocs loads it
  with PyYAML's full loader, which runs ``!!python/object/apply`` tags and follows ``INHERIT`` to
  any file. The build generates a plain file (``settings.engine_settings``); a file with a tag
  or INHERIT is refused before MkDocs sees it.

The other two only matter with ``--dirty`` (an incremental build, see
``write/site_tree.py: reuse_pages``):

- MkDocs warns that a dirty build "will likely lead to inaccurate navigation"; under
  ``--strict`` that warning would fail the build. baocao only asks for a dirty build when the
  navigation, the config, the theme and the set of files are those of the previous build, so
  the warning is dropped (every other warning still fails the build).
- A page that has not changed is not rendered again, but its source is still read, so its
  metadata and title are there for the navigation of the pages that are rendered: they come
  out as a full build writes them.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
from typing import Any

DIRTY_WARNING = "A 'dirty' build is being performed"
#: Starts the line of a file-system failure (a full disk): the build raises a DiskError with
#: the rest of the line (:meth:`baocao.write.site_engine.Engine.finish`).
DISK_ERROR = "ERROR    -  baocao-disk: "
#: Folder for the compiled templates (unset: compiled in memory for every build).
TEMPLATE_CACHE_ENV = "BAOCAO_TEMPLATE_CACHE"
#: Set by a build that starts the engine before the tree is ready (see :func:`main`).
WAIT_ENV = "BAOCAO_ENGINE_WAIT"


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


_PRELOAD = ("markdown.extensions.admonition", "markdown.extensions.tables",
            "markdown.extensions.toc", "material.plugins.search.plugin", "mkdocs.config.defaults",
            "mkdocs.structure.nav", "mkdocs.structure.pages", "mkdocs.theme")


def _preload() -> None:
    """Import what every build needs (MkDocs, Material, Markdown, Jinja): a third of a
    second, spent while the build process is still busy with the documents. A module that a
    later version moved is simply imported when the build needs it."""
    import importlib

    for name in _PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _option(args: list[str], long: str, short: str) -> str | None:
    """The value of the option *long*/*short* of a ``mkdocs build`` command line, or None."""
    for i, arg in enumerate(args):
        if arg in (long, short) and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(long + "="):
            return arg.split("=", 1)[1]
    return None


def _config_file(args: list[str]) -> str:
    """The ``--config-file``/``-f`` argument of a ``mkdocs build`` command line."""
    return _option(args, "--config-file", "-f") or "mkdocs.yml"


def refuse_unsafe_config(path: str) -> None:
    """Raise SiteBuildError when the engine config at *path* has a YAML tag (``!ENV``,
    ``!!python/…``, ``!relative``) or an ``INHERIT`` key: MkDocs would run or read it."""
    import yaml

    from ..errors import SiteBuildError

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        # libyaml's parser where PyYAML has it: the same events, 15 times faster (this runs
        # between the build's go and MkDocs' start)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        events = list(yaml.parse(text, Loader=loader))
        root = yaml.compose(text, Loader=loader)  # noqa: S506 - builds nothing
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return  # MkDocs says what is wrong with a file it cannot read
    for event in events:
        if getattr(event, "tag", None) is not None:
            raise SiteBuildError(f"{path}:{event.start_mark.line + 1}: cấu hình trang web có thẻ "
                                 f"YAML {event.tag!r}; không dựng")
    for key, _value in root.value if isinstance(root, yaml.MappingNode) else ():
        if isinstance(key, yaml.ScalarNode) and key.value == "INHERIT":
            raise SiteBuildError(f"{path}:{key.start_mark.line + 1}: cấu hình trang web có "
                                 "INHERIT (đọc tệp khác); không dựng")


def main(argv: list[str] | None = None) -> int:
    """With $BAOCAO_ENGINE_WAIT set (a build started the engine early), import everything,
    then wait for one line on stdin: the remaining arguments as a JSON list ("--dirty" or
    "--clean"); an empty stdin (the build stopped before it needed the site) ends quietly.
    Returns the exit code; a usage error raises ``baocao.errors.UsageError``."""
    from ..errors import UsageError, from_click_usage

    args = sys.argv[1:] if argv is None else argv
    if os.environ.get(WAIT_ENV):
        _preload()
        line = sys.stdin.readline()
        if not line.strip():
            return 0
        try:
            more = json.loads(line)
        except ValueError:
            more = None
        if not isinstance(more, list) or not all(isinstance(a, str) for a in more):
            raise UsageError("baocao.write.engine cần một danh sách JSON các tham số trên "
                             "đầu vào chuẩn (stdin)")
        args = [*args, *more]

    import click
    from mkdocs.__main__ import cli
    from mkdocs.commands import build as build_mod

    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
    cache = os.environ.get(TEMPLATE_CACHE_ENV)
    if cache:
        import jinja2
        from mkdocs.theme import Theme

        get_env = Theme.get_env

        def get_env_cached(self):  # noqa: ANN001, ANN202
            env = get_env(self)
            os.makedirs(cache, exist_ok=True)
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(cache)
            return env

        Theme.get_env = get_env_cached  # type: ignore[method-assign]
    args = patch_dirty_build(build_mod, args)
    refuse_unsafe_config(_config_file(args))
    name_unwritten_pages(build_mod)
    try:
        # Not standalone: click's usage errors come back here and are said in Vietnamese.
        code = cli.main(args=["build", *args], prog_name="mkdocs", standalone_mode=False)
    except click.UsageError as exc:
        raise from_click_usage(exc, "python -m baocao.write.engine") from exc
    except click.ClickException as exc:  # MkDocs' own failure (its ERROR lines are out already)
        exc.show()
        return exc.exit_code
    except OSError as exc:
        # A full disk, a quota, no permission: one line the build turns into a DiskError
        # (MkDocs' own "[Errno 28] …" line is not shown to a person).
        from ..errors import describe_os_error

        if not exc.filename and not exc.filename2:
            # A buffered write outside a page (a theme file, the sitemap) names no file: name
            # the site folder being written, never nothing.
            exc.filename = _option(args, "--site-dir", "-d")
        print(f"{DISK_ERROR}{describe_os_error(exc)}", file=sys.stderr, flush=True)
        return 1
    return code if isinstance(code, int) else 0


def name_unwritten_pages(build_mod: Any) -> None:
    """A page MkDocs could not write raises an OSError that names no file (a buffered write):
    give it the page's output path, what could not be written (the theme's 404.html and
    sitemap.xml too)."""
    build_page = getattr(build_mod, "_build_page", None)
    if build_page is None:
        return

    def build_page_named(page, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return build_page(page, *args, **kwargs)
        except OSError as exc:
            if not exc.filename:
                exc.filename = getattr(getattr(page, "file", None), "abs_dest_path", None)
            raise

    build_mod._build_page = build_page_named

    # The theme's own pages (404.html, sitemap.xml) are written the same way after the pages.
    build_template = getattr(build_mod, "_build_theme_template", None)
    if build_template is None:
        return

    def build_template_named(template_name, env, files, config, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return build_template(template_name, env, files, config, *args, **kwargs)
        except OSError as exc:
            if not exc.filename:
                exc.filename = os.path.join(config["site_dir"], template_name)
            raise

    build_mod._build_theme_template = build_template_named


def patch_dirty_build(build_mod: Any, args: list[str]) -> list[str]:
    """Make a dirty build read the sources of the pages it does not render (their titles and
    metadata are in the other pages' navigation); return the arguments to build with. Where
    MkDocs has no ``_populate_page`` (not the MkDocs 1.6 this was written for), a dirty build
    could miss those titles: it becomes a full build (the HTML taken over is replaced)."""
    populate = getattr(build_mod, "_populate_page", None)
    if populate is None:
        return ["--clean" if a == "--dirty" else a for a in args]

    def populate_or_read(page, config, files, dirty=False):  # noqa: ANN001, ANN202
        if dirty and not page.file.is_modified():
            page.read_source(config)  # meta and title, as a full build has them
            return
        populate(page, config, files, dirty)

    build_mod._populate_page = populate_or_read
    return args


if __name__ == "__main__":
    from ..errors import run_main

    # A bug in MkDocs or here: one line in MkDocs' format, so that the build shows it.
    run_main(main, prefix="ERROR    -  ")
