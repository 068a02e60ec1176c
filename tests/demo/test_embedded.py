"""The embedded demo hub: built once in the data folder, reopened as it is, signed in to by the demo
staff; bad folders and files give the user a clear message and lose nothing; an interrupted first
run leaves nothing half-made; stopping ends the consoles' live streams and frees the port.
(The citizen-feed simulator is tested in test_simulator.py.)"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ioc_console.demo.embedded import DB_NAME, LOCK_NAME, SECRETS_NAME, DemoHubError, EmbeddedHub
from ioc_console.demo.generator import generate
from ioc_console.hub.server import free_port

COUNT = 40


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedHub]:
    hub = EmbeddedHub(tmp_path_factory.mktemp("data"), count=COUNT)
    hub.start()
    try:
        yield hub
    finally:
        hub.stop()


def _login(url: str, user: str, password: str) -> str:
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as c:
        r = c.post("/api/v1/auth/login", json={"username": user, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def _feed(url: str, token: str, after: int = 0) -> dict[str, Any]:
    with httpx.Client(base_url=url, trust_env=False, timeout=30) as c:
        r = c.get(
            "/api/v1/feed",
            params={"after": after, "limit": 5000},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def _reports(page: dict[str, Any]) -> list[dict[str, Any]]:
    return [c["report"] for c in page["changes"] if c["kind"] == "upsert"]


def test_the_first_run_builds_the_demo_hub_and_its_operator_signs_in(running: EmbeddedHub) -> None:
    assert running.created
    assert (running.data_dir / DB_NAME).is_file()
    assert not (running.data_dir / (DB_NAME + ".partial")).exists()
    secrets_file = running.data_dir / SECRETS_NAME
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600  # readable by the user only
    token = _login(running.url, running.operator_name, running.operator_password)
    assert len(_reports(_feed(running.url, token))) == COUNT
    with httpx.Client(base_url=running.url, trust_env=False, timeout=30) as c:
        me = c.post(
            "/api/v1/auth/login",
            json={"username": running.operator_name, "password": running.operator_password},
        ).json()["user"]
    assert me["role"] == "operator" and me["display_name"] == "Trần Thị Hồng Nhung"
    for user, agency in running.secrets.liaisons.items():
        liaison = _login(running.url, user, running.operator_password)
        seen = _reports(_feed(running.url, liaison))
        assert all(r["agency"] == agency for r in seen)  # the hub keeps each agency to its own


def test_a_second_start_opens_the_same_hub_without_building_it(running: EmbeddedHub) -> None:
    secrets_before = (running.data_dir / SECRETS_NAME).read_bytes()
    again = EmbeddedHub(running.data_dir, count=COUNT)
    # the same database, served a second time beside the first (a second console on the same folder)
    again.start()
    try:
        assert not again.created
        assert again.url != running.url
        assert again.operator_password == running.operator_password
        token = _login(again.url, again.operator_name, again.operator_password)
        numbers = [r["number"] for r in _reports(_feed(again.url, token))]
        assert len(numbers) == len(set(numbers)) >= COUNT  # the same history, not a second one
    finally:
        again.stop()
    assert (running.data_dir / SECRETS_NAME).read_bytes() == secrets_before


def test_two_consoles_starting_at_once_build_the_hub_once(tmp_path: Path) -> None:
    hubs = [EmbeddedHub(tmp_path, count=5) for _ in range(2)]
    built: list[bool] = []
    threads = [threading.Thread(target=lambda h=h: built.append(h.prepare())) for h in hubs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(built) == [False, True]
    assert hubs[0].operator_password == hubs[1].operator_password
    assert hubs[0].secrets == hubs[1].secrets


def test_stopping_ends_the_live_streams_and_frees_the_port(tmp_path: Path) -> None:
    hub = EmbeddedHub(tmp_path, count=5).start()
    port = int(hub.url.rsplit(":", 1)[1])
    token = _login(hub.url, hub.operator_name, hub.operator_password)
    heard: list[str] = []
    ended: list[BaseException | None] = []
    listening = threading.Event()

    def listen() -> None:
        try:
            with (
                httpx.Client(base_url=hub.url, trust_env=False, timeout=30) as c,
                c.stream("GET", "/api/v1/events", headers={"Authorization": f"Bearer {token}"}) as r,
            ):
                for line in r.iter_lines():
                    heard.append(line)
                    listening.set()
            ended.append(None)
        except httpx.HTTPError as error:
            ended.append(error)

    listener = threading.Thread(target=listen)
    listener.start()
    assert listening.wait(10)
    hub.stop()
    listener.join(10)
    assert ended == [None], "the console's stream is ended by the hub, not cut off"
    assert "event: hello" in heard
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0
    hub.stop()  # twice is harmless


def test_an_interrupted_first_run_leaves_nothing_half_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    def cut_short(*args: Any, **kwargs: Any) -> Iterator[Any]:
        for i, report in enumerate(generate(*args, **kwargs)):
            if i == 3:
                raise KeyboardInterrupt  # the user closed the console during the first run
            yield report

    monkeypatch.setattr("ioc_console.demo.embedded.generate", cut_short)
    with pytest.raises(KeyboardInterrupt):
        EmbeddedHub(tmp_path, count=20).start()
    assert sorted(p.name for p in tmp_path.iterdir()) == [LOCK_NAME]
    monkeypatch.undo()
    hub = EmbeddedHub(tmp_path, count=20).start()
    try:
        assert hub.created
        token = _login(hub.url, hub.operator_name, hub.operator_password)
        assert len(_reports(_feed(hub.url, token))) == 20
    finally:
        hub.stop()


def test_a_demo_hub_of_a_newer_version_is_refused_and_kept(tmp_path: Path) -> None:
    EmbeddedHub(tmp_path, count=3).prepare()
    with contextlib.closing(sqlite3.connect(tmp_path / DB_NAME)) as conn, conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfeedbeef'")
    before = (tmp_path / DB_NAME).read_bytes()
    with pytest.raises(DemoHubError) as caught:
        EmbeddedHub(tmp_path).start()
    assert "newer" in caught.value.message("en")
    assert caught.value.message("vi").startswith("Không mở được máy chủ mẫu")
    assert (tmp_path / DB_NAME).read_bytes() == before


def test_an_unusable_data_folder_is_told_in_words(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DemoHubError) as caught:
        EmbeddedHub(blocker / "data").start()
    assert caught.value.message("vi").startswith("Không tạo được máy chủ mẫu trong thư mục")
    assert "Could not create the demo hub" in caught.value.message("en")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_data_folder_is_told_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(DemoHubError) as caught:
            EmbeddedHub(folder).start()
    finally:
        folder.chmod(0o700)
    assert caught.value.code == "demo_hub.unwritable"
    assert list(folder.iterdir()) == []


def test_a_broken_demo_database_is_left_as_it_is(tmp_path: Path) -> None:
    broken = tmp_path / DB_NAME
    broken.write_bytes(b"this is not a database" * 100)
    (tmp_path / SECRETS_NAME).write_text(
        json.dumps({"password": "p", "channel_keys": {}, "liaisons": {}}), encoding="utf-8"
    )
    with pytest.raises(DemoHubError) as caught:
        EmbeddedHub(tmp_path).start()
    assert "Tệp được giữ nguyên" in caught.value.message("vi")
    assert broken.read_bytes() == b"this is not a database" * 100


def test_only_a_demo_hub_takes_the_demos_photo_links() -> None:
    from ioc_console.domain.errors import ValidationError
    from ioc_console.hub.validate import media_url

    assert media_url("demo://photo/12.png", allow_demo=True) == "demo://photo/12.png"
    for bad in ("demo://photo/12.png", "file:///etc/passwd"):
        with pytest.raises(ValidationError):
            media_url(bad)
    with pytest.raises(ValidationError):
        media_url("demo://photo/../../x.png", allow_demo=True)


def test_a_port_already_taken_is_told_in_words(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(DemoHubError) as caught:
            EmbeddedHub(tmp_path, count=3, port=port).start()
    assert caught.value.code == "demo_hub.not_served"
    assert caught.value.message("vi").startswith(f"Không khởi động được máy chủ mẫu trên 127.0.0.1:{port}")
    assert (tmp_path / DB_NAME).is_file(), "the demo data is kept for the next start"


def _interruptible() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_demo_hub_runs_on_its_own_with_its_feed(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-X", "faulthandler", "-m", "ioc_console.demo", "--data-dir", str(tmp_path)]
    command += ["--port", str(port)]
    errors = tmp_path / "stderr.txt"  # a file, not a pipe nobody reads while it runs
    with errors.open("w", encoding="utf-8") as err:
        process = subprocess.Popen(
            [*command, "--count", "5", "--feed-rate", "120"],
            stdout=subprocess.PIPE,
            stderr=err,
            # Ctrl+C as at a terminal: a test run started in the background (`cmd &` in a script)
            # hands its children SIGINT ignored, and Python keeps it so.
            preexec_fn=_interruptible,
            text=True,
            encoding="utf-8",
        )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.strip() == f"Máy chủ mẫu / demo hub: http://127.0.0.1:{port}", first
        assert "ioc.nhung" in process.stdout.readline()
        password = json.loads((tmp_path / SECRETS_NAME).read_text(encoding="utf-8"))["password"]
        url = f"http://127.0.0.1:{port}"
        token = _login(url, "ioc.nhung", password)
        for _ in range(300):  # the feed's first report comes within seconds
            if len(_reports(_feed(url, token))) > 5:
                break
            time.sleep(0.1)
        assert len(_reports(_feed(url, token))) > 5
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(20)
        except subprocess.TimeoutExpired:
            # Where it hangs: faulthandler prints every thread's stack on SIGABRT.
            process.send_signal(signal.SIGABRT)
            process.wait(10)
            raise AssertionError(f"no exit 20 s after Ctrl+C:\n{errors.read_text()[-6000:]}") from None
        assert code == 0
        assert password not in (process.stdout.read() + first)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()
