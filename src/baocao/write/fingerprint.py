"""The no-change fingerprint of a site build: a digest of everything the published site is made
from, computed before anything is rendered (equal to the recorded one: nothing to do)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..render.site import DIRECTIVES_SOURCE, GUIDE_SOURCE, Revision

#: Version of the fingerprint's recipe: changing what goes into it changes this.
_FINGERPRINT_FORMAT = b"baocao-site-inputs-2\0"


@lru_cache(maxsize=1)
def package_digest() -> str:
    """Digest of baocao's own source (renderers, search, writers): new code, new site."""
    package = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def input_fingerprint(root: Path, config: Mapping[str, Any], templates: Path, as_of: date,
                      revisions: Mapping[str, Revision]) -> str:
    """Digest of everything the published site is made from, computed before any rendering:
    the bytes of every content file, directives.yaml, organization.yaml and the editors'
    guide; the register date; the git history the pages show; the site config; templates and
    fonts; baocao's own code; the versions of pandoc, typst, MkDocs, Material and Pagefind; and
    SOURCE_DATE_EPOCH. Equal to the one recorded in the published site: nothing to do."""
    from importlib.metadata import version

    from ..cache import templates_digest, tool_versions

    h = hashlib.sha256(_FINGERPRINT_FORMAT)
    sources = sorted(p for p in (root / "content").rglob("*") if p.is_file())
    sources += [root / name for name in (DIRECTIVES_SOURCE, "organization.yaml", GUIDE_SOURCE)]
    for path in sources:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b"\0missing"
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + data + b"\0")
    h.update(as_of.isoformat().encode())
    h.update(json.dumps({k: [v.date.isoformat(), list(v.authors)] for k, v in revisions.items()},
                        sort_keys=True).encode())
    h.update(json.dumps(config, sort_keys=True, default=str).encode())
    h.update(templates_digest(templates).encode())
    h.update(tool_versions().encode())
    h.update(package_digest().encode())
    h.update(os.environ.get("SOURCE_DATE_EPOCH", "").encode())
    h.update(f"{version('mkdocs')} {version('mkdocs-material')} {version('pagefind')}".encode())
    return h.hexdigest()
