"""The local copy encrypted at rest (SQLCipher through ``sqlcipher3``): the same store, its full-text
search included, over a file in which no citizen's words can be read; opened again only with its
key; a plain copy of an earlier version encrypted in place with its rows and outbox kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_support import make_report

from ioc_console.domain.jurisdiction import Jurisdiction
from ioc_console.domain.lifecycle import Action
from ioc_console.domain.report import Contact
from ioc_console.store import LocalStore, ReportQuery, StoreCorrupt
from ioc_console.store.cipher import is_plain, new_key

CITIZEN = "Phạm Thị Hồng Nhung"
PHONE = "0935 246 810"


def fill(store: LocalStore, pack: Jurisdiction) -> str:
    store.load_jurisdiction(pack)
    reports = [make_report(i) for i in range(60)]
    reports[7].contact = Contact(name=CITIZEN, phone=PHONE, email="")
    reports[7].description = "Nắp cống trước chợ Đô Vinh bị vỡ, xe máy sụp bánh"
    store.upsert_reports(reports)
    return reports[7].number


def holds(folder: Path, needles: list[bytes]) -> list[bytes]:
    found = []
    for path in folder.iterdir():
        if path.is_file():
            data = path.read_bytes()
            found += [n for n in needles if n in data]
    return found


NEEDLES = [CITIZEN.encode(), PHONE.encode(), b"0935246810", "chợ Đô Vinh".encode(), b"SQLite format 3"]


def test_an_encrypted_copy_works_and_its_files_show_nothing(tmp_path: Path, pack: Jurisdiction) -> None:
    key = new_key()
    path = tmp_path / "console.sqlite3"
    store = LocalStore.open(path, key=key)
    try:
        assert store.encrypted
        number = fill(store, pack)
        report = store.get_report(number)
        assert report is not None and report.contact.name == CITIZEN
        assert [r.number for r in store.query(ReportQuery(text="do vinh sup banh"))] == [number]
        assert holds(tmp_path, NEEDLES) == []  # neither the file nor its WAL
    finally:
        store.close()
    assert holds(tmp_path, NEEDLES) == [] and not is_plain(path)
    again = LocalStore.open(path, key=key)
    try:
        assert again.get_report(number) is not None
        assert again.count(ReportQuery(text="nap cong")) == 1
    finally:
        again.close()


def test_without_its_key_the_copy_cannot_be_read(tmp_path: Path, pack: Jurisdiction) -> None:
    path = tmp_path / "console.sqlite3"
    store = LocalStore.open(path, key=new_key())
    fill(store, pack)
    store.close()
    with pytest.raises(StoreCorrupt):
        LocalStore.open(path, key=new_key())
    with pytest.raises(StoreCorrupt):
        LocalStore.open(path)  # not even as a plain SQLite file


def test_a_plain_copy_is_encrypted_in_place_keeping_its_rows_and_outbox(
    tmp_path: Path, pack: Jurisdiction
) -> None:
    path = tmp_path / "console.sqlite3"
    plain = LocalStore.open(path)
    number = fill(plain, pack)
    plain.enqueue_action(number, Action.LOG_CALL, {"outcome": "Đã gọi, chưa nghe máy"}, base_version=1)
    plain.close()
    assert is_plain(path) and holds(tmp_path, [PHONE.encode()])
    key = new_key()
    store = LocalStore.open(path, key=key)
    try:
        assert not is_plain(path) and holds(tmp_path, NEEDLES) == []
        assert store.get_report(number) is not None
        assert [e.action for e in store.pending_actions()] == [Action.LOG_CALL]
        assert store.count(ReportQuery(text="sup banh")) == 1
    finally:
        store.close()
