"""The console's cycle collector, run on the GUI thread."""

from __future__ import annotations

import gc
import weakref

from ioc_console.gui.qt_compat import GuiThreadCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_what_the_console_started_with_is_passed_over_after_the_first_full_collection(qapp) -> None:
    collector = GuiThreadCollector()
    try:
        assert not gc.isenabled()
        collector.collect(1)
        assert gc.get_freeze_count() == 0
        collector.collect(2)
        started_with = gc.get_freeze_count()
        assert started_with > 10_000  # the modules, classes and objects alive now
        # Garbage made afterwards is still found, by partial and full collections alike.
        for generation in (0, 2):
            node = _Node()
            gone = weakref.ref(node)
            del node
            assert gone() is not None
            collector.collect(generation)
            assert gone() is None
        assert gc.get_freeze_count() == started_with  # frozen once, not at every full collection
    finally:
        collector.stop()
        collector.deleteLater()
    assert gc.get_freeze_count() == 0
