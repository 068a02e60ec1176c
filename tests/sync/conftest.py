"""Fixtures of the sync tests (see ``sync_support``): a hub on loopback per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync_support import ThreadHub


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadHub]:
    running = ThreadHub(tmp_path_factory.mktemp("hub"))
    try:
        yield running
    finally:
        running.stop()
