"""The one object the map page can reach: JSON messages both ways, a ready handshake, a queue.

Only :class:`MapBridge` is registered on the page's QWebChannel, and only in the ApplicationWorld,
where our own scripts run; the page's content (the MainWorld) has no ``qt`` object at all. The
bridge exposes exactly one signal (``message_posted``, Python → page) and one slot (``receive``,
page → Python), both carrying a JSON text; nothing on it calls into the widget except the handler
it was given.

* Until the page says ``{"t": "ready"}``, messages for it are queued; they are sent in order then.
* After :meth:`close` (teardown), everything is dropped in both directions.
* :meth:`reset` forgets the page (it is being reloaded): not ready, queue emptied.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)

#: The version of the message protocol; the page announces its own in the ready message.
PROTOCOL = 1

Message = dict[str, Any]


class MapBridge(QObject):
    """The page's channel object.

    Signals:
        message_posted(str): a JSON message for the page (the page's script subscribes to it).
    """

    message_posted = Signal(str)

    def __init__(self, handler: Callable[[Message], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bridge")
        self._handler = handler
        self._queue: deque[str] = deque()
        self._ready = False
        self._closed = False
        self.sent = 0
        self.received = 0

    # -- Python → page -------------------------------------------------------------------------------

    def is_ready(self) -> bool:
        return self._ready and not self._closed

    def is_closed(self) -> bool:
        return self._closed

    def queued(self) -> int:
        return len(self._queue)

    def send(self, message: Message) -> None:
        """Post ``message`` to the page now, or when it is ready; never after :meth:`close`."""
        if self._closed:
            return
        text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        if self._ready:
            self._post(text)
        else:
            self._queue.append(text)

    def _post(self, text: str) -> None:
        self.sent += 1
        self.message_posted.emit(text)

    def reset(self) -> None:
        """The page is gone or reloading: wait for a new ready, drop what was queued for the old one."""
        self._ready = False
        self._queue.clear()

    def close(self) -> None:
        """Teardown: from now on nothing is sent or handled."""
        self._closed = True
        self._ready = False
        self._queue.clear()

    # -- page → Python -------------------------------------------------------------------------------

    @Slot(str)
    def receive(self, text: str) -> None:
        if self._closed:
            return
        try:
            message = json.loads(text)
        except (TypeError, ValueError):
            log.warning("map page sent a message that is not JSON: %.200r", text)
            return
        if not isinstance(message, dict) or not isinstance(message.get("t"), str):
            log.warning("map page sent a message without a type: %.200r", text)
            return
        self.received += 1
        if message["t"] == "ready":
            if message.get("v") != PROTOCOL:
                log.error("map page speaks protocol %r, expected %r", message.get("v"), PROTOCOL)
                return
            self._ready = True
            # What was queued goes first, in order; then whoever waited for ready may send more.
            while self._queue and self._ready and not self._closed:
                self._post(self._queue.popleft())
            self._handler(message)
            return
        if not self._ready:
            log.debug("map page message before ready ignored: %s", message["t"])
            return
        self._handler(message)
