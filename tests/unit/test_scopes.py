"""Which scope an API call needs (issue #6 point 2: API tokens for machine clients with scopes)."""

import pytest

from jangter.identity.domain.roles import Scope, scope_for


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/api/v1/notices/R26BK00000001/results", Scope.READ),
        ("POST", "/api/v1/notices/R26BK00000001/bids", Scope.BID),
        ("PUT", "/api/v1/notices/R26BK00000001/proposal", Scope.BID),
        ("POST", "/api/v1/notices/R26BK00000001/award", Scope.MANAGE),
        ("POST", "/api/v1/notices", Scope.MANAGE),
        ("POST", "/api/v1/firms/7/signing-keys", Scope.ACCOUNT),
        ("POST", "/api/v1/notices/R26BK00000001/contract", Scope.CONTRACT),
        ("POST", "/api/v1/contracts/R26TA00000001/versions/1/sign", Scope.CONTRACT),
        ("POST", "/api/v1/guarantees/G26000000001/accept", Scope.CONTRACT),
        ("POST", "/api/v1/institutions", Scope.ACCOUNT),
        ("PUT", "/api/v1/me/committee-key", Scope.ACCOUNT),
        ("POST", "/api/v1/auth/logout", None),
        ("POST", "/api/v1/tickets", None),
        ("POST", "/api/v1/tickets/HD26-0000001/replies", None),
        ("POST", "/api/v1/tickets/HD26-0000001/answer", Scope.MANAGE),
    ],
)
def test_each_call_needs_its_scope(method: str, path: str, scope: Scope | None) -> None:
    assert scope_for(method, path) is scope
