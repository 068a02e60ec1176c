"""A liaison's copy holds only what the agency needs: the citizen's contact is withheld from every
answer a liaison gets (feed, report, action answers, conflicts) and read on demand, when they choose to
call, through an endpoint whose every read the audit log keeps (who saw the phone number, when)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hub_support import AGENCY_A, Hub

PHONE = "0987 654 321"


@pytest.fixture(scope="module")
def forwarded(hub: Hub) -> str:
    number = hub.submit(first_name="Thị Mai", last_name="Đặng", phone=PHONE, email="mai.dt@example.vn")
    hub.ok("op", number, "forward", {"agency": AGENCY_A})
    return number


def contact_of(doc: dict[str, Any]) -> dict[str, Any]:
    return dict(doc.get("contact") or {})


def no_contact(doc: dict[str, Any]) -> bool:
    return not any(contact_of(doc).values())


def test_a_liaison_gets_reports_without_the_citizens_contact(hub: Hub, forwarded: str) -> None:
    assert "".join(contact_of(hub.report(forwarded, "op")).values()).count("0987654321") == 1
    assert no_contact(hub.report(forwarded, "lia_a"))
    feed = hub.client("lia_a").get("/api/v1/feed", params={"limit": 5000}).json()
    upserts = [c["report"] for c in feed["changes"] if c["kind"] == "upsert"]
    assert forwarded in [r["number"] for r in upserts]
    assert all(no_contact(r) for r in upserts)
    stale = hub.act("lia_a", forwarded, "accept", base_version=1)
    assert stale.status_code == 409 and no_contact(stale.json()["report"])
    accepted = hub.act("lia_a", forwarded, "accept")
    assert accepted.status_code == 200 and no_contact(accepted.json()["report"])


def test_the_contact_is_read_on_demand_and_the_read_is_audited(hub: Hub, forwarded: str) -> None:
    console = f"console-{uuid.uuid4().hex[:6]}"
    r = hub.client("lia_a", console=console).get(f"/api/v1/reports/{forwarded}/contact")
    assert r.status_code == 200, r.text
    assert r.headers["Cache-Control"] == "no-store"
    got = r.json()
    assert got["number"] == forwarded and got["phone"].replace(" ", "") == "0987654321"
    assert "Mai" in got["name"] and got["email"] == "mai.dt@example.vn"
    log = hub.client("admin").get("/api/v1/audit", params={"limit": 5000}).json()
    reads = [e for e in log if e["action"] == "contact.read" and e["target"] == forwarded]
    assert [(e["user"], e["console"], e["outcome"]) for e in reads] == [("lia_a", console, 200)]
    assert reads[0]["detail"]["fields"] == ["name", "phone", "email"] and reads[0]["at"]


def test_another_agency_cannot_read_the_contact_and_leaves_no_read(hub: Hub, forwarded: str) -> None:
    assert hub.client("lia_b").get(f"/api/v1/reports/{forwarded}/contact").status_code == 404
    assert hub.client().get(f"/api/v1/reports/{forwarded}/contact").status_code == 401
    log = hub.client("admin").get("/api/v1/audit", params={"limit": 5000}).json()
    assert not [e for e in log if e["action"] == "contact.read" and e["user"] == "lia_b"]
