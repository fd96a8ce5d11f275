"""Use cases of the OCDS import: import a file (one transaction), export what a batch kept, and the read-only
queries behind the API and the page. Only the command line imports; no route writes."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jangter.kernel import audit, cursors
from jangter.kernel.audit import AuditActor
from jangter.kernel.context import AppContext
from jangter.kernel.errors import DomainError, NotFound
from jangter.opendata.imports.domain import packages, summary
from jangter.opendata.imports.domain.packages import Item, NotOcds, PackageType
from jangter.opendata.imports.domain.report import Report
from jangter.opendata.imports.orm import ExternalProcess, ExternalRelease, ImportBatch, ImportBatchItem

CHUNK = 500
_ZERO = Decimal("0.0000")
_COUNTRY = re.compile(r"^[A-Z]{2}$")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    already_imported: bool  # the same file (by SHA-256) was imported before: nothing was done
    report: dict[str, Any]


def _refused(code: str, ko: str, en: str, field: str = "file") -> DomainError:
    return DomainError(code, ko, en, field=field, status=422)


def parse(data: bytes) -> Any:
    """The file's JSON (UTF-8, with or without a byte-order mark). NaN and Infinity are not JSON and are refused."""

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        return json.loads(data.decode("utf-8-sig"), parse_constant=no_constants)
    except UnicodeDecodeError as exc:
        raise _refused("ocds_not_utf8", "UTF-8 파일이 아닙니다.", f"The file is not UTF-8 ({exc.reason}).") from exc
    except ValueError as exc:
        raise _refused("ocds_invalid_json", "JSON 형식이 아닙니다.", f"The file is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise _refused(
            "ocds_invalid_json", "JSON이 너무 깊게 중첩되어 있습니다.", "The JSON is nested too deeply to read."
        ) from exc


def import_ocds(
    ctx: AppContext,
    data: bytes,
    file_name: str,
    *,
    by: str,
    source: str | None = None,
    country: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a release package, record package, release or record into the external processes (see
    ``domain/packages.py`` for what is kept and ``domain/summary.py`` for what is summarised)."""
    sha256 = hashlib.sha256(data).hexdigest()
    with ctx.db.reading() as session:
        before = session.scalars(select(ImportBatch).where(ImportBatch.sha256 == sha256)).first()
    if before is not None:
        return ImportResult(before.id, True, before.report)
    if country is not None and not _COUNTRY.match(country):
        raise _refused(
            "country_invalid",
            "국가는 ISO 3166 두 글자 대문자입니다 (예: UA).",
            "Country: two capitals (ISO 3166).",
            "country",
        )
    document = parse(data)
    try:
        package_type = packages.detect(document)
    except NotOcds as exc:
        raise _refused(exc.code, exc.message_ko, exc.message_en) from None
    meta, raw_items = packages.split(document, package_type)
    if meta is not None and packages.has_nul(meta):
        raise _refused("ocds_nul_character", "NUL 문자가 있는 패키지입니다.", "The package holds a NUL character.")
    report = Report()
    _check_package(meta, report)
    kind = package_type.item_kind
    kept = packages.sort_items(raw_items, kind, package_type, report)
    publisher = _publisher(meta)
    chosen_source = (source or "").strip() or publisher or _ocid_prefix(kept) or PurePath(file_name).stem
    now = ctx.clock.now()
    with ctx.uow() as uow:
        session = uow.session
        batch = ImportBatch(
            file_name=PurePath(file_name).name[:300],
            sha256=sha256,
            package_type=package_type.value,
            ocds_version=meta.get("version") if meta and isinstance(meta.get("version"), str) else None,
            publisher=publisher,
            source=chosen_source[:200],
            country=country,
            package_meta=meta,
            items=len(raw_items),
            kept=0,
            added=0,
            unchanged=0,
            dropped=0,
            processes=0,
            imported_at=now,
            imported_by=by[:200],
            report={},
        )
        session.add(batch)
        session.flush()
        added, unchanged, stored = _store(session, batch.id, package_type, kept, report, progress, len(raw_items))
        for item in stored:  # every kept item of the file is read (its issues belong to this file's report)
            _facts(item.document, kind, packages.where(package_type, item.position), report)
        ocids = sorted({item.ocid for item in stored})
        _summarise(session, ocids, kind, batch, now)
        batch.added, batch.unchanged, batch.kept = added, unchanged, len(stored)
        batch.dropped, batch.processes = len(report.dropped), len(ocids)
        batch.report = _report_json(batch, report)
        audit.record(
            session,
            at=now,
            actor=AuditActor(None, f"command line ({by})"),
            action="opendata.import",
            entity_type="import_batch",
            entity_id=str(batch.id),
            after={"file": batch.file_name, "sha256": sha256, "kept": batch.kept, "dropped": batch.dropped},
        )
        uow.commit()
        return ImportResult(batch.id, False, batch.report)


def _check_package(meta: dict[str, Any] | None, report: Report) -> None:
    if meta is None:
        return
    if not isinstance(meta.get("version"), str):
        report.note("ocds_version_missing", "$.version", meta.get("version"))
    for name in meta:
        if name not in packages.PACKAGE_FIELDS:
            report.note("unknown_field", f"$.{name}", name)


def _facts(document: dict[str, Any], kind: str, at: str, report: Report) -> list[summary.Facts]:
    if kind == "record":
        return summary.read_record(document, at, report)
    return [summary.read_release(document, at, report)]


def _publisher(meta: dict[str, Any] | None) -> str | None:
    publisher = (meta or {}).get("publisher")
    name = publisher.get("name") if isinstance(publisher, dict) else None
    return name.strip() or None if isinstance(name, str) else None


def _ocid_prefix(kept: Sequence[Item]) -> str | None:
    """The publisher's ocid prefix (``ocds-be6bcu``): the first two parts of the first kept ocid."""
    if not kept:
        return None
    return "-".join(kept[0].ocid.split("-")[:2])


def _store(
    session: Session,
    batch_id: int,
    package_type: PackageType,
    kept: list[Item],
    report: Report,
    progress: Progress | None,
    total: int,
) -> tuple[int, int, list[Item]]:
    """Store the new items, link every kept one to the batch; an item already stored with other content is
    dropped (``conflicting_release``)."""
    kind = package_type.item_kind
    added = unchanged = 0
    stored: list[Item] = []
    for start in range(0, len(kept), CHUNK):
        chunk = kept[start : start + CHUNK]
        existing = {
            (r.ocid, r.item_key): r
            for r in session.scalars(
                select(ExternalRelease).where(
                    ExternalRelease.kind == kind, ExternalRelease.ocid.in_({i.ocid for i in chunk})
                )
            )
        }
        for item in chunk:
            row = existing.get((item.ocid, item.key))
            if row is not None and row.digest != item.digest:
                dropped = packages.Dropped(item.position, "conflicting_release", item.ocid, item.key)
                report.drop(dropped, packages.where(package_type, item.position))
                continue
            if row is None:
                row = ExternalRelease(
                    ocid=item.ocid,
                    kind=kind,
                    item_key=item.key,
                    digest=item.digest,
                    document=item.document,
                    first_batch_id=batch_id,
                )
                session.add(row)
                session.flush()
                existing[(item.ocid, item.key)] = row
                added += 1
            else:
                unchanged += 1
            session.add(ImportBatchItem(batch_id=batch_id, position=item.position, release_id=row.id))
            stored.append(item)
        if progress is not None:
            progress(chunk[-1].position + 1, total)
    session.flush()
    return added, unchanged, stored


def _summarise(session: Session, ocids: list[str], kind: str, batch: ImportBatch, now: datetime) -> None:
    """Recompute the summary of every process the batch touched, from all its kept releases and records."""
    for start in range(0, len(ocids), CHUNK):
        chunk = ocids[start : start + CHUNK]
        documents: dict[str, list[tuple[str, dict[str, Any]]]] = {o: [] for o in chunk}
        for row in session.execute(
            select(ExternalRelease.ocid, ExternalRelease.kind, ExternalRelease.document).where(
                ExternalRelease.ocid.in_(chunk)
            )
        ):
            documents[row.ocid].append((row.kind, row.document))
        processes = {p.ocid: p for p in session.scalars(select(ExternalProcess).where(ExternalProcess.ocid.in_(chunk)))}
        for ocid in chunk:
            quiet = Report()  # issues were reported by the batch that brought each item
            facts = [f for k, d in documents[ocid] for f in _facts(d, k, "$", quiet)]
            process = processes.get(ocid)
            if process is None:
                process = ExternalProcess(
                    ocid=ocid, source=batch.source, country=batch.country, first_batch_id=batch.id
                )
                session.add(process)
            _apply(process, summary.combine(facts))
            process.last_batch_id = batch.id
            process.updated_at = now


def _apply(process: ExternalProcess, s: summary.Summary) -> None:
    process.title = s.title
    process.buyer_name = s.buyer_name
    process.procurement_method = s.procurement_method
    process.tender_status = s.tender_status
    process.tender_amount = s.tender_value.amount if s.tender_value else None
    process.tender_currency = s.tender_value.currency if s.tender_value else None
    process.tender_start, process.tender_end = s.tender_start, s.tender_end
    process.award_count = s.awards.count if s.awards else None
    process.award_total = s.awards.money.amount if s.awards else None
    process.award_currency = s.awards.money.currency if s.awards else None
    process.awarded_at = s.awards.latest if s.awards else None
    process.contract_count = s.contracts.count if s.contracts else None
    process.contract_total = s.contracts.money.amount if s.contracts else None
    process.contract_currency = s.contracts.money.currency if s.contracts else None
    process.signed_at = s.contracts.latest if s.contracts else None
    process.last_release_at = s.last_release_at
    process.releases = s.releases


def _report_json(batch: ImportBatch, report: Report) -> dict[str, Any]:
    return {
        "batch": batch.id,
        "file": batch.file_name,
        "sha256": batch.sha256,
        "package_type": batch.package_type,
        "ocds_version": batch.ocds_version,
        "publisher": batch.publisher,
        "source": batch.source,
        "country": batch.country,
        "counts": {
            "items": batch.items,
            "kept": batch.kept,
            "new": batch.added,
            "unchanged": batch.unchanged,
            "dropped": batch.dropped,
            "processes": batch.processes,
        },
        "dropped": [d.as_json() for d in sorted(report.dropped, key=lambda d: d.position)],
        "issues": report.issues_json(),
    }


# --- export ------------------------------------------------------------------------------------------------------


def export_batch(ctx: AppContext, batch_id: int) -> Any:
    """What the batch kept, in the file's own shape: the package's fields with the kept releases or records in file
    order, or the single release or record (``None`` when it was dropped). JSON-equal to the input's kept part."""
    with ctx.db.reading() as session:
        batch = session.get(ImportBatch, batch_id)
        if batch is None:
            raise NotFound("가져오기 묶음", "Import batch", "import_batch_not_found")
        documents = list(
            session.scalars(
                select(ExternalRelease.document)
                .join(ImportBatchItem, ImportBatchItem.release_id == ExternalRelease.id)
                .where(ImportBatchItem.batch_id == batch_id)
                .order_by(ImportBatchItem.position)
            )
        )
    array = PackageType(batch.package_type).array
    if array is None:
        return documents[0] if documents else None
    return {**(batch.package_meta or {}), array: documents}


# --- reading -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchView:
    id: int
    file_name: str
    package_type: str
    source: str
    country: str | None
    imported_at: datetime
    items: int
    kept: int
    added: int
    unchanged: int
    dropped: int
    processes: int
    report: dict[str, Any]


def _batch_view(b: ImportBatch) -> BatchView:
    return BatchView(
        b.id,
        b.file_name,
        b.package_type,
        b.source,
        b.country,
        b.imported_at,
        b.items,
        b.kept,
        b.added,
        b.unchanged,
        b.dropped,
        b.processes,
        b.report,
    )


def batches(ctx: AppContext, limit: int = 100) -> list[BatchView]:
    """The latest batches, newest first."""
    with ctx.db.reading() as session:
        rows = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)).all()
    return [_batch_view(b) for b in rows]


@dataclass(frozen=True)
class ProcessQuery:
    source: str | None = None
    country: str | None = None
    q: str = ""
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class ProcessPage:
    items: list[ExternalProcess]
    next_cursor: str | None
    count: int


def search_processes(ctx: AppContext, query: ProcessQuery) -> ProcessPage:
    """The external processes, newest import first, filtered by source, country and words of the ocid, title or
    buyer; with the count of everything that matches."""
    conditions = []
    if query.source:
        conditions.append(ExternalProcess.source == query.source)
    if query.country:
        conditions.append(ExternalProcess.country == query.country)
    for word in query.q.split()[:5]:
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        conditions.append(
            or_(
                ExternalProcess.ocid.ilike(pattern),
                ExternalProcess.title.ilike(pattern),
                ExternalProcess.buyer_name.ilike(pattern),
            )
        )
    limit = max(1, min(query.limit, 100))
    with ctx.db.reading() as session:
        count = session.scalar(select(func.count()).select_from(ExternalProcess).where(*conditions)) or 0
        page = select(ExternalProcess).where(*conditions)
        if query.cursor:
            page = page.where(ExternalProcess.id < cursors.decode(query.cursor, lambda raw: int(raw[0])))
        rows = list(session.scalars(page.order_by(ExternalProcess.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    return ProcessPage(rows[:limit], cursors.encode([rows[limit - 1].id]) if more else None, count)


@dataclass(frozen=True)
class ProcessDetail:
    process: ExternalProcess
    documents: list[dict[str, Any]]  # its kept releases and records, as imported
    batches: list[BatchView]


def get_process(ctx: AppContext, ocid: str) -> ProcessDetail:
    with ctx.db.reading() as session:
        process = session.scalars(select(ExternalProcess).where(ExternalProcess.ocid == ocid)).first()
        if process is None:
            raise NotFound("외부 조달 절차", "External process", "external_process_not_found")
        rows = session.execute(
            select(ExternalRelease.id, ExternalRelease.document)
            .where(ExternalRelease.ocid == ocid)
            .order_by(ExternalRelease.id)
        ).all()
        brought = session.scalars(
            select(ImportBatch)
            .where(
                ImportBatch.id.in_(
                    select(ImportBatchItem.batch_id).where(ImportBatchItem.release_id.in_([r.id for r in rows]))
                )
            )
            .order_by(ImportBatch.id)
        ).all()
    return ProcessDetail(process, [r.document for r in rows], [_batch_view(b) for b in brought])


@dataclass(frozen=True)
class CurrencyTotals:
    currency: str | None
    tenders: int
    tender_total: Decimal
    contracts: int
    contract_total: Decimal


@dataclass(frozen=True)
class SourceTotals:
    source: str
    countries: list[str]
    processes: int
    currencies: list[CurrencyTotals]


def totals_by_source(ctx: AppContext) -> list[SourceTotals]:
    """Per source: its processes, and per currency the tender values and the contract totals (never converted)."""
    p = ExternalProcess
    with ctx.db.reading() as session:
        heads = session.execute(
            select(p.source, p.country, func.count()).group_by(p.source, p.country).order_by(p.source, p.country)
        ).all()
        tenders = session.execute(
            select(p.source, p.tender_currency, func.count(), func.sum(p.tender_amount))
            .where(p.tender_amount.is_not(None))
            .group_by(p.source, p.tender_currency)
        ).all()
        contracts = session.execute(
            select(p.source, p.contract_currency, func.count(), func.sum(p.contract_total))
            .where(p.contract_total.is_not(None))
            .group_by(p.source, p.contract_currency)
        ).all()
    out: dict[str, tuple[set[str], int]] = {}
    for source, country, n in heads:
        seen, processes = out.get(source, (set(), 0))
        out[source] = (seen | ({country} if country else set()), processes + n)
    money: dict[tuple[str, str | None], list[Any]] = {}
    for source, currency, n, amount in tenders:
        money.setdefault((source, currency), [0, _ZERO, 0, _ZERO])[0:2] = [n, _decimal(amount)]
    for source, currency, n, amount in contracts:
        money.setdefault((source, currency), [0, _ZERO, 0, _ZERO])[2:4] = [n, _decimal(amount)]
    return [
        SourceTotals(
            source,
            sorted(countries),
            processes,
            [
                CurrencyTotals(currency, *values)
                for (s, currency), values in sorted(money.items(), key=lambda kv: (kv[0][0], kv[0][1] or "~"))
                if s == source
            ],
        )
        for source, (countries, processes) in out.items()
    ]


def _decimal(value: object) -> Decimal:
    """SQL sums come back as Decimal (PostgreSQL) or float/int (SQLite's NUMERIC affinity); shown to 4 places."""
    if value is None:
        return _ZERO
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.0001"))
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def sources(ctx: AppContext) -> list[str]:
    with ctx.db.reading() as session:
        return list(session.scalars(select(ExternalProcess.source).distinct().order_by(ExternalProcess.source)))


def iter_issue_lines(report: dict[str, Any]) -> Iterator[str]:
    """The report as lines of text (the command line prints them)."""
    counts = report["counts"]
    yield (
        f"batch {report['batch']}: {report['file']} ({report['package_type']}, OCDS {report['ocds_version'] or '?'}; "
        f"source {report['source']}{', ' + report['country'] if report['country'] else ''})"
    )
    yield (
        f"items {counts['items']}: kept {counts['kept']} "
        f"(new {counts['new']}, already imported {counts['unchanged']}), "
        f"dropped {counts['dropped']}; processes {counts['processes']}"
    )
    for dropped in report["dropped"][:20]:
        yield f"  dropped #{dropped['position']}: {dropped['reason']} (ocid {dropped['ocid']}, id {dropped['id']})"
    if len(report["dropped"]) > 20:
        yield f"  … and {len(report['dropped']) - 20} more dropped (all are in the stored report)"
    if report["issues"]:
        yield "not mapped or read with an assumption (kind: count, examples):"
    for kind, issue in report["issues"].items():
        examples = "; ".join(f"{e['where']} = {e['value']}" for e in issue["examples"])
        yield f"  {kind}: {issue['count']} — {issue['message']}. e.g. {examples}"
