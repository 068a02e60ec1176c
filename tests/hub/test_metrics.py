"""``/metrics``: what the province's monitoring scrapes, in the Prometheus text format: requests by
route and status, Open311 POSTs by channel, failed sign-ins, live event lag, open and overdue
reports; behind a token when one is set, and never a citizen's data."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from hub_support import PASSWORD, Hub, new_database, start_hub
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "metrics-token-for-tests"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, pg_session: list[str]
) -> Iterator[Hub]:
    url = new_database(request.param, tmp_path_factory.mktemp("metrics"), pg_session)
    running = start_hub(url, request.param, metrics_token=TOKEN)
    try:
        yield running
    finally:
        running.close()
        running.server.stop()


def scrape(hub: Hub) -> tuple[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    r = httpx.get(f"{hub.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(r.text)
        for s in family.samples
    }
    return r.text, samples


def value(samples: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_the_token_when_one_is_set(hub: Hub) -> None:
    assert httpx.get(f"{hub.url}/metrics").status_code == 401
    assert httpx.get(f"{hub.url}/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert scrape(hub)[1]


def test_requests_posts_sign_ins_and_reports_are_counted(hub: Hub) -> None:
    _, before = scrape(hub)
    description = "Cống thoát nước bị tắc trước nhà ông Nguyễn Văn Bảy, số 0912345678"
    numbers = [hub.submit(description=description, phone="0912345678", first_name="Bảy") for _ in range(3)]
    bad = httpx.post(f"{hub.url}/open311/v2/requests.json", data={"api_key": "sai", "service_code": "x"})
    assert bad.status_code == 403
    for _ in range(2):
        r = httpx.post(f"{hub.url}/api/v1/auth/login", json={"username": "op", "password": "sai mật khẩu"})
        assert r.status_code == 401
    assert (
        httpx.post(f"{hub.url}/api/v1/auth/login", json={"username": "op", "password": PASSWORD}).status_code
        == 200
    )
    hub.report(numbers[0])
    text, after = scrape(hub)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("ioc_hub_open311_posts_total", channel="zalo-oa", status="201") == 3
    assert delta("ioc_hub_open311_posts_total", channel="unknown", status="403") == 1
    assert delta("ioc_hub_sign_in_failures_total", reason="password") == 2
    assert delta("ioc_hub_requests_total", route="/api/v1/auth/login", method="POST", status="401") == 2
    assert delta("ioc_hub_requests_total", route="/api/v1/auth/login", method="POST", status="200") >= 1
    # Routes are counted by their template, never by the report's number.
    assert delta("ioc_hub_requests_total", route="/api/v1/reports/{number}", method="GET", status="200") >= 1
    assert (
        delta("ioc_hub_requests_total", route="/open311/v2/requests.{fmt}", method="POST", status="201") == 3
    )
    assert (
        value(
            after, "ioc_hub_request_duration_seconds_count", route="/open311/v2/requests.{fmt}", method="POST"
        )
        >= 4
    )
    # Nothing a citizen wrote or is, nor a report's number, is in what monitoring reads.
    for secret in ("0912345678", "Nguyễn", "Bảy", "Cống", *numbers, PASSWORD):
        assert secret not in text
    assert delta("ioc_hub_reports_open", status="new") == 3
    page = hub.client("op").get("/api/v1/feed", params={"after": "0", "limit": 5000}).json()
    head = int(page["cursor"])
    assert value(after, "ioc_hub_feed_head") == head
    assert value(after, "ioc_hub_feed_lag_changes") == 0


def test_reports_past_their_reply_date_are_counted_overdue(hub: Hub) -> None:
    _, before = scrape(hub)
    open_now = sum(v for (name, _), v in before.items() if name == "ioc_hub_reports_open")
    hub.submit()
    hub.clock.set(hub.clock() + timedelta(days=30))
    _, after = scrape(hub)
    assert value(after, "ioc_hub_reports_overdue") == open_now + 1


def test_an_unset_token_leaves_metrics_open(tmp_path: Path) -> None:
    url = new_database("sqlite", tmp_path, [])
    running = start_hub(url, "sqlite")
    try:
        r = httpx.get(f"{running.url}/metrics")
        assert r.status_code == 200 and "ioc_hub_reports_overdue" in r.text
    finally:
        running.server.stop()
