"""The public, append-only, tamper-evident log of decisive events (DESIGN §4 "Transparency log").

A use case appends an event to ``log_pending`` in its own transaction, so no event is ever lost and none exists
without its cause. The integrator (the worker) gives pending events consecutive indexes, stores the hashes of
the perfect subtrees they complete, and signs a tree head (STH) with the platform key. Anyone holding an STH can
check that an entry is in the log (inclusion proof) and that a later log only appended to an earlier one
(consistency proof), without access to the database — see ``jangter verify-log``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Table, Text, delete, func, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from jangter.kernel import merkle
from jangter.kernel.canonical import canonical_json
from jangter.kernel.counters import Counter
from jangter.kernel.db import Base, BigIntPK, UTCDateTime
from jangter.kernel.signing import PlatformSigner, verify_signature

LOG_ID = "jangter"


class LogPending(Base):
    __tablename__ = "log_pending"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(40), index=True)  # what the event is about (a notice number)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LogEntry(Base):
    __tablename__ = "log_entry"

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(40), index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LogNode(Base):
    """The hash of a perfect subtree: leaves ``[index·2^level, (index+1)·2^level)``."""

    __tablename__ = "log_node"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class TreeHead(Base):
    __tablename__ = "tree_head"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(16))


@dataclass(frozen=True)
class SignedTreeHead:
    size: int
    root: str
    timestamp: str
    signature: str
    key_id: str

    def message(self) -> bytes:
        return sth_message(self.size, self.root, self.timestamp)

    def as_dict(self) -> dict[str, Any]:
        return {
            "log": LOG_ID,
            "size": self.size,
            "root": self.root,
            "timestamp": self.timestamp,
            "signature": self.signature,
            "key_id": self.key_id,
        }


def sth_message(size: int, root: str, timestamp: str) -> bytes:
    return canonical_json({"log": LOG_ID, "root": root, "size": size, "timestamp": timestamp})


def verify_sth(sth: dict[str, Any], public_key: bytes) -> bool:
    try:
        message = sth_message(int(sth["size"]), str(sth["root"]), str(sth["timestamp"]))
        return verify_signature(public_key, message, bytes.fromhex(str(sth["signature"])))
    except (KeyError, ValueError, TypeError):
        return False


_INSERT_PENDING = insert(cast(Table, LogPending.__table__))


@dataclass(frozen=True)
class Appended:
    body: bytes
    leaf_hash: str


def append(session: Session, kind: str, subject: str, body: dict[str, Any], at: datetime) -> Appended:
    """Queue an event for the log in the caller's transaction; returns its exact bytes and leaf hash."""
    data = canonical_json({"event": kind, "subject": subject, **body})
    session.execute(_INSERT_PENDING, {"kind": kind, "subject": subject, "body": data, "created_at": at})
    return Appended(data, merkle.leaf_hash(data).hex())


class _DbHashes:
    """Perfect-subtree hashes read from ``log_node`` (cached for one operation)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[tuple[int, int], bytes] = {}

    def perfect(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self.cache:
            value = self.session.scalar(select(LogNode.hash).where(LogNode.level == level, LogNode.index == index))
            if value is None:
                raise LookupError(f"log node {level}/{index} is missing")
            self.cache[key] = bytes(value)
        return self.cache[key]


def size(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LogEntry)) or 0


@dataclass(frozen=True)
class Candidate:
    """An event waiting for its index, from the queue or from another source (bids are read from their table)."""

    at: datetime
    kind: str
    subject: str
    body: bytes
    on_logged: Callable[[int], None]


class EventSource(Protocol):
    def unlogged(self, session: Session, limit: int) -> list[Candidate]: ...


def integrate(
    session: Session, signer: PlatformSigner, now: datetime, *, sources: Sequence[EventSource] = (), limit: int = 5000
) -> SignedTreeHead | None:
    """Give waiting events their indexes, oldest first, and sign a new tree head. One integrator at a time."""
    lock = session.get(Counter, "log", with_for_update=True)
    if lock is None:
        session.add(Counter(name="log", value=0))
        session.flush()
        lock = session.get(Counter, "log", with_for_update=True)
    assert lock is not None
    pending = session.scalars(select(LogPending).order_by(LogPending.id).limit(limit)).all()
    logged_pending: list[int] = []

    def remember(pending_id: int) -> Callable[[int], None]:
        return lambda _index: logged_pending.append(pending_id)

    candidates = [Candidate(p.created_at, p.kind, p.subject, p.body, remember(p.id)) for p in pending]
    for source in sources:
        candidates += source.unlogged(session, limit)
    if not candidates:
        return None
    candidates.sort(key=lambda c: c.at)
    hashes = _DbHashes(session)
    start = lock.value
    for offset, event in enumerate(candidates[:limit]):
        index = start + offset
        leaf = merkle.leaf_hash(event.body)
        session.add(
            LogEntry(
                index=index,
                kind=event.kind,
                subject=event.subject,
                body=event.body,
                leaf_hash=leaf.hex(),
                created_at=event.at,
            )
        )
        event.on_logged(index)
        hashes.cache[(0, index)] = leaf
        new_nodes = [(0, index, leaf)]
        level, position, current = 0, index, leaf
        while position % 2 == 1:
            sibling = hashes.perfect(level, position - 1)
            current = merkle.node_hash(sibling, current)
            level, position = level + 1, position // 2
            hashes.cache[(level, position)] = current
            new_nodes.append((level, position, current))
        session.add_all(LogNode(level=lv, index=ix, hash=h) for lv, ix, h in new_nodes)
    new_size = start + len(candidates[:limit])
    lock.value = new_size
    if logged_pending:
        session.execute(delete(LogPending).where(LogPending.id.in_(logged_pending)))
    root_hex = merkle.root(hashes, new_size).hex()
    timestamp = now.isoformat()
    signature = signer.sign(sth_message(new_size, root_hex, timestamp)).hex()
    session.add(TreeHead(size=new_size, root=root_hex, timestamp=timestamp, signature=signature, key_id=signer.key_id))
    return SignedTreeHead(new_size, root_hex, timestamp, signature, signer.key_id)


def latest_head(session: Session) -> SignedTreeHead | None:
    head = session.scalars(select(TreeHead).order_by(TreeHead.size.desc()).limit(1)).one_or_none()
    return None if head is None else _sth(head)


def head_of_size(session: Session, tree_size: int) -> SignedTreeHead | None:
    head = session.get(TreeHead, tree_size)
    return None if head is None else _sth(head)


def _sth(head: TreeHead) -> SignedTreeHead:
    return SignedTreeHead(head.size, head.root, head.timestamp, head.signature, head.key_id)


def inclusion(session: Session, index: int, tree_size: int) -> list[str]:
    return [h.hex() for h in merkle.inclusion_proof(_DbHashes(session), index, tree_size)]


def consistency(session: Session, old_size: int, new_size: int) -> list[str]:
    return [h.hex() for h in merkle.consistency_proof(_DbHashes(session), old_size, new_size)]


def entry_by_leaf(session: Session, leaf_hash: str) -> LogEntry | None:
    return session.scalars(select(LogEntry).where(LogEntry.leaf_hash == leaf_hash)).one_or_none()


def events(session: Session, kind: str, subject: str) -> list[dict[str, Any]]:
    """The bodies of a subject's events of one kind, logged or still queued, oldest first."""
    logged = session.scalars(
        select(LogEntry.body).where(LogEntry.kind == kind, LogEntry.subject == subject).order_by(LogEntry.index)
    ).all()
    queued = session.scalars(
        select(LogPending.body).where(LogPending.kind == kind, LogPending.subject == subject).order_by(LogPending.id)
    ).all()
    return [json.loads(body) for body in [*logged, *queued]]
