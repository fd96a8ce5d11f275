"""Every table of every context, gathered for Alembic and for tests."""

from __future__ import annotations

from sqlalchemy import MetaData

import jangter.bidding.orm
import jangter.contracting.orm
import jangter.evaluation.orm
import jangter.helpdesk.incident_orm
import jangter.helpdesk.orm
import jangter.identity.keys
import jangter.identity.members
import jangter.identity.orm
import jangter.identity.security_log
import jangter.kernel.audit
import jangter.kernel.counters
import jangter.kernel.idempotency
import jangter.kernel.translog
import jangter.notifications.calls
import jangter.notifications.outbox
import jangter.opendata.imports.orm
import jangter.payments.orm
import jangter.planning.orm
import jangter.rules.store
import jangter.search.orm
import jangter.tendering.orm  # noqa: F401 - imported for their tables
from jangter.kernel.db import Base

metadata: MetaData = Base.metadata
