"""Where the shared material is (``shared/``: the OCDS schema, extensions and samples; the Korean portal's reference).

Tests read it through ``../shared`` beside the repository (shared/README.md). A clone placed elsewhere points at it
with ``JANGTER_SHARED_DIR``; failing both, the workplace's own copy (``/work/shared``) is used. The tests that need
it fail with a clear message when none of these exists: they are never skipped."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    candidates = [ROOT.parent / "shared", Path("/work/shared")]
    if os.environ.get("JANGTER_SHARED_DIR"):
        candidates.insert(0, Path(os.environ["JANGTER_SHARED_DIR"]))
    return next((c for c in candidates if c.is_dir()), candidates[0])


SHARED = shared_dir()
