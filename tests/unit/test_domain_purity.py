"""The domain core imports no web or database library (STYLE principle 2), checked on the source."""

import ast
from pathlib import Path

import jangter

FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "pydantic", "alembic", "jinja2", "uvicorn", "psycopg")
ROOT = Path(jangter.__file__).parent
PURE = [
    *ROOT.glob("*/domain/*.py"),
    ROOT / "helpdesk" / "domain.py",
    *ROOT.glob("opendata/imports/domain/*.py"),
    ROOT / "rules" / "domain.py",
    ROOT / "rules" / "loader.py",
    ROOT / "kernel" / "money.py",
    ROOT / "kernel" / "calendar.py",
    ROOT / "kernel" / "clock.py",
    ROOT / "kernel" / "lottery.py",
    ROOT / "kernel" / "ids.py",
    ROOT / "kernel" / "errors.py",
    ROOT / "bidding" / "unsealing.py",
    ROOT / "web" / "charts.py",
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_modules_exist() -> None:
    assert len(PURE) > 12


def test_no_domain_module_imports_a_web_or_database_library() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] in FORBIDDEN)
        for path in PURE
    }
    assert {k: v for k, v in offenders.items() if v} == {}
