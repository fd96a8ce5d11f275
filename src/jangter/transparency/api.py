"""The public log over HTTP: the platform key, tree heads, entries, proofs and the auditor's export."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import select

from jangter.kernel import translog
from jangter.kernel.errors import DomainError
from jangter.transparency.export import export
from jangter.web.http import Ctx

router = APIRouter(prefix="/api/v1/log", tags=["transparency log"])


class KeyOut(BaseModel):
    key_id: str
    public_key: str  # Ed25519, raw, hex


class HeadOut(BaseModel):
    log: str
    size: int
    root: str
    timestamp: str
    signature: str
    key_id: str


class EntryOut(BaseModel):
    index: int
    kind: str
    subject: str
    body: dict[str, Any]
    leaf_hash: str


class ProofOut(BaseModel):
    proof: list[str]


def _no_head() -> DomainError:
    return DomainError("log_empty", "아직 서명된 트리 헤드가 없습니다.", "No signed tree head yet.", status=404)


@router.get("/key", response_model=KeyOut, summary="The platform's public key (receipts and tree heads)")
def key(ctx: Ctx) -> KeyOut:
    return KeyOut(key_id=ctx.signer.key_id, public_key=ctx.signer.public_bytes.hex())


@router.get("/head", response_model=HeadOut, summary="The latest signed tree head")
def head(ctx: Ctx) -> HeadOut:
    with ctx.db.reading() as session:
        sth = translog.latest_head(session)
    if sth is None:
        raise _no_head()
    return HeadOut(**sth.as_dict())


@router.get("/heads", response_model=list[HeadOut], summary="Every signed tree head, oldest first")
def heads(ctx: Ctx) -> list[HeadOut]:
    with ctx.db.reading() as session:
        rows = session.scalars(select(translog.TreeHead).order_by(translog.TreeHead.size)).all()
    return [
        HeadOut(
            log=translog.LOG_ID, size=h.size, root=h.root, timestamp=h.timestamp, signature=h.signature, key_id=h.key_id
        )
        for h in rows
    ]


@router.get("/entries", response_model=list[EntryOut], summary="Log entries from `start`, oldest first")
def entries(
    ctx: Ctx, start: Annotated[int, Query(ge=0)] = 0, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[EntryOut]:
    with ctx.db.reading() as session:
        rows = session.scalars(
            select(translog.LogEntry)
            .where(translog.LogEntry.index >= start)
            .order_by(translog.LogEntry.index)
            .limit(limit)
        ).all()
    return [
        EntryOut(index=e.index, kind=e.kind, subject=e.subject, body=json.loads(bytes(e.body)), leaf_hash=e.leaf_hash)
        for e in rows
    ]


@router.get("/proof/inclusion", response_model=ProofOut, summary="Inclusion proof of entry `index` in tree `size`")
def inclusion(ctx: Ctx, index: Annotated[int, Query(ge=0)], size: Annotated[int, Query(ge=1)]) -> ProofOut:
    with ctx.db.reading() as session:
        if translog.head_of_size(session, size) is None or index >= size:
            raise DomainError(
                "proof_unavailable",
                "그 크기의 서명된 트리 헤드가 없습니다.",
                "There is no signed tree head of that size.",
                status=404,
            )
        return ProofOut(proof=translog.inclusion(session, index, size))


@router.get("/proof/consistency", response_model=ProofOut, summary="Consistency proof from tree `old` to `new`")
def consistency(ctx: Ctx, old: Annotated[int, Query(ge=1)], new: Annotated[int, Query(ge=1)]) -> ProofOut:
    with ctx.db.reading() as session:
        if old > new or translog.head_of_size(session, new) is None or translog.head_of_size(session, old) is None:
            raise DomainError(
                "proof_unavailable",
                "그 크기의 서명된 트리 헤드가 없습니다.",
                "There is no signed tree head of those sizes.",
                status=404,
            )
        return ProofOut(proof=translog.consistency(session, old, new))


@router.get("/export", summary="The whole log with the records it vouches for (for `jangter verify-log export`)")
def full_export(ctx: Ctx) -> dict[str, Any]:
    return export(ctx)
