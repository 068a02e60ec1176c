"""Mouse drags in the tests, as far as the offscreen platform allows.

QTest presses on the queue and moves until the view starts its QDrag. The offscreen platform has no
drag manager (its ``QDrag.exec`` returns at once), so :class:`DragLoop` stands in for it: it runs
the drag's own event loop, and in it the test's steps (moves over the agency panel, reports
arriving, checks) deliver the drag's events to the widget under the pointer, found as Qt finds it
(the deepest widget at that point that accepts drops), until a release drops on it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QDrag, QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

#: A step returns False to be run again a little later (it waits for something), else it is done.
Step = Callable[[], object]

LEFT = Qt.MouseButton.LeftButton
NO_KEYS = Qt.KeyboardModifier.NoModifier


class DragLoop:
    """The drag manager the offscreen platform lacks, for the drags started in ``top``."""

    def __init__(self, top: QWidget) -> None:
        self._top = top
        self._drag: QDrag | None = None
        self._loop: QEventLoop | None = None
        self._target: QWidget | None = None
        self._accepted = False
        self._result = Qt.DropAction.IgnoreAction
        self.steps: list[Step] = []
        self.errors: list[BaseException] = []
        self.started = 0

    # -- what the view calls instead of QDrag.exec -----------------------------------------------------

    def exec_drag(self, drag: QDrag) -> Qt.DropAction:
        self.started += 1
        self._drag, self._target, self._accepted = drag, None, False
        self._result = Qt.DropAction.IgnoreAction
        self._loop = QEventLoop()
        QTimer.singleShot(20, self._next)
        self._loop.exec()
        self._loop = None
        return self._result

    def _next(self) -> None:
        if self._loop is None:
            return
        if not self.steps:
            self.release()
            return
        try:
            if self.steps[0]() is not False:
                self.steps.pop(0)
        except BaseException as error:  # the drag must still end
            self.errors.append(error)
            self.steps = []
        QTimer.singleShot(20, self._next)

    # -- the pointer during the drag ------------------------------------------------------------------

    def _under(self, point: QPoint) -> QWidget | None:
        widget = self._top.childAt(self._top.mapFromGlobal(point))
        while widget is not None and not widget.acceptDrops():
            widget = widget.parentWidget()
        return widget

    def move(self, widget: QWidget, point: QPoint) -> None:
        """The pointer moves to ``point`` of ``widget`` with the drag."""
        drag = self._drag
        assert drag is not None
        at = widget.mapToGlobal(point)
        under = self._under(at)
        actions = drag.supportedActions()
        if under is not self._target:
            if self._target is not None:
                QApplication.sendEvent(self._target, QDragLeaveEvent())
            self._target, self._accepted = under, False
            if under is not None:
                enter = QDragEnterEvent(under.mapFromGlobal(at), actions, drag.mimeData(), LEFT, NO_KEYS)
                QApplication.sendEvent(under, enter)
                self._accepted = enter.isAccepted()
        if self._target is not None and self._accepted:
            moved = QDragMoveEvent(self._target.mapFromGlobal(at), actions, drag.mimeData(), LEFT, NO_KEYS)
            QApplication.sendEvent(self._target, moved)
        self._at = at

    def release(self) -> None:
        """The mouse button is let go: a drop where the pointer is (if taken there); the drag ends."""
        drag, target = self._drag, self._target
        if drag is not None and target is not None:
            if self._accepted:
                point = QPointF(target.mapFromGlobal(self._at))
                drop = QDropEvent(point, drag.supportedActions(), drag.mimeData(), LEFT, NO_KEYS)
                QApplication.sendEvent(target, drop)
                if drop.isAccepted():
                    self._result = drop.dropAction()
            else:
                QApplication.sendEvent(target, QDragLeaveEvent())
        self._target = None
        if self._loop is not None:
            self._loop.quit()


def press_and_drag(loop: DragLoop, source: QWidget, start: QPoint, steps: list[Step]) -> None:
    """Press at ``start`` in ``source`` and move until the view starts a drag, which runs ``steps``
    and ends with a release (a drop where the pointer last moved)."""
    loop.steps = list(steps)
    started = loop.started
    QTest.mousePress(source, LEFT, NO_KEYS, start)
    QTest.mouseMove(source, start + QPoint(0, 24))  # past the start distance: the drag runs here
    QTest.mouseRelease(source, LEFT, NO_KEYS, start + QPoint(0, 24))
    assert loop.started == started + 1, "the press and move on a selected row started a drag"
    if loop.errors:
        raise loop.errors[0]
