"""Reading HTML forms into domain values, and collecting their errors next to each field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar
from urllib.parse import urlparse

from starlette.datastructures import FormData

from jangter.kernel.calendar import SEOUL
from jangter.kernel.errors import DomainError, FieldProblem, ValidationProblems
from jangter.kernel.money import parse_won

T = TypeVar("T")


class FormReader:
    """Reads fields one by one; every problem is kept so that the form can show all of them at once."""

    def __init__(self, form: FormData) -> None:
        self.form = form
        self.problems: list[FieldProblem] = []

    def text(self, name: str) -> str:
        value = self.form.get(name)
        return value.strip() if isinstance(value, str) else ""

    def _guard(self, name: str, parse: Callable[[str], T], fallback: T) -> T:
        try:
            return parse(self.text(name))
        except DomainError as exc:
            self.problems.append(FieldProblem(name, exc.code, exc.message_ko, exc.message_en))
            return fallback

    def won(self, name: str, *, optional: bool = False) -> int:
        if optional and not self.text(name):
            return 0
        return self._guard(name, lambda v: parse_won(v, name), 0)

    def decimal(self, name: str) -> Decimal | None:
        raw = self.text(name).replace("%", "").replace("±", "")
        if not raw:
            return None
        try:
            return Decimal(raw)
        except InvalidOperation:
            self.problems.append(FieldProblem(name, "number_invalid", "숫자로 입력하십시오.", "Enter a number."))
            return None

    def integer(self, name: str, default: int) -> int:
        raw = self.text(name)
        if not raw:
            return default
        try:
            return int(raw)
        except ValueError:
            self.problems.append(FieldProblem(name, "number_invalid", "정수로 입력하십시오.", "Enter a whole number."))
            return default

    def seoul_datetime(self, name: str) -> datetime:
        """``YYYY-MM-DDTHH:MM`` typed in Korea time (the form says so)."""
        raw = self.text(name)
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=SEOUL)
        except ValueError:
            self.problems.append(
                FieldProblem(name, "datetime_invalid", "날짜와 시각을 입력하십시오.", "Enter a date and time.")
            )
            return datetime(2000, 1, 1, tzinfo=SEOUL)

    def choice(self, name: str, parse: Callable[[str], T], fallback: T, *, default: T | None = None) -> T:
        """A value from a list; ``default`` when the field was left out, an error when it is not in the list."""
        if default is not None and not self.text(name):
            return default
        try:
            return parse(self.text(name))
        except ValueError:
            self.problems.append(
                FieldProblem(name, "choice_invalid", "목록에서 선택하십시오.", "Choose from the list.")
            )
            return fallback

    def raise_if_problems(self, check: Callable[[], object] | None = None) -> None:
        """Refuse the form with every problem at once: the fields that did not parse and what ``check`` (the
        domain's own checks of the whole) finds in the others."""
        if check is not None:
            try:
                check()
            except ValidationProblems as exc:
                seen = {p.field for p in self.problems}
                self.problems.extend(p for p in exc.problems if p.field not in seen)
        if self.problems:
            raise ValidationProblems(self.problems)


def errors_by_field(exc: DomainError | ValidationProblems, lang: str) -> dict[str, str]:
    """``{field: message}`` for the template; a problem without a field goes under ``_``."""
    problems = exc.problems() if isinstance(exc, DomainError) else exc.problems
    errors = {p.field: (p.message_en if lang == "en" else p.message_ko) for p in problems}
    if not problems:
        errors["_"] = exc.message(lang)
    return errors


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths are followed after sign-in or a language switch."""
    if not target:
        return default
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
