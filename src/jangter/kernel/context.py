"""What every use case needs from the outside world, passed in explicitly (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from jangter.kernel.breaker import CircuitBreaker
from jangter.kernel.calendar import WorkingCalendar
from jangter.kernel.clock import Clock
from jangter.kernel.db import Database, UnitOfWork
from jangter.kernel.mail import Mailer
from jangter.kernel.randomness import RandomSource
from jangter.kernel.signing import PlatformSigner
from jangter.kernel.transfers import TransferChannel
from jangter.rules.domain import RuleBook

#: The OCDS prefix of development and test installations: not registered with the OCDS helpdesk (a real deployment
#: registers its own and sets ``JANGTER_OCID_PREFIX``; docs/opendata.md).
DEFAULT_OCID_PREFIX = "ocds-jangtr"


class StepUpPolicy(StrEnum):
    """When a bid from a browser needs a fresh user verification (issue #6 point 3; security.md AT-15)."""

    REQUIRED = "required"  # always (production's default): a passkey verification within the window
    REGISTERED = "registered"  # for people who have registered a passkey (development and the demo)
    OFF = "off"


@dataclass(frozen=True)
class AppContext:
    db: Database
    clock: Clock
    calendar: WorkingCalendar
    rules: RuleBook
    rng: RandomSource
    signer: PlatformSigner
    step_up: StepUpPolicy = StepUpPolicy.REGISTERED
    mailer: Mailer | None = None  # None: messages wait in the outbox (no SMTP server configured)
    #: where people reach the site (links in e-mail written by the worker)
    base_url: str = "http://127.0.0.1:8000"
    #: the search engine's time limit, and the breaker that stops calling it when it keeps failing (issue #7)
    search_timeout_ms: int = 250
    search_breaker: CircuitBreaker = field(default_factory=CircuitBreaker, compare=False)
    #: where payment orders go to the bank (None: payments cannot be ordered; issue #8)
    transfers: TransferChannel | None = None
    #: the registered OCDS prefix of this installation: every notice is the process ``{prefix}-{notice number}``
    ocid_prefix: str = DEFAULT_OCID_PREFIX

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db)
