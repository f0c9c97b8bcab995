"""``baocao build``: load → compute → render → write, for the website and every document.

The repository is loaded and checked by the caller. This verb first refuses it when an issued
report changed since it was issued (E601, :mod:`baocao.lock`), whoever calls it (the CLI,
``serve``, a script), before anything is written. It then reads what the site is made of besides
the repository (mkdocs.yml, git history, the editors' guide), computes the fingerprint of all of
it, and does nothing when the published site was made from the same inputs. Otherwise the write
stage renders and writes everything into a staging folder and swaps it in
(:func:`baocao.write.site_build.write_site`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..lock import document_changes, ensure_issued_unchanged
from ..model import Repository
from ..render.site import GUIDE_SOURCE
from ..repofiles import read_setting_text
from ..site_inputs import SiteBuildError, read_git_history, read_site_config
from ..write.fingerprint import content_snapshot as content_snapshot
from ..write.fingerprint import input_fingerprint
from ..write.names import templates_dir
from ..write.publish import recorded_fingerprint, recover
from ..write.site_build import BuildResult, Progress, SiteInputs, write_site


def build(
    repo: Repository, root: Path, out_dir: Path, progress: Progress | None = None, *,
    as_of: date | None = None, tree_dir: Path | None = None, force: bool = False,
    snapshot: str | None = None,
) -> BuildResult:
    """Build the website and every report's documents into *out_dir*, atomically.

    *as_of* is the day the task register computes statuses for (default: today). With
    *tree_dir*, the generated site tree is written there and kept (it is replaced by the next
    build with the same folder), e.g. to build it with Zensical as well.

    *snapshot* is :func:`content_snapshot` of *root* taken before *repo* was loaded. With it,
    when the fingerprint of everything the site is made from (:func:`input_fingerprint`)
    equals the one recorded in *out_dir* by the previous build, nothing is rendered or written
    (unless *force*): a rebuild with no change does almost nothing. Without it, the content
    on disk may no longer be what *repo* holds: the build does the work and records no
    fingerprint. Documents, section HTML and search-index shards that did not change come from
    ``.baocao-cache/``; with *force*, every page and every document is built again.

    Raises ContentError (E601, E602, nothing written) when an issued report changed since it was
    issued. ``result.warnings`` lists the issued documents whose bytes differ from the issued
    ones although their content did not change (W602: a template or tool changed them).
    """
    ensure_issued_unchanged(repo, root)
    say = progress or (lambda _msg: None)
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    recover(out_dir)
    config = read_site_config(root)  # a bad mkdocs.yml fails before any work
    templates = templates_dir(root)
    if not (templates / "site" / "pages").is_dir():
        raise SiteBuildError(f"thiếu thư mục {templates / 'site'} (mẫu trang web); hãy lấy lại "
                             "thư mục templates/ của công cụ")
    revisions = read_git_history(root)
    day = as_of or date.today()
    inputs = SiteInputs(
        config=config, revisions=revisions,
        guide=read_setting_text(root, GUIDE_SOURCE),  # no link, no special file (E108)
        as_of=day, fingerprint=(input_fingerprint(snapshot, config, templates, day, revisions)
                                if snapshot is not None else None),
    )
    if not force and inputs.fingerprint is not None \
            and recorded_fingerprint(out_dir) == inputs.fingerprint:
        say("Không có thay đổi: trang web và văn bản trong "
            f"{out_dir.name}/ đã đúng với nội dung hiện tại.")
        return BuildResult(out_dir, unchanged=True)
    result = write_site(repo, root, out_dir, inputs, say, tree_dir=tree_dir, force=force)
    # An issued document whose bytes differ from the issued ones, its content unchanged: a
    # template or tool changed it. Said in the summary, so the clerk knows before CI publishes.
    result.warnings = document_changes(repo, root, out_dir)
    return result
