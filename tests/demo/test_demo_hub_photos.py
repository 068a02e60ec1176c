"""The separate demo hub (``python -m ioc_console.demo``) stores and serves its photos as any hub does:
those of its history and those of the demo citizens' new reports, to every staff role that may see the
report, through the staff API's attachment download."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from ioc_console.demo import demo_photo_for
from ioc_console.hub.server import free_port


@pytest.fixture(scope="module")
def demo_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, object]]]:
    """A demo hub in a process of its own, as a second console would find it."""
    folder = tmp_path_factory.mktemp("demo-hub")
    port = free_port()
    log = (folder / "hub.log").open("w", encoding="utf-8")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ioc_console.demo",
            "--data-dir",
            str(folder),
            "--port",
            str(port),
            "--count",
            "120",
            "--feed-rate",
            "0",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{url}/open311/v2/discovery.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "hub.log").read_text(errors="replace"))
            time.sleep(0.3)
        secrets = json.loads((folder / "demo-hub.json").read_text(encoding="utf-8"))
        # The demo's accounts are named where it starts, and that they share the password (printed
        # just after it starts serving, so on a busy machine a moment after discovery answers).
        said = ""
        while "dùng chung mật khẩu" not in said and time.monotonic() < deadline:
            time.sleep(0.1)
            said = (folder / "hub.log").read_text(encoding="utf-8")
        for user in secrets["liaisons"]:
            assert f"Liên lạc đơn vị / agency liaison: {user}" in said
        assert "dùng chung mật khẩu" in said and secrets["password"] not in said
        yield url, secrets
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@contextmanager
def _client(url: str, user: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=30) as client:
        r = client.post("/api/v1/auth/login", json={"username": user, "password": password})
        assert r.status_code == 200, r.text
        client.headers["Authorization"] = f"Bearer {r.json()['token']}"
        yield client


def _reports(client: httpx.Client) -> list[dict[str, object]]:
    r = client.get("/api/v1/feed", params={"after": 0, "limit": 5000})
    assert r.status_code == 200, r.text
    return [c["report"] for c in r.json()["changes"] if c["kind"] == "upsert"]


def test_the_history_photos_are_served_to_the_operator_and_the_liaison(demo_hub) -> None:  # type: ignore[no-untyped-def]
    url, secrets = demo_hub
    with _client(url, "ioc.nhung", str(secrets["password"])) as operator:
        photos = [(r["number"], a) for r in _reports(operator) for a in r["attachments"]]
        assert len(photos) >= 30
        for _number, a in photos[:40]:
            r = operator.get(f"/api/v1/attachments/{a['id']}")
            assert r.status_code == 200 and r.headers["content-type"] == "image/png"
            assert r.content == demo_photo_for(a["id"]) and len(r.content) == a["size"]
    # A liaison sees the photos of the reports forwarded to their agency, as on any hub.
    liaison, agency = next(iter(dict(secrets["liaisons"]).items()))  # type: ignore[call-overload]
    with _client(url, liaison, str(secrets["password"])) as theirs:
        reports = _reports(theirs)
        assert reports and all(r["agency"] == agency for r in reports)
        for a in [a for r in reports for a in r["attachments"]][:10]:
            assert theirs.get(f"/api/v1/attachments/{a['id']}").status_code == 200


def test_a_new_citizen_report_with_a_demo_photo_is_served(demo_hub) -> None:  # type: ignore[no-untyped-def]
    url, secrets = demo_hub
    key = dict(secrets["channel_keys"])["zalo"]  # type: ignore[call-overload]
    posted = httpx.post(
        f"{url}/open311/v2/requests.json",
        data={
            "api_key": key,
            "service_code": "environment",
            "description": "Rác thải đổ trộm ở đầu hẻm 12 Ngô Gia Tự",
            "lat": "11.5663",
            "long": "108.9886",
            "media_url": "demo://photo/1234.png",
        },
        timeout=30,
    )
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]
    with _client(url, "ioc.nhung", str(secrets["password"])) as operator:
        report = operator.get(f"/api/v1/reports/{number}").json()
        (photo,) = report["attachments"]
        assert photo["content_type"] == "image/png"
        r = operator.get(f"/api/v1/attachments/{photo['id']}")
    assert (
        r.status_code == 200 and r.content == demo_photo_for(photo["id"]) and len(r.content) == photo["size"]
    )


def test_a_demo_hub_built_before_its_photos_were_stored_gets_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A demo hub from an earlier version (reports with photos, none stored) is given them once."""
    import sqlite3

    from ioc_console.demo.embedded import DB_NAME, EmbeddedHub, build_demo_hub

    build_demo_hub(tmp_path / DB_NAME, tmp_path / "demo-hub.json", count=40)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        wanted = conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
        conn.execute("DELETE FROM attachments")  # as an earlier version built it
    assert wanted > 0
    with EmbeddedHub(tmp_path, count=40) as hub, _client(hub.url, "ioc.nhung", hub.operator_password) as op:
        photos = [a for r in _reports(op) for a in r["attachments"]]
        assert len(photos) == wanted
        assert all(op.get(f"/api/v1/attachments/{a['id']}").status_code == 200 for a in photos)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("SELECT count(*) FROM attachments").fetchone()[0] == wanted
