"""What can go wrong talking to the hub, as types the engine and the GUI can act on.

* :class:`HubUnavailable` (and :class:`CertificateError`): the network, a timeout, a server error —
  try again later; nothing was refused.
* :class:`Unauthorized`: no session or it expired — sign in again; nothing is lost.
* :class:`HubRefused` and its kinds (:class:`Conflict`, :class:`Forbidden`, :class:`Invalid`,
  :class:`NotFound`): the hub answered and said no, for a reason in words; retrying the same request
  would get the same answer.
* :class:`MalformedAnswer`: the hub answered something the wire format does not allow.
"""

from __future__ import annotations

from datetime import datetime

from ioc_console.domain.report import Report
from ioc_console.sync.messages import render
from ioc_console.sync.wire import Refusal, WireError


class SyncError(Exception):
    """Base of the sync layer's errors; ``message(lang)`` is for people."""

    def message(self, lang: str = "vi") -> str:
        return str(self)


class HubUnavailable(SyncError):
    """The hub could not be reached or could not answer (network, timeout, 5xx)."""

    def __init__(self, url: str, detail: str, status: int | None = None) -> None:
        self.url = url
        self.detail = detail
        self.status = status
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        if self.status is not None:
            return render("hub.server_error", lang, url=self.url, status=self.status)
        return render("hub.unreachable", lang, url=self.url, detail=self.detail)


class HubBusy(HubUnavailable):
    """429 or 503 with the hub's words: too many failed sign-ins, or the hub busy; the same request
    may be tried again after ``retry_after`` seconds (None when the hub did not say)."""

    def __init__(self, url: str, refusal: Refusal, retry_after: int | None) -> None:
        self.refusal = refusal
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {refusal.status}", status=refusal.status)

    def message(self, lang: str = "vi") -> str:
        return self.refusal.message(lang) or self.refusal.message("vi") or super().message(lang)


class CertificateError(HubUnavailable):
    """TLS verification failed: the server's certificate is not trusted (or not for this name)."""

    def message(self, lang: str = "vi") -> str:
        return render("hub.certificate", lang, url=self.url, detail=self.detail)


class MalformedAnswer(SyncError):
    """An answer broke the wire format; nothing from it was applied."""

    def __init__(self, error: WireError) -> None:
        self.error = error
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        return render("hub.malformed", lang, detail=str(self.error)[:300])


class HubRefused(SyncError):
    """The hub answered with a refusal (4xx). ``refusal`` holds its code, field and words."""

    def __init__(self, refusal: Refusal) -> None:
        self.refusal = refusal
        super().__init__(f"{refusal.status} {refusal.code}: {refusal.message_en or refusal.message_vi}")

    @property
    def status(self) -> int:
        return self.refusal.status

    @property
    def code(self) -> str:
        return self.refusal.code

    @property
    def field(self) -> str | None:
        return self.refusal.field

    def message(self, lang: str = "vi") -> str:
        text = self.refusal.message(lang) or self.refusal.message("vi")
        return text or f"HTTP {self.refusal.status} ({self.refusal.code})"


class Unauthorized(HubRefused):
    """401: signing in is needed (wrong password at sign-in, or an expired or revoked token)."""

    def message(self, lang: str = "vi") -> str:
        if self.code == "auth.failed":
            return render("auth.failed", lang)
        return render("auth.expired", lang)


class Conflict(HubRefused):
    """409: the report changed meanwhile (stale version) or its state no longer allows the action.

    ``current`` is the report as the hub holds it; ``who`` and ``when`` say who changed it last.
    """

    @property
    def current(self) -> Report | None:
        return self.refusal.current

    @property
    def who(self) -> str | None:
        by = self.refusal.changed_by
        return by.name if by is not None and by.name else None

    @property
    def when(self) -> datetime | None:
        by = self.refusal.changed_by
        return None if by is None else by.at


class Forbidden(HubRefused):
    """403: the user's role or agency may not do this."""

    @property
    def reason(self) -> str:
        return self.message("vi")


class Invalid(HubRefused):
    """422 (or 400/413): an input is missing or malformed; ``field`` names it."""


class NotFound(HubRefused):
    """404: no such report, or not one this user may see."""


class Outdated(HubRefused):
    """426: the hub no longer serves this console's version; the console must be updated. Nothing is
    lost: the local copy and the outbox stay for the updated console."""


def refused(refusal: Refusal) -> HubRefused:
    """The typed error for a refusal's status."""
    kind: type[HubRefused]
    if refusal.status == 401:
        kind = Unauthorized
    elif refusal.status == 409:
        kind = Conflict
    elif refusal.status == 403:
        kind = Forbidden
    elif refusal.status == 404:
        kind = NotFound
    elif refusal.status == 426:
        kind = Outdated
    else:
        kind = Invalid
    return kind(refusal)


__all__ = [
    "CertificateError",
    "Conflict",
    "Forbidden",
    "HubRefused",
    "HubUnavailable",
    "Invalid",
    "MalformedAnswer",
    "NotFound",
    "Outdated",
    "SyncError",
    "Unauthorized",
    "refused",
]
