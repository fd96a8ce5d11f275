"""The Korean open-data routes: one per portal service, at the portal's own path, so that a client of
``https://apis.data.go.kr/1230000/…`` only changes its base URL (docs/opendata.md).

Answers are the portal's: JSON with ``type=json``, XML otherwise; errors in the portal's envelope and codes, never
problem+json. Query parameters are read here, not by FastAPI, so no request is refused with a 422: a missing or
malformed value is the portal's 08, 06 or 07. ``serviceKey`` (any spelling) is accepted and ignored: the data is
public and Jangter issues no keys.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Path, Request, Response

from jangter.opendata.g2b import operations
from jangter.opendata.g2b.envelope import (
    Page,
    ProviderError,
    ResultCode,
    error_document,
    gateway_error_xml,
    success_document,
    to_json,
    to_xml,
)
from jangter.opendata.g2b.params import Params
from jangter.web.http import Ctx

log = logging.getLogger("jangter.opendata.g2b")

TAG = "Korean open data (조달청 OpenAPI 호환)"
JSON = "application/json;charset=UTF-8"
XML = "application/xml;charset=UTF-8"

router = APIRouter(tags=[TAG])

COMMON = """
Query parameters as on data.go.kr: `pageNo` (default 1), `numOfRows` (default 10, at most 999), `type=json` for
JSON (XML otherwise), `inqryDiv` and the mode's parameters (`inqryBgnDt`/`inqryEndDt` as `yyyyMMddHHmm` in Korean
time, at most 31 days apart; `bidNtceNo`; …). `serviceKey` is accepted and ignored.

Result codes: `00` 정상, `03` NODATA_ERROR (no row: `"items": ""`), and under the root
`nkoneps.com.response.ResponseError` `06` (malformed date), `07` (value out of range: unknown `inqryDiv`, window
over 31 days or reversed, `numOfRows` over 999), `08` (mandatory value missing). An unknown operation is HTTP 404
with the gateway's XML (`returnReasonCode` 12). The mapping of every field: docs/opendata.md.
"""


def _respond(document: dict[str, object], as_json: bool, status: int = 200) -> Response:
    if as_json:
        return Response(to_json(document), status_code=status, media_type=JSON)
    return Response(to_xml(document), status_code=status, media_type=XML)


def answer(ctx: Ctx, service: str, operation: str, request: Request) -> Response:
    op = operations.OPERATIONS.get((service, operation))
    if op is None:
        return Response(gateway_error_xml("12", "NO_OPENAPI_SERVICE_ERROR"), status_code=404, media_type=XML)
    params = Params(request.query_params)
    as_json = params.wants_json()
    try:
        page_no, rows, total, items = operations.run(op, ctx, params)
    except ProviderError as refused:
        log.info("g2b refused operation=%s code=%s parameter=%s", operation, refused.code.value, refused.parameter)
        return _respond(error_document(refused.code), as_json)
    except Exception:
        log.exception("g2b failed operation=%s", operation)
        return _respond(error_document(ResultCode.APPLICATION_ERROR), as_json, status=500)
    return _respond(success_document(Page(items, page_no, rows, total)), as_json)


def _route(service: str, base_path: str) -> None:
    names = sorted(op.name for op in operations.of_service(service))
    listing = "\n".join(f"* `{op.name}`: {op.summary}" for op in operations.of_service(service))
    operation_path = Path(description="The portal's operation name", json_schema_extra={"enum": names})

    def call(ctx: Ctx, request: Request, operation: str = operation_path) -> Response:
        return answer(ctx, service, operation, request)

    router.add_api_route(
        f"{base_path}/{{operation}}",
        call,
        methods=["GET"],
        name=f"g2b_{service}",
        summary=f"{service} (조달청 {base_path}): the portal's operations",
        description=f"{listing}\n{COMMON}",
        response_class=Response,
        responses={200: {"content": {JSON: {}, XML: {}}, "description": "The portal's envelope"}},
    )


for _service, _path in operations.SERVICES.items():
    _route(_service, _path)
