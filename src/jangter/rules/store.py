"""Rule-set files loaded by operators (``jangter rules load``): kept in the database, read by every process.

Next year's law arrives as a TOML file — a new rule set with its effective date, or a temporary measure with its
period. Loading checks it against every rule set already known (values in range, no two base sets on one day, no
two measures setting the same value on the same days, every measure valid over every base set it can meet) and
refuses one that would take effect before today: what was decided under the old rules stays decided. A loaded file
is never edited; a correction is a new version. Each load is audited and written to the public log.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, Text, func, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.identity.domain.roles import Actor, Role, require_role
from jangter.identity.service import audit_actor
from jangter.kernel import audit, translog
from jangter.kernel.audit import AuditActor
from jangter.kernel.calendar import seoul_date
from jangter.kernel.context import AppContext
from jangter.kernel.db import Base, BigIntPK, Database, UTCDateTime
from jangter.kernel.errors import DomainError
from jangter.rules.domain import RuleBook
from jangter.rules.loader import RuleSetError, parse_rule_book

log = logging.getLogger("jangter.rules")

STORED = "loaded:"  # the source name of a stored file in error messages and in the book's documents


class RuleFile(Base):
    __tablename__ = "rule_file"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    version: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # rule_set | measure
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    loaded_by: Mapped[str] = mapped_column(String(200))


@dataclass(frozen=True)
class LoadedFile:
    version: str
    kind: str
    filename: str
    sha256: str
    loaded_at: datetime
    loaded_by: str


def _source(row: RuleFile) -> str:
    return f"{STORED}{row.filename}"


def stored_documents(session: Session) -> list[tuple[str, str]]:
    rows = session.scalars(select(RuleFile).order_by(RuleFile.id)).all()
    return [(_source(r), r.content) for r in rows]


def stored_documents_if_migrated(db: Database) -> list[tuple[str, str]]:
    """At start-up, before ``jangter migrate`` has made the table, there is nothing stored yet."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table(RuleFile.__tablename__):
            return []
    with db.reading() as session:
        return stored_documents(session)


def _base_documents(book: RuleBook) -> list[tuple[str, str]]:
    return [d for d in book.documents if not d[0].startswith(STORED)]


def check(ctx: AppContext, filename: str, text: str) -> RuleBook:
    """The book as it would be with this file loaded; refuses the file with the file, the key and the reason."""
    with ctx.db.reading() as session:
        stored = stored_documents(session)
    if _declared_version(text) in _known(ctx.rules):
        raise _adds_nothing()
    try:
        book = parse_rule_book([*_base_documents(ctx.rules), *stored, (f"{STORED}{filename}", text)])
    except RuleSetError as exc:
        raise DomainError(
            "rule_file_invalid",
            f"규칙 파일이 올바르지 않습니다: {exc}",
            f"The rule file is not valid: {exc}",
            status=422,
        ) from None
    new = new_versions(ctx.rules, book)
    if not new:
        raise _adds_nothing()
    today = seoul_date(ctx.clock.now())
    for version in new:
        starts = _starts(book, version)
        if starts < today:
            raise DomainError(
                "rule_file_in_the_past",
                f"{version}은(는) {starts.isoformat()}부터 시행되어 이미 지난 날에 적용됩니다. 지난 결정을 바꿀 수 "
                "없으므로 오늘 이후부터 시행되는 파일만 올릴 수 있습니다.",
                f"{version} would take effect on {starts.isoformat()}, in the past; what was decided under the old "
                "rules stays decided, so a file must take effect today or later.",
                status=422,
            )
    return book


def _adds_nothing() -> DomainError:
    return DomainError(
        "rule_file_adds_nothing",
        "이 파일의 버전은 이미 있습니다. 고치려면 새 버전으로 만드십시오.",
        "This file's version is already known; a correction needs a new version.",
        status=409,
    )


def _declared_version(text: str) -> object:
    try:
        return tomllib.loads(text).get("version")
    except tomllib.TOMLDecodeError:
        return None  # the full check names the problem


def _known(book: RuleBook) -> set[str]:
    return {r.version for r in book.all()} | {m.version for m in book.measures()}


def new_versions(old: RuleBook, new: RuleBook) -> list[str]:
    known = _known(old)
    return [v for v in [*(r.version for r in new.all()), *(m.version for m in new.measures())] if v not in known]


def _starts(book: RuleBook, version: str) -> date:
    for rule_set in book.all():
        if rule_set.version == version:
            return rule_set.effective_from
    return next(m.effective_from for m in book.measures() if m.version == version)


def load(ctx: AppContext, by: Actor | str | None, filename: str, text: str) -> LoadedFile:
    """Check the file, store it, log it, and let this process use it at once (others within a worker pass).

    ``by``: the operator, or for the command line (which runs with database access) a description of who ran it.
    """
    who = (
        AuditActor(None, f"command line ({by})")
        if isinstance(by, str)
        else audit_actor(require_role(by, Role.OPERATOR))
    )
    book = check(ctx, filename, text)
    [version] = new_versions(ctx.rules, book)  # a file holds one version
    kind = "measure" if any(m.version == version for m in book.measures()) else "rule_set"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    now = ctx.clock.now()
    with ctx.uow() as uow:
        uow.session.add(
            RuleFile(
                version=version,
                kind=kind,
                filename=filename,
                content=text,
                sha256=digest,
                loaded_at=now,
                loaded_by=who.label,
            )
        )
        audit.record(
            uow.session,
            at=now,
            actor=who,
            action="rules.load",
            entity_type="rule_file",
            entity_id=version,
            after={"kind": kind, "filename": filename, "sha256": digest},
        )
        translog.append(uow.session, "rules.loaded", version, {"kind": kind, "sha256": digest}, now)
        uow.commit()
    ctx.rules.adopt(book)
    log.info("rule file %s loaded: %s %s (sha256 %s)", filename, kind, version, digest)
    return LoadedFile(version, kind, filename, digest, now, who.label)


def refresh(ctx: AppContext) -> bool:
    """Pick up files another process loaded (called by the due-event worker); True when the book changed."""
    with ctx.db.reading() as session:
        count = session.scalar(select(func.count()).select_from(RuleFile)) or 0
        if count == sum(1 for d in ctx.rules.documents if d[0].startswith(STORED)):
            return False
        stored = stored_documents(session)
    ctx.rules.adopt(parse_rule_book([*_base_documents(ctx.rules), *stored]))
    log.info("rule book refreshed: %d loaded file(s)", len(stored))
    return True


def loaded_files(ctx: AppContext) -> list[LoadedFile]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(RuleFile).order_by(RuleFile.id)).all()
    return [LoadedFile(r.version, r.kind, r.filename, r.sha256, r.loaded_at, r.loaded_by) for r in rows]
