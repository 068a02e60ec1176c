"""The operator's actions on reports, taken locally: checked, written with their outbox entry, undoable.

:class:`ActionService` is the one way the console's screens act on reports (the agency panel's drop,
the assign dialog, later the triage tools). For each report it reads the local copy, lets the domain
take the action (:func:`~ioc_console.domain.deadlines.apply_action`: lifecycle, history, deadlines),
and writes the changed report together with its outbox entry in one transaction
(:meth:`LocalStore.enqueue_action`), so the change shows at once as pending and reaches the hub once
the sync sends it. All of it runs on the database worker; the GUI thread only gets the outcome.

A request on several reports is all or nothing: every report is checked first, and if the
lifecycle or the jurisdiction forbids the action on one of them, nothing is written and each
refusal is reported with its reason.

For :data:`UNDO_SECONDS` after an action the operator may take it back. Undoing works while the
outbox entries are still waiting (never sent) and the local copy is the one the action wrote: the
report as it was before is put back, then its entry is marked refused with the reason
:data:`UNDONE_REASON` (the store has no way to delete an outbox entry). When the window closes,
:attr:`ActionService.actions_released` says the actions are final; the sync may send them.

The jurisdiction's own rule for forwarding (:func:`agency_reach`): a district or commune committee
acts only within its own units, so a report elsewhere is refused; any other agency (provincial
departments, police, service companies) may be sent a report outside the units its entry lists,
with a warning, since a department's remit is the whole province and a company's service area in
the pack may be incomplete.
"""

from __future__ import annotations

import copy
import itertools
import logging
import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from ioc_console.domain.deadlines import apply_action
from ioc_console.domain.errors import DomainError
from ioc_console.domain.jurisdiction import LOCAL_KINDS, Jurisdiction, Reach
from ioc_console.domain.lifecycle import Action, Actor, Status, check
from ioc_console.domain.report import Report
from ioc_console.store import LocalStore, OutboxState
from ioc_console.sync.apply import pending_base_version

from ioc_console.gui.operations import DatabaseExecutor, Op, words_of
from ioc_console.gui.present import DeadlineClock, Names

log = logging.getLogger(__name__)

#: How long an action can be taken back after it was taken.
UNDO_SECONDS = 8.0
#: The reason kept on an outbox entry the operator took back (stored text, not shown in the GUI).
UNDONE_REASON = "Đã hoàn tác trên máy này trước khi gửi."
#: The most reports one request may act on (a drag of a whole queue is a mistake, not a plan).
MAX_REPORTS = 500

# -- what a report looks like to a check -------------------------------------------------------------


@dataclass(frozen=True)
class ReportBrief:
    """The parts of a report the checks and the routing suggestion need."""

    number: str
    status: Status
    agency: str | None
    category: str
    unit_code: str | None
    version: int
    pending: bool = False

    @classmethod
    def of(cls, report: Report, pending: bool = False) -> ReportBrief:
        return cls(
            number=report.number,
            status=report.status,
            agency=report.agency,
            category=report.category,
            unit_code=report.location.unit_code,
            version=report.version,
            pending=pending,
        )


def read_briefs(store: LocalStore, numbers: Iterable[str]) -> list[ReportBrief]:
    """On the worker: the briefs of the reports that exist locally, in the order asked."""
    briefs: list[ReportBrief] = []
    for number in numbers:
        report = store.get_report(number)
        if report is not None:
            briefs.append(ReportBrief.of(report))
    return briefs


def agency_reach(j: Jurisdiction, agency_code: str, unit_code: str | None) -> Reach:
    """Whether ``agency_code`` may take a report located in ``unit_code`` (the domain's rule)."""
    return j.reach(agency_code, unit_code)


def suggested_agencies(j: Jurisdiction, briefs: Iterable[ReportBrief]) -> dict[str, list[str]]:
    """The agency the routing rules suggest for each report: agency code -> report numbers."""
    found: dict[str, list[str]] = {}
    for brief in briefs:
        if not brief.unit_code or brief.unit_code not in j.units or brief.category not in j.categories:
            continue
        agency = j.route(brief.category, brief.unit_code)
        if agency is not None:
            found.setdefault(agency.code, []).append(brief.number)
    return found


@dataclass(frozen=True)
class Refusal:
    number: str
    message: str


@dataclass(frozen=True)
class Verdict:
    """What the checks say of an action on some reports: refusals forbid it, warnings do not."""

    refusals: tuple[Refusal, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return not self.refusals


def check_action(
    j: Jurisdiction,
    names: Names,
    actor: Actor,
    briefs: Sequence[ReportBrief],
    action: Action,
    payload: Mapping[str, Any],
) -> Verdict:
    """The lifecycle's and the jurisdiction's verdict on ``action`` for each report (fast: no I/O)."""
    refusals: list[Refusal] = []
    warnings: list[str] = []
    lang = names.lang
    agency_code = payload.get("agency") if action is Action.FORWARD else None
    if action is Action.FORWARD and agency_code is not None:
        try:
            j.agency(str(agency_code))
        except DomainError as error:
            return Verdict(tuple(Refusal(b.number, error.message(lang)) for b in briefs))
    warned_units: set[str | None] = set()
    for brief in briefs:
        try:
            check(action, brief.status, actor, brief.agency, payload, report_id=brief.number)
        except DomainError as error:
            refusals.append(Refusal(brief.number, error.message(lang)))
            continue
        if action is not Action.FORWARD or agency_code is None:
            continue
        reach = agency_reach(j, str(agency_code), brief.unit_code)
        agency_name = names.agency(str(agency_code))
        if reach is Reach.OUTSIDE_REFUSED:
            refusals.append(
                Refusal(
                    brief.number,
                    QCoreApplication.translate(
                        "ActionService", "%1 chỉ xử lý phản ánh trên địa bàn của mình; phản ánh này ở %2."
                    )
                    .replace("%1", agency_name)
                    .replace("%2", names.unit_path(brief.unit_code)),
                )
            )
        elif reach is Reach.OUTSIDE_WARN and brief.unit_code not in warned_units:
            warned_units.add(brief.unit_code)
            warnings.append(
                QCoreApplication.translate("ActionService", "Theo danh mục, %1 không phụ trách địa bàn %2.")
                .replace("%1", agency_name)
                .replace("%2", names.unit(brief.unit_code))
            )
        elif reach is Reach.UNKNOWN_UNIT and None not in warned_units:
            warned_units.add(None)
            warnings.append(
                QCoreApplication.translate(
                    "ActionService", "Phản ánh %1 chưa xác định địa bàn; không kiểm tra được phạm vi của %2."
                )
                .replace("%1", brief.number)
                .replace("%2", agency_name)
            )
    return Verdict(tuple(refusals), tuple(warnings))


# -- results the service reports -------------------------------------------------------------------


@dataclass(frozen=True)
class PerformResult:
    """The outcome of one :meth:`ActionService.perform` request."""

    request: int
    action: Action
    payload: Mapping[str, Any]
    #: Reports the action was taken on (empty when refused).
    numbers: tuple[str, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    warnings: tuple[str, ...] = ()
    #: The token to pass to :meth:`ActionService.undo`, while the offer lasts; 0 when refused.
    token: int = 0
    #: Milliseconds from the request to the reports written as pending (for the record).
    elapsed_ms: float = 0.0


@dataclass(frozen=True)
class UndoOffer:
    """An action that can still be taken back: shown by the undo bar."""

    token: int
    action: Action
    numbers: tuple[str, ...]
    payload: Mapping[str, Any]
    seconds: float


@dataclass(frozen=True)
class UndoResult:
    token: int
    #: Reports put back as they were.
    restored: tuple[str, ...] = ()
    #: Reports whose action could not be taken back (already sent, or changed since).
    kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Written:
    number: str
    entry_id: int
    prior: Report
    after_version: int


@dataclass(frozen=True)
class _Offer:
    offer: UndoOffer
    written: tuple[_Written, ...]
    #: ``time.monotonic()`` when the offer ends.
    ends_at: float


@dataclass(frozen=True)
class _Outcome:
    written: tuple[_Written, ...]
    refusals: tuple[Refusal, ...]
    warnings: tuple[str, ...]
    elapsed_ms: float


class ActionService(QObject):
    """Takes the signed-in user's actions on reports: locally, pending until the hub has them.

    Signals:
        actions_performed(list): numbers of the reports an action was just taken on.
        action_refused(str, str): a report's number and why the action was refused (in the
            console's language); nothing of that request was written.
        request_finished(object): the :class:`PerformResult` of each request.
        undo_offered(object): an :class:`UndoOffer` for an action just taken.
        undo_finished(object): an :class:`UndoResult` after :meth:`undo`.
        actions_released(list): numbers whose actions can no longer be taken back (may be sent now).
        reports_changed(list): numbers of reports this service changed locally (acted on or put
            back): the queue, the map and the counters refresh them.
        failed(str): the store could not do what was asked; the words are for the user.
    """

    actions_performed = Signal(list)
    action_refused = Signal(str, str)
    request_finished = Signal(object)
    undo_offered = Signal(object)
    undo_finished = Signal(object)
    actions_released = Signal(list)
    reports_changed = Signal(list)
    failed = Signal(str)

    def __init__(
        self,
        store: LocalStore,
        jurisdiction: Jurisdiction,
        executor: DatabaseExecutor,
        actor: Actor,
        clock: DeadlineClock,
        names: Names,
        *,
        undo_seconds: float = UNDO_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.jurisdiction = jurisdiction
        self.executor = executor
        self.actor = actor
        self.clock = clock
        self.names = names
        self.undo_seconds = undo_seconds
        self._requests = itertools.count(1)
        self._tokens = itertools.count(1)
        self._offers: dict[int, _Offer] = {}
        # One timer for every offer, set to the nearest end (no timer per offer: a timer's slot
        # that held the service would delete it from inside the timer's own destruction).
        self._expiry = QTimer(self)
        self._expiry.setSingleShot(True)
        self._expiry.timeout.connect(self._on_expiry_timeout)

    @property
    def lang(self) -> str:
        return self.names.lang

    # -- checks ----------------------------------------------------------------------------------------

    def check(self, briefs: Sequence[ReportBrief], action: Action, payload: Mapping[str, Any]) -> Verdict:
        """What the lifecycle and the jurisdiction say, from briefs already read (GUI thread, no I/O)."""
        return check_action(self.jurisdiction, self.names, self.actor, briefs, action, payload)

    def fetch_briefs(
        self,
        numbers: Sequence[str],
        on_done: Callable[[list[ReportBrief]], object],
        parent: QObject | None = None,
    ) -> None:
        """Read the briefs of ``numbers`` on the worker; ``on_done`` gets them on the GUI thread."""
        if self.executor.closed:
            return
        store, wanted = self.store, list(numbers)[:MAX_REPORTS]
        Op(lambda: read_briefs(store, wanted), parent or self).on_success(on_done).on_failure(
            lambda error: log.error("reading reports %s failed", wanted[:5], exc_info=error)
        ).run(self.executor)

    # -- acting --------------------------------------------------------------------------------------

    def perform(
        self,
        numbers: Sequence[str],
        action: Action,
        payload: Mapping[str, Any],
        actor: Actor | None = None,
    ) -> int:
        """Take ``action`` on the reports ``numbers`` (all or none); the request's id.

        The outcome comes through the signals and :attr:`request_finished`.
        """
        request = next(self._requests)
        wanted = list(dict.fromkeys(numbers))
        data = dict(payload)
        who = actor or self.actor
        if not wanted:
            return request
        if len(wanted) > MAX_REPORTS:
            text = QCoreApplication.translate(
                "ActionService", "Mỗi lần chỉ thao tác được tối đa %1 phản ánh."
            ).replace("%1", str(MAX_REPORTS))
            self._finish_refused(request, action, data, (Refusal(wanted[0], text),))
            return request
        if self.executor.closed:
            return request

        def work() -> _Outcome:
            return self._perform_on_worker(wanted, action, data, who)

        Op(work, self).on_success(
            lambda outcome: self._on_performed(request, action, data, outcome)
        ).on_failure(lambda error: self._on_failed(error)).run(self.executor)
        return request

    def _perform_on_worker(
        self, numbers: list[str], action: Action, payload: dict[str, Any], actor: Actor
    ) -> _Outcome:
        import time

        started = time.perf_counter()
        store, lang = self.store, self.lang
        reports: list[Report] = []
        refusals: list[Refusal] = []
        for number in numbers:
            report = store.get_report(number)
            if report is None:
                refusals.append(
                    Refusal(
                        number,
                        QCoreApplication.translate(
                            "ActionService", "Không tìm thấy phản ánh %1 trên máy này."
                        ).replace("%1", number),
                    )
                )
            else:
                reports.append(report)
        verdict = check_action(
            self.jurisdiction, self.names, actor, [ReportBrief.of(r) for r in reports], action, payload
        )
        refusals.extend(verdict.refusals)
        if refusals:
            return _Outcome((), tuple(refusals), verdict.warnings, 0.0)
        # Every report passed the quick checks; the domain now takes the action on copies, so that
        # a refusal from its deeper checks still leaves every report untouched.
        at = self.clock.now()
        calendar, policy = self.clock.calendar, self.clock.policy
        changed: list[tuple[Report, Report]] = []
        for report in reports:
            prior = copy.deepcopy(report)
            try:
                apply_action(
                    report,
                    action,
                    actor,
                    payload,
                    at,
                    calendar,
                    policy,
                    report_exists=lambda n: store.get_report(n) is not None,
                )
            except DomainError as error:
                refusals.append(Refusal(report.number, error.message(lang)))
                continue
            changed.append((prior, report))
        if refusals:
            return _Outcome((), tuple(refusals), verdict.warnings, 0.0)
        written: list[_Written] = []
        for prior, report in changed:
            base = pending_base_version(store, report.number)
            if base is None:
                base = prior.version
            entry = store.enqueue_action(
                report.number, action, payload, base, report=report, at=at.astimezone()
            )
            written.append(_Written(report.number, entry.id, prior, report.version))
        elapsed = (time.perf_counter() - started) * 1000
        return _Outcome(tuple(written), (), verdict.warnings, elapsed)

    def _on_performed(self, request: int, action: Action, payload: dict[str, Any], outcome: _Outcome) -> None:
        if outcome.refusals:
            self._finish_refused(request, action, payload, outcome.refusals, outcome.warnings)
            return
        numbers = tuple(w.number for w in outcome.written)
        token = 0
        if numbers and self.undo_seconds > 0:
            token = next(self._tokens)
            offer = UndoOffer(token, action, numbers, payload, self.undo_seconds)
            self._offers[token] = _Offer(offer, outcome.written, time.monotonic() + self.undo_seconds)
            self._schedule_expiry()
        result = PerformResult(
            request, action, payload, numbers, (), outcome.warnings, token, outcome.elapsed_ms
        )
        self.reports_changed.emit(list(numbers))
        self.actions_performed.emit(list(numbers))
        self.request_finished.emit(result)
        if token:
            self.undo_offered.emit(self._offers[token].offer)
        elif numbers:
            self.actions_released.emit(list(numbers))

    def _finish_refused(
        self,
        request: int,
        action: Action,
        payload: Mapping[str, Any],
        refusals: tuple[Refusal, ...],
        warnings: tuple[str, ...] = (),
    ) -> None:
        for refusal in refusals:
            self.action_refused.emit(refusal.number, refusal.message)
        self.request_finished.emit(PerformResult(request, action, payload, (), refusals, warnings))

    def _on_failed(self, error: BaseException) -> None:
        log.error("a local action failed", exc_info=error)
        message = words_of(error, self.lang)
        self.failed.emit(
            QCoreApplication.translate(
                "ActionService", "Không ghi được thao tác vào kho dữ liệu: %1"
            ).replace("%1", message)
        )

    # -- undo ------------------------------------------------------------------------------------------

    def can_undo(self, token: int) -> bool:
        return token in self._offers

    def held_entries(self) -> frozenset[int]:
        """Outbox entries that can still be taken back: the sync should not send them yet."""
        return frozenset(w.entry_id for held in self._offers.values() for w in held.written)

    def undo(self, token: int) -> bool:
        """Take back the action of ``token`` if its offer still stands; False when it is over.

        The outcome arrives through :attr:`undo_finished` (and :attr:`reports_changed`).
        """
        held = self._offers.pop(token, None)
        if held is None:
            return False
        self._schedule_expiry()
        if self.executor.closed:
            return False
        store = self.store
        written = held.written

        def work() -> UndoResult:
            restored: list[str] = []
            kept: list[str] = []
            for item in written:
                if _take_back(store, item):
                    restored.append(item.number)
                else:
                    kept.append(item.number)
            return UndoResult(token, tuple(restored), tuple(kept))

        Op(work, self).on_success(self._on_undone).on_failure(self._on_failed).run(self.executor)
        return True

    def _on_undone(self, result: UndoResult) -> None:
        if result.restored:
            self.reports_changed.emit(list(result.restored))
        if result.kept:
            self.actions_released.emit(list(result.kept))
        self.undo_finished.emit(result)

    def _schedule_expiry(self) -> None:
        if not self._offers:
            self._expiry.stop()
            return
        nearest = min(held.ends_at for held in self._offers.values())
        self._expiry.start(max(0, math.ceil((nearest - time.monotonic()) * 1000)))

    @Slot()
    def _on_expiry_timeout(self) -> None:
        now = time.monotonic()
        for token in [t for t, held in self._offers.items() if held.ends_at <= now]:
            self._release(token)
        self._schedule_expiry()

    def _release(self, token: int) -> None:
        held = self._offers.pop(token, None)
        if held is not None:
            self.actions_released.emit([w.number for w in held.written])

    def release_all(self) -> None:
        """End every undo offer now (the window is closing)."""
        for token in list(self._offers):
            self._release(token)
        self._expiry.stop()


def _take_back(store: LocalStore, item: _Written) -> bool:
    """On the worker: put the report back as it was before the action, if nobody has moved on."""
    entry = store.outbox_entry(item.entry_id)
    if entry is None or entry.state is not OutboxState.PENDING or entry.attempts > 0:
        return False  # sent, or a send was tried: the hub may have it
    current = store.get_report(item.number)
    if current is None or current.version != item.after_version:
        return False  # changed since (a later action, or the hub's copy arrived)
    # The prior copy first: should the program stop between the two writes, the entry still waits
    # and is sent, which the hub's copy then shows; the other order could leave a local change
    # that nothing would ever send.
    store.upsert_reports([item.prior], force=True)
    store.mark_rejected(item.entry_id, UNDONE_REASON)
    return True


__all__ = [
    "LOCAL_KINDS",
    "MAX_REPORTS",
    "UNDONE_REASON",
    "UNDO_SECONDS",
    "ActionService",
    "PerformResult",
    "Reach",
    "Refusal",
    "ReportBrief",
    "UndoOffer",
    "UndoResult",
    "Verdict",
    "agency_reach",
    "check_action",
    "read_briefs",
    "suggested_agencies",
]
