"""What the sync engine tells the user at all times: online, syncing, offline since when, what waits.

:class:`SyncStatus` is an immutable snapshot; the engine hands a new one to its observers whenever
anything in it changes. No Qt here: the GUI turns snapshots into a widget's text and colour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo

from ioc_console.domain.messages import Labelled
from ioc_console.sync.messages import render

DEFAULT_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class SyncState(Labelled):
    #: Started, nothing heard from the hub yet.
    CONNECTING = "connecting"
    #: The hub answers; nothing is being exchanged right now.
    ONLINE = "online"
    #: Pulling the change feed or sending actions.
    SYNCING = "syncing"
    #: The hub cannot be reached; the console keeps working on its local copy.
    OFFLINE = "offline"
    #: The session expired or was revoked: the user must sign in again (nothing is lost).
    SIGNED_OUT = "signed_out"
    #: The engine is not running.
    STOPPED = "stopped"

    @staticmethod
    def _labels() -> Mapping[str, tuple[str, str]]:
        return {
            "connecting": ("Đang kết nối", "Connecting"),
            "online": ("Trực tuyến", "Online"),
            "syncing": ("Đang đồng bộ", "Syncing"),
            "offline": ("Ngoại tuyến", "Offline"),
            "signed_out": ("Cần đăng nhập lại", "Sign-in needed"),
            "stopped": ("Đã dừng đồng bộ", "Sync stopped"),
        }


@dataclass(frozen=True)
class SyncStatus:
    state: SyncState = SyncState.STOPPED
    #: The live event stream is connected (changes arrive within a second).
    live: bool = False
    #: Actions waiting in the outbox for the hub.
    waiting: int = 0
    #: Since when the hub has been unreachable (None while it answers).
    offline_since: datetime | None = None
    #: The last problem, in Vietnamese and English (None once things work again).
    last_error: str | None = None
    last_error_en: str | None = None
    #: When the change feed was last read to its end.
    last_pull_at: datetime | None = None
    #: Reports a first sync under way has brought so far (None when none is under way): a first
    #: sync of a whole province takes a while, more so far from the hub.
    first_sync_received: int | None = None

    def describe(self, lang: str = "vi", tz: tzinfo = DEFAULT_TZ) -> str:
        """One line for a status bar: ``Ngoại tuyến · Mất kết nối từ 09:15 · 3 thao tác chờ gửi``."""
        parts = [self.state.label(lang)]
        if self.first_sync_received is not None:
            count = f"{self.first_sync_received:,}"
            if lang != "en":
                count = count.replace(",", ".")  # (Vietnamese groups thousands with dots)
            parts.append(render("status.first_sync", lang, count=count))
        if self.offline_since is not None:
            parts.append(render("status.offline_since", lang, since=short_time(self.offline_since, tz)))
        if self.waiting:
            parts.append(render("status.waiting", lang, count=self.waiting))
        return " · ".join(parts)

    def error(self, lang: str = "vi") -> str | None:
        return self.last_error_en if lang == "en" and self.last_error_en else self.last_error


def short_time(moment: datetime, tz: tzinfo = DEFAULT_TZ, now: datetime | None = None) -> str:
    """``09:15`` today, ``09:15 10/03/2025`` on another day (in ``tz``)."""
    local = moment.astimezone(tz)
    today = (now or datetime.now(tz)).astimezone(tz).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    return local.strftime("%H:%M %d/%m/%Y")


def full_time(moment: datetime, tz: tzinfo = DEFAULT_TZ) -> str:
    return moment.astimezone(tz).strftime("%H:%M %d/%m/%Y")


__all__ = ["DEFAULT_TZ", "SyncState", "SyncStatus", "full_time", "short_time"]
