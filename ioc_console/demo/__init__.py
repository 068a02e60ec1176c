"""The demo: a realistic, deterministic history of citizens' reports and a citizen-feed simulator.

* :func:`generate` yields reports with their whole histories (legal by construction);
* :func:`new_report` makes one citizen's Open311 POST fields, for the feed simulator;
* :func:`demo_photo` draws the small PNG behind a demo photo attachment;
* :func:`demo_staff` names the operators, liaisons and channel adapters who act in the histories.
"""

from __future__ import annotations

from ioc_console.demo.generator import (
    MEDIA_URL_PREFIX,
    PER_YEAR,
    DemoStaff,
    default_count,
    demo_staff,
    generate,
    media_seed,
    new_report,
)
from ioc_console.demo.photos import demo_photo, demo_photo_for, demo_photo_size, photo_seed

__all__ = [
    "MEDIA_URL_PREFIX",
    "PER_YEAR",
    "DemoStaff",
    "default_count",
    "demo_photo",
    "demo_photo_for",
    "demo_photo_size",
    "demo_staff",
    "generate",
    "media_seed",
    "new_report",
    "photo_seed",
]
