"""Cheap random draws for the generator's hot paths (same determinism as :mod:`random`).

``random.Random.choice`` and ``choices`` are general and comparatively slow; the generator makes a few
dozen draws per report, so these index with one ``random()`` float instead.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One item, uniformly."""
    return items[int(rng.random() * len(items))]


def pick_weighted(rng: random.Random, items: Sequence[T], cumulative: Sequence[float]) -> T:
    """One item with probability proportional to its weight (``cumulative``: running sums of weights)."""
    return items[bisect_right(cumulative, rng.random() * cumulative[-1], 0, len(items) - 1)]
