"""Shared fixtures of the demo tests: the shipped pack and one year of generated history."""

from __future__ import annotations

import pytest
from demo_support import NOW

from ioc_console.demo import generate
from ioc_console.domain.jurisdiction import Jurisdiction, load_pack
from ioc_console.domain.report import Report
from ioc_console.resources import default_pack_path


@pytest.fixture(scope="session")
def ninh_thuan() -> Jurisdiction:
    return load_pack(default_pack_path())


@pytest.fixture(scope="session")
def year(ninh_thuan: Jurisdiction) -> list[Report]:
    """The default history: a year's worth ending at NOW, seed 2020."""
    return list(generate(ninh_thuan, now=NOW))


@pytest.fixture(scope="session")
def big(ninh_thuan: Jurisdiction) -> list[Report]:
    """A larger sample for shares that need more than 600 reports to be stable."""
    return list(generate(ninh_thuan, now=NOW, count=6000, seed=11))
