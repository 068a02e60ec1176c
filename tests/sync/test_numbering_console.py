"""One report-number scheme end to end, on the console's embedded demo: the history, the citizens'
live reports and the calls typed in at the hotline all carry the pack's numbers (``PA-2026-…``), the
live ones after the history's; a search for a number finds that report only; a call typed in while
the hub cannot be reached says its number will come, then shows it once the hub has numbered it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from faults import FaultyTransport
from sync_support import eventually
from test_sync_gui import _collect_on_the_gui_thread, loop  # noqa: F401 (fixtures)

from qasync import QEventLoop

from ioc_console.domain.jurisdiction import load_pack
from ioc_console.resources import default_pack_path
from ioc_console.store import ReportQuery, is_provisional
from ioc_console.sync import session as session_module
from ioc_console.sync.status import SyncState

from ioc_console.gui.app import EMBEDDED_DEMO, Console, Options
from ioc_console.gui.qt_compat import protect_bool_singletons

protect_bool_singletons()

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)")

HISTORY = 30
SCHEME = load_pack(default_pack_path()).numbers


def _fill_call(dialog: Any, description: str) -> None:
    ui = dialog.ui
    ui.caller_edit.setText("Trần Văn Hùng")
    ui.phone_edit.setText("0905 123 456")
    ui.category_combo.setCurrentIndex(max(ui.category_combo.findData("environment"), 0))
    ui.description_edit.setPlainText(description)
    unit = dialog.unit_picker
    unit.set_unit_code(next(iter(dialog._names.jurisdiction.leaf_units())).code)


def test_history_live_reports_and_hotline_calls_share_one_number_scheme(
    qtbot,
    qapp,
    loop: QEventLoop,  # noqa: F811 (the fixture imported above)
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # type: ignore[no-untyped-def]
    transport = FaultyTransport()
    real_sign_in = session_module.sign_in

    async def sign_in(*args: Any, **kwargs: Any) -> Any:
        kwargs["transport"] = transport  # the real network to the real hub, with a cable to pull
        return await real_sign_in(*args, **kwargs)

    monkeypatch.setattr(session_module, "sign_in", sign_in)
    options = Options(
        data_dir=tmp_path, lang="vi", env={}, source=EMBEDDED_DEMO, feed_rate=300, demo_count=HISTORY
    )
    console = Console(qapp, options)
    window = console.window
    window.with_map = False  # the map runs in the webengine tests' own process
    window.resize(1366, 768)

    async def scenario() -> None:
        try:
            await steps()
        finally:
            transport.restore()
            window.close()
            await console._close_hub()

    async def steps() -> None:
        console.start()
        await eventually(lambda: console.session is not None, 60, what="signing in to the embedded hub")
        session = console.session
        assert session is not None
        store = session.store
        await eventually(lambda: len(console.simulator.numbers) >= 3, 30, what="citizens' live reports")
        await eventually(
            lambda: all(store.get_report(n) for n in console.simulator.numbers[:3]),
            30,
            what="live reports here",
        )

        # 1. Every report, history and live, is numbered by the pack's scheme, and live reports
        # continue after the history instead of starting again at 1.
        numbers = [r.number for r in store.query(ReportQuery(limit=None))]
        assert len(numbers) == len(set(numbers)) > HISTORY
        assert all(SCHEME.parse(n) is not None for n in numbers), numbers
        live = set(console.simulator.numbers)
        history = [SCHEME.parse(n) for n in numbers if n not in live]
        assert len(history) >= HISTORY
        for number in live:
            year, serial = SCHEME.parse(number)  # type: ignore[misc]
            assert all(serial > s for y, s in history if y == year)  # type: ignore[misc]

        # 2. A search for a number, typed as an operator reads it (no prefix), finds that report only.
        newest = console.simulator.numbers[0]
        year, serial = SCHEME.parse(newest)  # type: ignore[misc]
        typed = f"{year}-{serial:06d}"
        assert [r.number for r in store.query(ReportQuery(text=typed, limit=None))] == [newest]
        assert [r.number for r in store.query(ReportQuery(text=newest.lower(), limit=None))] == [newest]

        # 3. A call typed in while the hub is cut off: its number will come, and it is not made up.
        workspace = console.workspace
        assert workspace is not None
        transport.cut()
        await eventually(
            lambda: session.status.state is SyncState.OFFLINE, 30, what="the console to go offline"
        )
        dialog = workspace.open_intake()
        _fill_call(dialog, "Nắp cống bị vỡ trước số 12 Thống Nhất, rất nguy hiểm cho xe máy buổi tối")
        dialog.save()
        await eventually(lambda: dialog.saved_number, 10, what="the call to be saved")
        provisional = dialog.saved_number
        assert is_provisional(provisional)
        message = window.statusBar().currentMessage()
        assert "số phản ánh sẽ có khi kết nối lại" in message and provisional not in message
        detail = window.detail
        await eventually(
            lambda: detail.report is not None and detail.report.number == provisional, 10, what="details"
        )
        assert "chờ máy chủ IOC cấp số" in detail.number.text() and provisional not in detail.number.text()

        # 4. The hub is reached again: the call has the hub's number, the next in the scheme, shown.
        transport.restore()
        await eventually(
            lambda: "Cuộc gọi đã có số phản ánh" in window.statusBar().currentMessage(), 60, what="the number"
        )
        message = window.statusBar().currentMessage()
        got = [n for n in message.replace(" ", "").replace("(", ":").split(":") if SCHEME.parse(n)]
        assert len(got) == 1, message
        number = got[0]
        assert store.get_report(number) is not None and store.get_report(provisional) is None
        assert SCHEME.parse(number)[1] > max(SCHEME.parse(n)[1] for n in live)  # type: ignore[index]
        await eventually(
            lambda: detail.report is not None and detail.report.number == number, 10, what="details"
        )
        assert number in detail.number.text()

        # 5. Online, a call is numbered at once, and the message says so.
        dialog = workspace.open_intake()
        _fill_call(dialog, "Cây xanh ngã đổ chắn ngang đường Yên Ninh, chưa ai dọn")
        dialog.save()
        await eventually(
            lambda: (
                "Cuộc gọi đã có số phản ánh" in window.statusBar().currentMessage()
                and number not in window.statusBar().currentMessage()
            ),
            30,
            what="the second number",
        )

    try:
        loop.run_until_complete(scenario())
    finally:
        console.shutdown()
        window.deleteLater()
