"""Fixtures of the store's tests: the shipped jurisdiction and fresh stores in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.resources import default_pack_path
from ioc_console.store import LocalStore


@pytest.fixture(scope="session")
def pack() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "console.sqlite3"


@pytest.fixture
def store(store_path: Path, pack: Jurisdiction) -> Iterator[LocalStore]:
    opened = LocalStore.open(store_path)
    opened.load_jurisdiction(pack)
    yield opened
    opened.close()
