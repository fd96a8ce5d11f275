"""Identifiers of the OCDS data: the process (``ocid``), its releases, and the parties' identifier schemes.

Every notice is one contracting process, ``{prefix}-{notice number}``, for the whole of its life: its 차수
(amendments, a re-announcement) and its re-bids keep the notice number, so they keep the ocid. The prefix is the
one the OCDS helpdesk registered for the installation (``JANGTER_OCID_PREFIX``, ``AppContext.ocid_prefix``).
"""

from __future__ import annotations

import re

from jangter.kernel.context import DEFAULT_OCID_PREFIX

PREFIX_PATTERN = re.compile(r"ocds-[a-z0-9]{6}")
#: 사업자등록번호 (business registration number, 10 digits): firms.
SCHEME_BUSINESS_NUMBER = "KR-BRN"
#: 수요기관코드 (the agency code Jangter keeps, as KONEPS does): agencies.
SCHEME_AGENCY_CODE = "KR-PPSAC"
#: An organisation with neither number (a guarantee institution onboarded without one): Jangter's own id.
SCHEME_JANGTER = "XX-JANGTER"


def ocid(notice_number: str, prefix: str = DEFAULT_OCID_PREFIX) -> str:
    """The process of a notice: ``ocid("R26BK00000001", "ocds-a1b2c3") == "ocds-a1b2c3-R26BK00000001"``.

    Callers with an ``AppContext`` pass ``ctx.ocid_prefix`` (the default is the unregistered development prefix).
    """
    if not PREFIX_PATTERN.fullmatch(prefix):
        raise ValueError(f"not an OCDS prefix: {prefix!r}")
    if not notice_number or not notice_number.isalnum():
        raise ValueError(f"not a notice number: {notice_number!r}")
    return f"{prefix}-{notice_number}"


def notice_number(ocid_value: str, prefix: str = DEFAULT_OCID_PREFIX) -> str | None:
    """The notice number of one of this installation's ocids, or ``None`` for anything else."""
    head = prefix + "-"
    if not ocid_value.startswith(head):
        return None
    rest = ocid_value[len(head) :]
    return rest if rest and rest.isalnum() else None


def party_identifier(
    org_id: int, *, business_number: str | None, agency_code: str | None, is_agency: bool
) -> tuple[str, str]:
    """(scheme, identifier) of an organisation: an agency by its agency code, a firm by its business number."""
    if is_agency and agency_code:
        return SCHEME_AGENCY_CODE, agency_code
    if business_number:
        return SCHEME_BUSINESS_NUMBER, business_number
    if agency_code:
        return SCHEME_AGENCY_CODE, agency_code
    return SCHEME_JANGTER, str(org_id)
