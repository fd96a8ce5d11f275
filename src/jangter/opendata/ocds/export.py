"""Daily bulk files (``jangter export ocds``): one release package per Seoul day, and a record package.

``releases-YYYY-MM-DD.json`` holds every release dated that day (Asia/Seoul); ``records.json`` (or
``records-YYYY-MM-DD.json`` with ``--day``) holds the record of every process (of every process with a release
that day). Files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from jangter.kernel.calendar import SEOUL
from jangter.kernel.context import AppContext
from jangter.opendata.ocds import packages, records, releases
from jangter.tendering.domain.notice import NoticeStatus
from jangter.tendering.orm import Notice

Progress = Callable[[int, int], None]
#: Where the operator publishes the bulk files (the packages' ``uri``); Jangter writes them, a web server serves them.
BULK_PATH = "/ocds/bulk/"


@dataclass(frozen=True)
class ExportReport:
    processes: int
    releases: int
    files: list[Path]


def _write(path: Path, document: dict[str, Any]) -> Path:
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(tmp, path)
    return path


def _numbers(ctx: AppContext, day: date | None) -> list[str]:
    with ctx.db.reading() as session:
        if day is None:
            return list(
                session.scalars(
                    select(Notice.number)
                    .where(Notice.status != NoticeStatus.DRAFT.value, Notice.first_published_at.is_not(None))
                    .order_by(Notice.id)
                )
            )
        start = datetime.combine(day, time(0, 0), tzinfo=SEOUL)
        return packages.changed_since(session, start)


def export(ctx: AppContext, out: Path, *, day: date | None = None, progress: Progress | None = None) -> ExportReport:
    """Write the bulk files into ``out``; with ``day``, only that Seoul day's releases and processes."""
    out.mkdir(parents=True, exist_ok=True)
    numbers = _numbers(ctx, day)
    by_day: dict[str, list[dict[str, Any]]] = {}
    compiled: list[dict[str, Any]] = []
    count = 0
    for done, number in enumerate(numbers, start=1):
        items = releases.releases(ctx, number)
        for release in items:
            released_on = datetime.fromisoformat(release["date"]).astimezone(SEOUL).date()
            if day is None or released_on == day:
                by_day.setdefault(released_on.isoformat(), []).append(release)
                count += 1
        if day is None or any(datetime.fromisoformat(r["date"]).astimezone(SEOUL).date() == day for r in items):
            compiled.append(records.record(items))
        if progress is not None:
            progress(done, len(numbers))
    files = []
    base = ctx.base_url + BULK_PATH
    for key in sorted(by_day):
        name = f"releases-{key}.json"
        items = sorted(by_day[key], key=lambda r: (r["date"], r["id"]))
        files.append(_write(out / name, packages.release_package(ctx, items, base + name)))
    name = f"records-{day.isoformat()}.json" if day is not None else "records.json"
    files.append(_write(out / name, packages.record_package(ctx, compiled, base + name)))
    return ExportReport(len(compiled), count, files)
