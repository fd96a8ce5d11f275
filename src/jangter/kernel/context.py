"""What every use case needs from the outside world, passed in explicitly (no globals)."""

from __future__ import annotations

from dataclasses import dataclass

from jangter.kernel.calendar import WorkingCalendar
from jangter.kernel.clock import Clock
from jangter.kernel.db import Database, UnitOfWork
from jangter.kernel.randomness import RandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.rules.domain import RuleBook


@dataclass(frozen=True)
class AppContext:
    db: Database
    clock: Clock
    calendar: WorkingCalendar
    rules: RuleBook
    rng: RandomSource
    signer: PlatformSigner

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)
