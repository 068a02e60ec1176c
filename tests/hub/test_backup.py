"""``ioc-hub backup`` while the hub serves, then ``ioc-hub restore`` into an empty database: every
report, event, photo, user, channel key and audit line is back, and the restored hub takes new reports.
SQLite backs up through its online backup API, PostgreSQL into a logical dump; a SQLite backup also
restores into PostgreSQL (a province moving its hub)."""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_support import PASSWORD, USERS, Hub, in_state, new_database, start_hub
from test_attachments_stats import png, upload

from ioc_console.hub import cli
from ioc_console.hub.server import BackgroundHub
from ioc_console.hub.settings import HubSettings


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = cli.main(list(args))
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def snapshot(url: str, numbers: list[str], photo_url: str) -> dict[str, Any]:
    """What every user finds on the hub at ``url``."""
    seen: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=30) as c:
        for user in USERS:
            r = c.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
            assert r.status_code == 200, (user, r.text)
            headers = {"Authorization": f"Bearer {r.json()['token']}"}
            feed = c.get("/api/v1/feed", params={"after": "0", "limit": 5000}, headers=headers).json()
            seen[user] = feed
        op = {
            "Authorization": f"Bearer {c.post('/api/v1/auth/login', json={'username': 'op', 'password': PASSWORD}).json()['token']}"
        }
        seen["reports"] = [c.get(f"/api/v1/reports/{n}", headers=op).json() for n in numbers]
        seen["photo"] = c.get(photo_url, headers=op).content
        admin_token = c.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD}).json()[
            "token"
        ]
        seen["users"] = c.get(
            "/api/v1/admin/users", headers={"Authorization": f"Bearer {admin_token}"}
        ).json()
    return seen


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("sqlite", "sqlite"),
        pytest.param("postgres", "postgres", marks=pytest.mark.postgres),
        pytest.param("sqlite", "postgres", marks=pytest.mark.postgres),
    ],
)
def test_a_backup_restores_into_an_empty_database_with_everything(
    source: str, target: str, tmp_path: Path, pg_session: list[str]
) -> None:
    url = new_database(source, tmp_path, pg_session)
    hub: Hub = start_hub(url, source)
    try:
        numbers = [hub.submit(description=f"Phản ánh số {i}: đèn đường hỏng") for i in range(3)]
        working = in_state(hub, "in_progress")
        photo = png()
        meta = upload(hub.client("lia_a"), working, photo).json()
        hub.ok("lia_a", working, "note_progress", {"note": "Đang sửa, có ảnh", "attachments": [meta["id"]]})
        numbers.append(working)
        before = snapshot(hub.url, numbers, meta["url"])
        assert before["photo"] == photo and before["reports"][-1]["attachments"]
        # Backed up while the hub serves.
        out = tmp_path / "backups" / "hub-backup"
        code, text, err = run("backup", "--db", url, "--out", str(out))
        assert code == 0, err
        assert "reports: 4" in text
        head = out.read_bytes()[:16]
        if source == "sqlite":
            assert head == b"SQLite format 3\x00" and "SQLite" in text
        else:
            assert head[:2] == b"\x1f\x8b" and "logical dump" in text
            assert gzip.decompress(out.read_bytes()).startswith(b'{"format": "ioc-hub-dump"')
        clock = hub.clock
    finally:
        hub.close()
        hub.server.stop()

    restored = new_database(target, tmp_path / "restored", pg_session)
    code, text, err = run("restore", str(out), "--db", restored)
    assert code == 0, err
    assert "reports: 4" in text
    # A second restore into the same (now full) database is refused, and changes nothing.
    code, _, err = run("restore", str(out), "--db", restored)
    assert code == 1 and "not empty" in err
    with BackgroundHub(HubSettings(database_url=restored, clock=clock)) as server:
        after = snapshot(server.url, numbers, meta["url"])
        assert after == before
        assert len(after["reports"][-1]["history"]) >= 4  # received, classified, forwarded, ..., noted
        assert {u["name"] for u in after["users"]} == set(USERS)
        # The restored hub goes on: a channel's key still works and new reports get new numbers.
        r = httpx.post(
            f"{server.url}/open311/v2/requests.json",
            data={
                "api_key": hub.api_key,
                "service_code": "environment",
                "lat": 11.58,
                "long": 108.99,
                "description": "Sau khi khôi phục",
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()[0]["service_request_id"] not in numbers


def test_restore_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("không phải bản sao lưu", "utf-8")
    code, _, err = run("restore", str(junk), "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert code == 1 and "not a hub backup" in err
    code, _, err = run(
        "backup", "--db", f"sqlite:///{tmp_path / 'none.sqlite3'}", "--out", str(tmp_path / "b")
    )
    assert code == 1 and "does not exist" in err
    assert not (tmp_path / "b").exists()
