"""What an OCDS file is (release package, record package, one release, one record), its items, and which items
are kept.

*Kept* is defined here and nowhere else: an item (a release of a release package, a record of a record package,
or the single release or record) is kept when it is a JSON object with a non-empty string ``ocid`` (and, for a
release, a non-empty string ``id``), both short enough to index, no NUL character anywhere (PostgreSQL's JSON
cannot hold one), and it is the first item of the file with its key (``ocid`` and release ``id``; a record's key is
its content). A kept item is stored exactly as parsed; exporting it gives back the same JSON. Every other item is
dropped, and the report names it with its position and reason.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jangter.opendata.imports.domain.report import Report


class PackageType(StrEnum):
    RELEASE_PACKAGE = "release_package"
    RECORD_PACKAGE = "record_package"
    RELEASE = "release"
    RECORD = "record"

    @property
    def item_kind(self) -> str:
        return "record" if self in (PackageType.RECORD_PACKAGE, PackageType.RECORD) else "release"

    @property
    def array(self) -> str | None:
        """The key of the package's list of items (``None`` for a single release or record)."""
        return {PackageType.RELEASE_PACKAGE: "releases", PackageType.RECORD_PACKAGE: "records"}.get(self)


class NotOcds(Exception):
    """The file is not an OCDS release, record or package; nothing is imported."""

    def __init__(self, code: str, message_ko: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_ko = message_ko
        self.message_en = message_en


#: Top-level fields of OCDS 1.1 (release-schema.json, package and record schemas), and of the extensions other
#: systems commonly use without declaring them well (bids). Anything else is reported as ``unknown_field``.
RELEASE_FIELDS = frozenset(
    {
        "ocid",
        "id",
        "date",
        "tag",
        "initiationType",
        "parties",
        "buyer",
        "planning",
        "tender",
        "awards",
        "contracts",
        "language",
        "relatedProcesses",
        "bids",
    }
)
RECORD_FIELDS = frozenset({"ocid", "releases", "compiledRelease", "versionedRelease"})
PACKAGE_FIELDS = frozenset(
    {"uri", "version", "extensions", "publishedDate", "publisher", "license", "publicationPolicy", "packages"}
)

MAX_OCID = 300
MAX_ID = 500


def detect(document: object) -> PackageType:
    """The kind of OCDS document, from its top-level keys; ``NotOcds`` when it is none of them."""
    if isinstance(document, dict):
        if "records" in document and "ocid" not in document:
            _list(document, "records")
            return PackageType.RECORD_PACKAGE
        if "ocid" in document or _looks_like_release(document):
            if any(k in document for k in ("releases", "compiledRelease", "versionedRelease")):
                return PackageType.RECORD
            return PackageType.RELEASE
        if "releases" in document:
            _list(document, "releases")
            return PackageType.RELEASE_PACKAGE
        if isinstance(document.get("response"), dict) and {"header", "body"} & set(document["response"]):
            raise NotOcds(
                "ocds_not_recognised",
                "OCDS 파일이 아닙니다: 공공데이터포털(data.go.kr) 오픈 API 응답(response.header/body)으로 보입니다. "
                "나라장터 자료는 OCDS로 변환한 뒤 가져오십시오.",
                "Not OCDS: this looks like a response of the Korean public data portal's open API "
                "(response.header/body), not a release or record package. Convert it to OCDS first.",
            )
    raise NotOcds(
        "ocds_not_recognised",
        "OCDS 파일이 아닙니다: 최상위에 releases, records, ocid 가 없습니다.",
        "Not OCDS: the top level has no `releases`, `records` or `ocid`.",
    )


def _looks_like_release(document: dict[str, Any]) -> bool:
    """A lone release that lost its ocid is still a release (dropped, and reported), not an unknown file."""
    return "id" in document and "tag" in document


def _list(document: dict[str, Any], key: str) -> None:
    if not isinstance(document[key], list):
        raise NotOcds(
            "ocds_malformed_package",
            f"OCDS 패키지의 {key} 가 목록이 아닙니다.",
            f"The package's `{key}` is not a list.",
        )


def split(document: Any, package_type: PackageType) -> tuple[dict[str, Any] | None, list[Any]]:
    """The package's own fields (everything but its list of items; ``None`` for a single item) and the items."""
    array = package_type.array
    if array is None:
        return None, [document]
    meta = {k: v for k, v in document.items() if k != array}
    return meta, list(document[array])


def where(package_type: PackageType, position: int) -> str:
    """How the report names an item: ``releases[4]``, ``records[0]``, or ``$`` for a single release or record."""
    array = package_type.array
    return f"{array}[{position}]" if array else "$"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def digest(value: Any) -> str:
    """A fingerprint of a parsed JSON value (key order does not matter), to tell "the same again" from "changed"."""
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Item:
    """A kept item: its position in the file, its key, and the JSON as parsed."""

    position: int
    ocid: str
    key: str  # the release id, or "record:" and the record's digest
    document: dict[str, Any]
    digest: str


@dataclass(frozen=True)
class Dropped:
    position: int
    reason: str
    ocid: str | None
    id: str | None

    def as_json(self) -> dict[str, Any]:
        return {"position": self.position, "reason": self.reason, "ocid": self.ocid, "id": self.id}


def sort_items(items: list[Any], kind: str, package_type: PackageType, report: Report) -> list[Item]:
    """The items kept, in file order; the dropped ones go to the report with their reason (see the docstring)."""
    kept: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for position, raw in enumerate(items):
        at = where(package_type, position)
        if not isinstance(raw, dict):
            report.drop(Dropped(position, "not_an_object", None, None), at)
            continue
        ocid, ident = raw.get("ocid"), raw.get("id") if kind == "release" else None
        if isinstance(ident, int) and not isinstance(ident, bool):
            report.note("release_id_not_a_string", f"{at}.id", ident)
            ident = str(ident)
        shown_ocid = ocid if isinstance(ocid, str) else None
        shown_id = ident if isinstance(ident, str) else None
        reason = _refusal(raw, ocid, ident, kind)
        if reason is None and isinstance(ocid, str):
            fingerprint = digest(raw)
            key = ident if isinstance(ident, str) else f"record:{fingerprint}"
            if (ocid, key) not in seen:
                seen.add((ocid, key))
                kept.append(Item(position, ocid, key, raw, fingerprint))
                continue
            reason = "duplicate_release_id" if kind == "release" else "duplicate_record"
        report.drop(Dropped(position, reason or "missing_ocid", shown_ocid, shown_id), at)
    return kept


def _refusal(raw: dict[str, Any], ocid: object, ident: object, kind: str) -> str | None:
    if not isinstance(ocid, str) or not ocid.strip():
        return "missing_ocid"
    if len(ocid) > MAX_OCID:
        return "identifier_too_long"
    if kind == "release":
        if not isinstance(ident, str) or not ident.strip():
            return "missing_release_id"
        if len(ident) > MAX_ID:
            return "identifier_too_long"
    if has_nul(raw):
        return "nul_character"
    return None


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in k or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False
