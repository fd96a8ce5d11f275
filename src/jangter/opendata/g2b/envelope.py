"""The PPS open API's response envelope and result codes, in JSON and in XML (CONTRACT.md §2, §3).

Pure: documents are plain dicts; rendering turns them into bytes. A success is ``{"response": {"header": …,
"body": {"items": […], "numOfRows": n, "pageNo": n, "totalCount": n}}}``; an empty result keeps the ``response``
root with code 03 and ``"items": ""``; a parameter error (06, 07, 08) comes under the provider's own root key
``nkoneps.com.response.ResponseError`` with no body, as the portal answers it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape


class ResultCode(StrEnum):
    OK = "00"
    APPLICATION_ERROR = "01"
    NO_DATA = "03"
    DATE_FORMAT = "06"
    OUT_OF_RANGE = "07"
    REQUIRED = "08"


#: The upstream wording of each code (CONTRACT.md §3.3; "정상" and "NODATA_ERROR" as in real responses).
MESSAGES: dict[ResultCode, str] = {
    ResultCode.OK: "정상",
    ResultCode.APPLICATION_ERROR: "Application Error",
    ResultCode.NO_DATA: "NODATA_ERROR",
    ResultCode.DATE_FORMAT: "DATE Format 에러",
    ResultCode.OUT_OF_RANGE: "입력범위값 초과 에러",
    ResultCode.REQUIRED: "필수값 입력 에러",
}

ERROR_ROOT = "nkoneps.com.response.ResponseError"

Item = dict[str, str]


class ProviderError(Exception):
    """A request the provider refuses with a result code (06, 07, 08); ``parameter`` names the culprit for logs."""

    def __init__(self, code: ResultCode, parameter: str) -> None:
        super().__init__(f"{code.value} {parameter}")
        self.code = code
        self.parameter = parameter


@dataclass(frozen=True)
class Page:
    """One page of items, as the body reports it."""

    items: list[Item]
    page_no: int
    num_of_rows: int
    total_count: int


def success_document(page: Page) -> dict[str, Any]:
    """The ``response`` envelope; code 03 with ``"items": ""`` when nothing matched at all. A page past the last one
    is still 00 (the total is not zero), with ``"items": ""`` as well: ``items`` is never ``[]`` or ``null``."""
    code = ResultCode.OK if page.total_count else ResultCode.NO_DATA
    return {
        "response": {
            "header": {"resultCode": code.value, "resultMsg": MESSAGES[code]},
            "body": {
                "items": page.items if page.items else "",
                "numOfRows": page.num_of_rows,
                "pageNo": page.page_no,
                "totalCount": page.total_count,
            },
        }
    }


def error_document(code: ResultCode) -> dict[str, Any]:
    return {ERROR_ROOT: {"header": {"resultCode": code.value, "resultMsg": MESSAGES[code]}}}


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'


def _xml(name: str, value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        out.append(f"<{name}>")
        for key, child in value.items():
            _xml(key, child, out)
        out.append(f"</{name}>")
    elif isinstance(value, list):  # only items is a list: <items><item>…</item>…</items>
        out.append(f"<{name}>")
        for child in value:
            _xml("item", child, out)
        out.append(f"</{name}>")
    else:
        out.append(f"<{name}>{escape(str(value))}</{name}>")


def to_xml(document: dict[str, Any]) -> bytes:
    """The same document as the portal's XML: ``items`` holds one ``<item>`` per row, empty values are empty
    elements, and ``"items": ""`` becomes ``<items></items>``."""
    out = [XML_DECLARATION]
    for name, value in document.items():
        _xml(name, value, out)
    return "".join(out).encode()


def gateway_error_xml(reason_code: str, auth_message: str) -> bytes:
    """The data.go.kr gateway's error (CONTRACT.md §3.2), always XML: used for an operation that does not exist
    (12, ``NO_OPENAPI_SERVICE_ERROR``)."""
    return (
        f"{XML_DECLARATION}<OpenAPI_ServiceResponse><cmmMsgHeader><errMsg>SERVICE ERROR</errMsg>"
        f"<returnAuthMsg>{escape(auth_message)}</returnAuthMsg><returnReasonCode>{escape(reason_code)}"
        "</returnReasonCode></cmmMsgHeader></OpenAPI_ServiceResponse>"
    ).encode()
