"""Unit tests: pure functions, no database. The built-in rule sets are data, read once."""

from datetime import date

import pytest

from jangter.kernel.procurement import Jurisdiction
from jangter.rules.domain import RuleBook, RuleSet
from jangter.rules.loader import load_rule_book


@pytest.fixture(scope="session")
def book() -> RuleBook:
    return load_rule_book()


@pytest.fixture(scope="session")
def national(book: RuleBook) -> RuleSet:
    return book.in_force(Jurisdiction.NATIONAL, date(2026, 11, 2))


@pytest.fixture(scope="session")
def local(book: RuleBook) -> RuleSet:
    return book.in_force(Jurisdiction.LOCAL, date(2026, 11, 2))
