"""End-to-end fixtures: the real application over HTTP (in process), on every engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from jangter.app import create_app
from jangter.config import Environment, Settings
from jangter.kernel.context import AppContext


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(env=Environment.TEST, database_url=database_url, secret_key="t" * 40, embedded_worker=False)


@pytest.fixture
def client(ctx: AppContext, settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings, ctx, run_worker=False)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def token(client: TestClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
