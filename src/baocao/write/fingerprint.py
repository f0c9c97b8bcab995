"""The no-change fingerprint of a site build: a digest of everything the published site is made
from, computed before anything is rendered (equal to the recorded one: nothing to do)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from .. import repofiles
from ..render.site import GUIDE_SOURCE, Revision

#: Version of the fingerprint's recipe: changing what goes into it changes this.
_FINGERPRINT_FORMAT = b"baocao-site-inputs-3\0"


def content_snapshot(root: Path) -> str:
    """Digest of the content a build reads: exactly the files the loader reads (one walk,
    :func:`baocao.repofiles.walk_repository`: organization.yaml, directives.yaml, every month
    folder's index.md, section files and issuance record), every other file of a month folder
    and the folders below it (the images its bodies may show: the loader reads those it names),
    the site settings (mkdocs.yml, which the loader checks too) and the editors' guide, each
    read the way the loader reads it (no link followed; what is refused is recorded as refused).

    Take it BEFORE loading the repository and give it to ``build``: a file saved after the
    snapshot (while the build reads or runs) then makes the next build's snapshot differ, so
    that build does the work. Taken after loading, it could record content the build never
    read, and the next build would say there is nothing to do."""
    root = Path(os.path.realpath(root))
    walk = repofiles.walk_repository(root)
    h = hashlib.sha256(b"baocao-content-4\0")
    for refused in walk.refused:
        h.update(b"refused\0" + refused.rel.encode() + b"\0")
    with repofiles.reading(root):
        assets = [a for m in walk.months if m.valid for a in m.asset_paths()]
        for rel in [*walk.reads(), *assets, repofiles.SITE_CONFIG_FILE, GUIDE_SOURCE]:
            try:
                data = repofiles.read_repo_bytes(root, rel)
            except FileNotFoundError:
                data = b"\0missing"
            except repofiles.RefusedFile as err:
                data = f"\0refused {err.code} {err.rel}".encode()
            except OSError as err:
                data = f"\0unreadable {err.errno}".encode()
            h.update(rel.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def input_fingerprint(snapshot: str, config: Mapping[str, Any], templates: Path, as_of: date,
                      revisions: Mapping[str, Revision]) -> str:
    """Digest of everything the published site is made from, computed before any rendering:
    the content (*snapshot*, :func:`content_snapshot` taken before the content was read); the
    register date; the git history the pages show; the site config; templates and fonts;
    baocao's own code (the whole package); the versions of pandoc, typst, MkDocs, Material and
    Pagefind; and SOURCE_DATE_EPOCH. Equal to the one recorded in the published site: nothing
    to do."""
    from importlib.metadata import version

    from ..cache import cache_tag, templates_digest

    h = hashlib.sha256(_FINGERPRINT_FORMAT)
    h.update(snapshot.encode() + b"\0")
    h.update(as_of.isoformat().encode())
    h.update(json.dumps({k: [v.date.isoformat(), list(v.authors)] for k, v in revisions.items()},
                        sort_keys=True).encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(cache_tag("site", templates_digest(templates)).encode())
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    h.update(f"{version('mkdocs')} {version('mkdocs-material')} {version('pagefind')}".encode())
    return h.hexdigest()
