"""The change feed over HTTP (issue #10 point 2): cursor pages, polling with the same cursor, a bad cursor."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jangter.kernel.context import AppContext
from jangter.worker import integrate_log
from tests.support import make_world


def test_the_feed_over_http_pages_with_a_cursor(client: TestClient, ctx: AppContext) -> None:
    world = make_world(ctx, firms=1)
    first = world.publish()
    second = world.publish(title="두 번째 공고")
    integrate_log(ctx)
    page = client.get("/api/v1/changes", params={"limit": 1}).json()
    assert [i["notice"] for i in page["items"]] == [first] and page["items"][0]["kind"] == "notice.published"
    record = client.get(f"/api/v1/ocds/processes/{first}/record").json()
    assert page["items"][0]["ocid"] == record["records"][0]["ocid"] == f"{ctx.ocid_prefix}-{first}"
    rest = client.get("/api/v1/changes", params={"cursor": page["next_cursor"]}).json()
    assert [i["notice"] for i in rest["items"]] == [second]
    idle = client.get("/api/v1/changes", params={"cursor": rest["next_cursor"]}).json()
    assert idle["items"] == [] and idle["next_cursor"] == rest["next_cursor"]  # poll with the same cursor
    bad = client.get("/api/v1/changes", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 400 and bad.json()["code"] == "cursor_invalid"
