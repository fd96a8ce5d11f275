"""Domain errors: a stable code, a message in Korean and in English, and the field at fault.

The API turns them into RFC 9457 ``application/problem+json``; pages show the message next to the field.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message_ko: str
    message_en: str


class DomainError(Exception):
    """A refused request. ``status`` is the HTTP status the API answers with."""

    def __init__(
        self,
        code: str,
        message_ko: str,
        message_en: str,
        *,
        field: str | None = None,
        status: int = 422,
    ) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_ko = message_ko
        self.message_en = message_en
        self.field = field
        self.status = status

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_ko

    def problems(self) -> list[FieldProblem]:
        if self.field is None:
            return []
        return [FieldProblem(self.field, self.code, self.message_ko, self.message_en)]


class ValidationProblems(Exception):
    """Several field problems at once (a form with more than one mistake)."""

    code = "invalid_input"
    message_ko = "입력값을 확인하십시오."
    message_en = "Please check the values you entered."
    status = 422

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_ko


class NotFound(DomainError):
    def __init__(self, what_ko: str, what_en: str, code: str = "not_found") -> None:
        super().__init__(code, f"{what_ko}을(를) 찾을 수 없습니다.", f"{what_en} not found.", status=404)


class Forbidden(DomainError):
    def __init__(self, code: str = "forbidden", ko: str | None = None, en: str | None = None) -> None:
        super().__init__(
            code,
            ko or "이 작업을 할 권한이 없습니다.",
            en or "You are not allowed to do this.",
            status=403,
        )


class Conflict(DomainError):
    def __init__(self, code: str, message_ko: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(code, message_ko, message_en, field=field, status=409)
