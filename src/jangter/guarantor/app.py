"""The guarantee institution's web service: Jangter's requests in, a clerk's page, issued guarantees out."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import html
import json
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

import httpx2 as httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from jangter.kernel.canonical import canonical_json

log = logging.getLogger("jangter.guarantor")

metadata = MetaData()
requests_table = Table(
    "request",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jangter_reference", String(24), unique=True, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("contract", String(20), nullable=False),
    Column("title", String(300), nullable=False),
    Column("firm_business_number", String(12), nullable=False),
    Column("firm_name", String(200), nullable=False),
    Column("creditor", String(200), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("cover_until", Date, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),  # pending | issued | declined
    Column("reference", String(40), unique=True),
    Column("issued_amount", BigInteger),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("decided_at", DateTime(timezone=True)),
)
closing_table = Table(  # Jangter released or claimed a guarantee this institution issued
    "closing",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("jangter_reference", String(24), unique=True, nullable=False),
    Column("what", String(16), nullable=False),  # released | claimed
    Column("amount", BigInteger, nullable=False),  # claimed: what the creditor asks to be paid
    Column("reason", Text, nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
)
outbox_table = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(80), unique=True, nullable=False),
    Column("body", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    Column("last_error", String(500)),
)

KIND_LABELS = {"contract_deposit": "계약보증", "advance_payment": "선금급 보증", "defect_repair": "하자보수보증"}
VALID_EXTRA_DAYS = 60  # a guarantee runs this long after the period it must cover


@dataclass(frozen=True)
class GuarantorConfig:
    database_url: str
    jangter_url: str
    key: Ed25519PrivateKey
    clerk_password: str
    jangter_public_key: bytes | None = None  # raw Ed25519; fetched from Jangter's /api/v1/log/key when absent
    deliver_every_seconds: float = 1.0
    name: str = "장터보증 (sandbox)"


def key_id(public: bytes) -> str:
    import hashlib

    return hashlib.sha256(public).hexdigest()[:16]


def public_raw(key: Ed25519PrivateKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _now() -> datetime:
    return datetime.now(UTC)


def signed(key: Ed25519PrivateKey, message: dict[str, Any]) -> dict[str, Any]:
    return {
        "message": message,
        "key_id": key_id(public_raw(key)),
        "signature": base64.b64encode(key.sign(canonical_json(message))).decode(),
    }


class Guarantor:
    """The service's state: its database and keys."""

    def __init__(self, config: GuarantorConfig) -> None:
        self.config = config
        self.engine: Engine = create_engine(config.database_url)
        metadata.create_all(self.engine)
        self._jangter_key = config.jangter_public_key

    def jangter_key(self) -> bytes:
        if self._jangter_key is None:
            answer = httpx.get(f"{self.config.jangter_url}/api/v1/log/key", timeout=10)
            answer.raise_for_status()
            self._jangter_key = bytes.fromhex(answer.json()["public_key"])
        return self._jangter_key

    def receive(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Jangter's signed request: stored once (a repeat is answered the same)."""
        message = self._verified(envelope)
        if message is None:
            log.warning("refused a request whose signature is not Jangter's")
            return 401, {"code": "signature_invalid"}
        if message.get("type") != "guarantee.request":
            return 422, {"code": "message_invalid"}
        try:
            row = {
                "jangter_reference": str(message["request"]),
                "kind": str(message["kind"]),
                "contract": str(message["contract"]),
                "title": str(message.get("title", "")),
                "firm_business_number": str(message["firm"]["business_number"]),
                "firm_name": str(message["firm"]["name"]),
                "creditor": str(message["creditor"]["name"]),
                "amount": int(message["amount"]),
                "cover_until": date.fromisoformat(str(message["cover_until"])),
                "received_at": _now(),
                "status": "pending",
            }
        except (KeyError, TypeError, ValueError):
            return 422, {"code": "message_invalid"}
        with self.engine.begin() as connection:
            try:
                connection.execute(insert(requests_table).values(**row))
            except IntegrityError:
                return 200, {"status": "already_received", "request": row["jangter_reference"]}
        log.info("request %s received: %s ₩%s", row["jangter_reference"], row["kind"], row["amount"])
        return 202, {"status": "received", "request": row["jangter_reference"]}

    def _verified(self, envelope: dict[str, Any]) -> dict[str, Any] | None:
        message = envelope.get("message")
        try:
            signature = base64.b64decode(str(envelope.get("signature", "")), validate=True)
            Ed25519PublicKey.from_public_bytes(self.jangter_key()).verify(signature, canonical_json(message))
        except (InvalidSignature, binascii.Error, ValueError, TypeError):
            return None
        return message if isinstance(message, dict) else None

    def receive_closing(self, envelope: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Jangter's signed notice that a guarantee was released or claimed: stored once (a repeat is answered the
        same); one for a guarantee this institution never issued is refused."""
        message = self._verified(envelope)
        if message is None:
            log.warning("refused a notice whose signature is not Jangter's")
            return 401, {"code": "signature_invalid"}
        what = {"guarantee.released": "released", "guarantee.claimed": "claimed"}.get(str(message.get("type")))
        try:
            row = {
                "jangter_reference": str(message["request"]),
                "what": what,
                "amount": int(message["amount"]),
                "reason": str(message.get("reason", "")),
                "received_at": _now(),
            }
        except (KeyError, TypeError, ValueError):
            return 422, {"code": "message_invalid"}
        if what is None:
            return 422, {"code": "message_invalid"}
        with self.engine.begin() as connection:
            issued = connection.execute(
                select(requests_table.c.reference).where(
                    requests_table.c.jangter_reference == row["jangter_reference"], requests_table.c.status == "issued"
                )
            ).one_or_none()
            if issued is None or issued.reference != message.get("reference"):
                return 404, {"code": "guarantee_unknown"}
            earlier = connection.execute(
                select(closing_table.c.what).where(closing_table.c.jangter_reference == row["jangter_reference"])
            ).one_or_none()
            if earlier is not None:
                if earlier.what != what:
                    return 409, {"code": "already_closed", "what": earlier.what}
                return 200, {"status": "already_received", "request": row["jangter_reference"]}
            connection.execute(insert(closing_table).values(**row))
        log.info("guarantee %s %s (₩%s): %s", issued.reference, what, row["amount"], row["reason"])
        return 202, {"status": "received", "request": row["jangter_reference"]}

    def closings(self) -> dict[str, Any]:
        with self.engine.connect() as connection:
            return {r.jangter_reference: r for r in connection.execute(select(closing_table)).all()}

    def issue(self, request_id: int, amount: int | None = None) -> str:
        """The clerk approves: the guarantee is issued and queued for Jangter in one transaction."""
        today = _now().date()
        with self.engine.begin() as connection:
            row = connection.execute(select(requests_table).where(requests_table.c.id == request_id)).one_or_none()
            if row is None or row.status != "pending":
                raise HTTPException(409, "not pending")
            reference = f"GTR-{today:%Y%m%d}-{request_id:06d}"
            valid_until = row.cover_until + timedelta(days=VALID_EXTRA_DAYS)
            issued_amount = row.amount if amount is None else amount
            connection.execute(
                update(requests_table)
                .where(requests_table.c.id == request_id)
                .values(
                    status="issued",
                    reference=reference,
                    issued_amount=issued_amount,
                    valid_from=today,
                    valid_until=valid_until,
                    decided_at=_now(),
                )
            )
            message = {
                "type": "guarantee.issued",
                "request": row.jangter_reference,
                "reference": reference,
                "kind": row.kind,
                "contract": row.contract,
                "firm_business_number": row.firm_business_number,
                "amount": issued_amount,
                "valid_from": today.isoformat(),
                "valid_until": valid_until.isoformat(),
                "issued_at": _now().isoformat(),
                "institution": self.config.name,
            }
            connection.execute(
                insert(outbox_table).values(
                    key=f"issued:{reference}",
                    body=json.dumps(signed(self.config.key, message), ensure_ascii=False),
                    attempts=0,
                    next_attempt_at=_now(),
                )
            )
        log.info("guarantee %s issued for %s", reference, row.jangter_reference)
        return reference

    def decline(self, request_id: int) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(requests_table)
                .where(requests_table.c.id == request_id, requests_table.c.status == "pending")
                .values(status="declined", decided_at=_now())
            )

    def deliver_due(self) -> tuple[int, int]:
        """Send issued guarantees to Jangter until it has taken each (2xx); back off while it is away."""
        with self.engine.connect() as connection:
            due = connection.execute(
                select(outbox_table)
                .where(outbox_table.c.delivered_at.is_(None), outbox_table.c.next_attempt_at <= _now())
                .order_by(outbox_table.c.id)
                .limit(20)
            ).all()
        delivered = failed = 0
        for row in due:
            error = None
            try:
                answer = httpx.post(
                    f"{self.config.jangter_url}/api/v1/guarantees/issued",
                    content=row.body.encode(),
                    headers={"Content-Type": "application/json", "Idempotency-Key": row.key},
                    timeout=10,
                )
                if not answer.is_success:
                    error = f"HTTP {answer.status_code}: {answer.text[:300]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
            attempts = row.attempts + 1
            values: dict[str, Any] = {"attempts": attempts}
            if error is None:
                values |= {"delivered_at": _now(), "last_error": None}
                delivered += 1
            else:
                delay = min(timedelta(minutes=10), timedelta(seconds=2 ** min(attempts, 10)))
                values |= {"last_error": error, "next_attempt_at": _now() + delay}
                failed += 1
                log.warning("delivery of %s failed (attempt %d): %s", row.key, attempts, error)
            with self.engine.begin() as connection:
                connection.execute(update(outbox_table).where(outbox_table.c.id == row.id).values(**values))
        return delivered, failed

    def rows(self) -> list[Any]:
        with self.engine.connect() as connection:
            return list(connection.execute(select(requests_table).order_by(requests_table.c.id.desc())).all())

    def delivery_of(self, reference: str | None) -> Any:
        if reference is None:
            return None
        with self.engine.connect() as connection:
            return connection.execute(
                select(outbox_table).where(outbox_table.c.key == f"issued:{reference}")
            ).one_or_none()


_basic = HTTPBasic(realm="guarantor clerk")


def clerk(request: Request, credentials: Annotated[HTTPBasicCredentials, Depends(_basic)]) -> str:
    """The clerk's page is behind HTTP Basic with the configured password (any user name)."""
    config: GuarantorConfig = request.app.state.guarantor.config
    if not secrets.compare_digest(credentials.password.encode(), config.clerk_password.encode()):
        raise HTTPException(401, "wrong password", headers={"WWW-Authenticate": 'Basic realm="guarantor clerk"'})
    return credentials.username


Clerk = Annotated[str, Depends(clerk)]


def create_guarantor_app(config: GuarantorConfig) -> FastAPI:
    service = Guarantor(config)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        async def deliver_forever() -> None:
            while True:
                try:
                    await asyncio.to_thread(service.deliver_due)
                except Exception:
                    log.exception("delivery pass failed")
                await asyncio.sleep(config.deliver_every_seconds)

        task = asyncio.create_task(deliver_forever())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            service.engine.dispose()

    app = FastAPI(title=f"Guarantee institution — {config.name}", lifespan=lifespan)
    app.state.guarantor = service

    @app.post("/requests")
    async def receive(request: Request) -> JSONResponse:
        try:
            envelope = await request.json()
        except ValueError:
            return JSONResponse({"code": "json_invalid"}, status_code=400)
        status, body = await asyncio.to_thread(service.receive, envelope if isinstance(envelope, dict) else {})
        return JSONResponse(body, status_code=status)

    @app.post("/notices")
    async def closing(request: Request) -> JSONResponse:
        try:
            envelope = await request.json()
        except ValueError:
            return JSONResponse({"code": "json_invalid"}, status_code=400)
        status, body = await asyncio.to_thread(service.receive_closing, envelope if isinstance(envelope, dict) else {})
        return JSONResponse(body, status_code=status)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok", "key_id": key_id(public_raw(config.key))}

    @app.get("/", response_class=HTMLResponse)
    def page(_: Clerk) -> HTMLResponse:
        return HTMLResponse(_page(config.name, service))

    @app.post("/requests/{request_id}/approve")
    def approve(
        request_id: int, _: Annotated[str, Depends(clerk)], amount: Annotated[str, Form()] = ""
    ) -> RedirectResponse:
        service.issue(request_id, int(amount) if amount.strip().isdigit() else None)
        return RedirectResponse("/", status_code=303)

    @app.post("/requests/{request_id}/decline")
    def decline(request_id: int, _: Clerk) -> RedirectResponse:
        service.decline(request_id)
        return RedirectResponse("/", status_code=303)

    return app


def _page(name: str, service: Guarantor) -> str:
    e = html.escape
    rows = []
    closings = service.closings()
    for r in service.rows():
        delivery = service.delivery_of(r.reference)
        if r.status == "pending":
            action = (
                f'<form method="post" action="/requests/{r.id}/approve"><label>보증금액 (원) '
                f'<input name="amount" value="{r.amount}" inputmode="numeric"></label> '
                f'<button type="submit">발급</button></form>'
                f'<form method="post" action="/requests/{r.id}/decline"><button type="submit">거절</button></form>'
            )
        elif r.status == "issued":
            sent = "장터에 전달됨" if delivery is not None and delivery.delivered_at else "장터 전달 대기 (재시도 중)"
            action = f"발급 {e(r.reference)} · ₩{r.issued_amount:,} · ~{r.valid_until} · {sent}"
            closed = closings.get(r.jangter_reference)
            if closed is not None and closed.what == "released":
                action += f"<br><strong>해제됨</strong> (released): {e(closed.reason)}"
            elif closed is not None:
                action += f"<br><strong>보증금 청구 ₩{closed.amount:,}</strong> (claimed): {e(closed.reason)}"
        else:
            action = "거절함"
        rows.append(
            f"<tr><td>{e(r.jangter_reference)}</td><td>{e(KIND_LABELS.get(r.kind, r.kind))}</td>"
            f"<td>{e(r.contract)}<br>{e(r.title)}</td><td>{e(r.firm_name)} ({e(r.firm_business_number)})</td>"
            f"<td>{e(r.creditor)}</td><td>₩{r.amount:,}</td><td>{r.cover_until}</td><td>{action}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="8">요청이 없습니다. / No requests.</td></tr>'
    return (
        f'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>{e(name)} — 보증 요청</title>'
        "<style>body{font-family:sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
        "padding:.4rem;vertical-align:top}form{display:inline-block;margin:.2rem}</style></head><body>"
        f"<h1>{e(name)} — 전자보증 요청 / Guarantee requests</h1>"
        "<p>장터가 보낸 보증 요청입니다. 발급하면 보증서가 장터로 곧바로 전송됩니다 "
        "(장터가 응답하지 않으면 다시 보냅니다).</p>"
        "<table><thead><tr><th>장터 요청번호</th><th>종류</th><th>계약</th><th>계약상대자</th><th>채권자</th>"
        "<th>요청 금액</th><th>보증기간 (까지)</th><th>처리</th></tr></thead>"
        f"<tbody>{body}</tbody></table></body></html>"
    )
