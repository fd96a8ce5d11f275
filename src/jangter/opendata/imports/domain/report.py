"""The import report: counts, every dropped item, and what could not be mapped, per kind with a few examples.

It is printed by ``jangter import ocds`` and stored on the batch as JSON (``as_json``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jangter.opendata.imports.domain.packages import Dropped

EXAMPLES = 3

#: Every kind the import reports, in Korean and in English. Item kinds drop the item; the others keep it.
KINDS: dict[str, tuple[str, str]] = {
    # items dropped
    "not_an_object": ("객체가 아닌 항목 (제외)", "item is not a JSON object (dropped)"),
    "missing_ocid": ("ocid 없음 (제외)", "no ocid (dropped)"),
    "missing_release_id": ("릴리스 id 없음 (제외)", "release without an id (dropped)"),
    "identifier_too_long": ("ocid 또는 id 가 너무 김 (제외)", "ocid or id too long to index (dropped)"),
    "nul_character": ("NUL 문자 포함 (제외)", "contains a NUL character (dropped)"),
    "duplicate_release_id": ("파일 안에서 중복된 ocid·id (뒤의 것 제외)", "ocid and id repeated in the file (dropped)"),
    "duplicate_record": ("파일 안에서 똑같은 레코드 반복 (제외)", "the same record repeated in the file (dropped)"),
    "conflicting_release": (
        "이미 가져온 ocid·id 인데 내용이 다름 (제외)",
        "ocid and id already imported with other content (dropped)",
    ),
    # kept, but a value was not mapped or was read with an assumption
    "release_id_not_a_string": (
        "릴리스 id 가 문자열이 아님 (문자로 읽음)",
        "release id is not a string (read as text)",
    ),
    "ocds_version_missing": ("version 없음: OCDS 1.0 으로 봄", "no `version`: OCDS 1.0 assumed"),
    "unknown_field": ("OCDS 에 없는 필드 (보관, 요약 안 함)", "field not in OCDS (kept, not summarised)"),
    "wrong_type": ("형식이 다른 값 (요약 안 함)", "value of the wrong JSON type (not summarised)"),
    "codelist_value": ("코드 목록에 없는 값 (그대로 보관)", "value not in the OCDS codelist (kept as written)"),
    "amount_missing": ("금액 없음 (null)", "amount missing (null)"),
    "amount_empty": ("금액이 빈 문자열", "amount is an empty string"),
    "amount_string": ("금액이 문자열 (숫자로 읽음)", "amount written as a string (read as a number)"),
    "amount_ambiguous": ("소수점인지 자릿점인지 알 수 없는 금액 (읽지 않음)", "ambiguous decimal mark (not read)"),
    "amount_unparseable": ("읽을 수 없는 금액", "amount not readable"),
    "amount_malformed": ("금액이 숫자가 아님", "amount is not a number"),
    "amount_out_of_range": ("너무 큰 금액 (읽지 않음)", "amount too large (not read)"),
    "amount_precision": ("소수 넷째 자리에서 반올림 (요약만)", "rounded to 4 decimals (summary only)"),
    "currency_missing": ("통화 없음 (채우지 않음)", "currency missing (not filled in)"),
    "currency_lowercase": ("소문자 통화 코드 (대문자로 읽음)", "lower-case currency code (read in capitals)"),
    "currency_invalid": ("ISO 4217 이 아닌 통화 (읽지 않음)", "currency is not an ISO 4217 code (not read)"),
    "mixed_currencies": ("여러 통화의 합계 (합계 안 함)", "several currencies in one total (no total)"),
    "date_missing": ("날짜 없음 (null)", "date missing (null)"),
    "date_empty": ("날짜가 빈 문자열", "date is an empty string"),
    "date_without_offset": ("시간대 없는 날짜 (UTC 로 봄)", "date-time without offset (UTC assumed)"),
    "date_without_time": ("시각 없는 날짜 (UTC 자정으로 봄)", "date without time (midnight UTC assumed)"),
    "date_unparseable": ("읽을 수 없는 날짜", "date not readable"),
    "date_malformed": ("날짜가 문자열이 아님", "date is not a string"),
    "duplicate_object": ("목록 안의 똑같은 객체 (한 번만 합계)", "identical objects in a list (totalled once)"),
    "record_without_compiled_release": (
        "compiledRelease 없는 레코드 (들어 있는 릴리스로 요약)",
        "record without compiledRelease (summarised from its embedded releases)",
    ),
}


@dataclass
class Issue:
    count: int = 0
    examples: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Report:
    """Collects the issues of one file; the counts are filled in by the import."""

    issues: dict[str, Issue] = field(default_factory=dict)
    dropped: list[Dropped] = field(default_factory=list)

    def note(self, kind: str, where: str, value: object = None) -> None:
        assert kind in KINDS, kind
        issue = self.issues.setdefault(kind, Issue())
        issue.count += 1
        if len(issue.examples) < EXAMPLES:
            issue.examples.append({"where": where, "value": _shown(value)})

    def drop(self, dropped: Dropped, where: str) -> None:
        self.dropped.append(dropped)
        self.note(dropped.reason, where, dropped.id or dropped.ocid)

    def issues_json(self) -> dict[str, Any]:
        return {
            kind: {"count": issue.count, "message": KINDS[kind][1], "examples": issue.examples}
            for kind, issue in sorted(self.issues.items())
        }


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 80 else text[:77] + "..."
