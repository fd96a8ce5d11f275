"""Validating Jangter's OCDS with the shared offline validator (``../shared/ocds/validate_jsonschema.py``), run as
a subprocess against OCDS 1.1.5, the community extensions Jangter declares and Jangter's own extension."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jangter.opendata.ocds.api import EXTENSION_DIR
from jangter.opendata.ocds.packages import COMMUNITY_EXTENSION_DIRS
from tests.shared_material import SHARED as SHARED_DIR

ROOT = Path(__file__).resolve().parents[1]
#: The shared material sits beside the project root (``../shared``), in a worktree and in CI alike.
SHARED = SHARED_DIR / "ocds"
VALIDATOR = SHARED / "validate_jsonschema.py"
SCHEMA = SHARED / "standard-1__1__5" / "schema"


def extension_dirs() -> list[Path]:
    return [SHARED / "extensions" / name for name in COMMUNITY_EXTENSION_DIRS] + [EXTENSION_DIR]


def validate(path: Path) -> tuple[bool, str]:
    """(valid, the validator's output) for a package file."""
    if not VALIDATOR.exists():
        pytest.fail(f"the OCDS validator is missing: {VALIDATOR} (the shared material must sit at ../shared)")
    done = subprocess.run(
        [sys.executable, str(VALIDATOR), str(SCHEMA), str(path), *map(str, extension_dirs())],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.returncode == 0, done.stdout + done.stderr


def validate_document(document: dict[str, Any], path: Path) -> tuple[bool, str]:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return validate(path)
