"""REST routes for bids. The server's clock (the database's, at commit) decides whether a bid is in time."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from jangter.bidding import queries, service
from jangter.bidding.schemas import EnvelopeIn, MyBidOut, ReceiptOut
from jangter.kernel.ids import parse_notice_reference
from jangter.web.http import ApiActor, Ctx, api_actor, client_where, get_ctx, idempotency_claim

router = APIRouter(prefix="/api/v1", tags=["bids"])


@router.post(
    "/notices/{reference}/bids",
    status_code=201,
    response_model=ReceiptOut,
    summary="Submit a sealed bid; returns the receipt",
    description="Send an `Idempotency-Key` header: a retry with the same key returns the same receipt.",
)
async def submit_bid(reference: str, body: EnvelopeIn, request: Request, response: Response) -> ReceiptOut:
    # The hot path of the platform: authentication and the use case run in a single worker-thread hop.
    def work() -> ReceiptOut:
        ctx = get_ctx(request)
        actor = api_actor(request)
        number = parse_notice_reference(reference)[0]
        document = body.model_dump()
        claim = idempotency_claim(request, actor, f"POST /notices/{number}/bids", document)
        receipt = service.submit_bid(ctx, actor, number, document, claim, client_where(request))
        response.headers["Location"] = f"/api/v1/receipts/{receipt.receipt_id}"
        return ReceiptOut.of(receipt)

    return await run_in_threadpool(work)


@router.get(
    "/receipts/{receipt_id}",
    response_model=ReceiptOut,
    summary="One of my firm's receipts, with its inclusion proof once the log has integrated it",
)
def get_receipt(ctx: Ctx, actor: ApiActor, receipt_id: str) -> ReceiptOut:
    receipt = service.get_receipt(ctx, actor, receipt_id)
    return ReceiptOut.of(receipt, service.log_proof(ctx, receipt))


@router.get("/me/bids", response_model=list[MyBidOut], summary="My firm's bids (amounts after the opening)")
def my_bids(ctx: Ctx, actor: ApiActor) -> list[MyBidOut]:
    return [MyBidOut.of(b) for b in queries.my_bids(ctx, actor)]
