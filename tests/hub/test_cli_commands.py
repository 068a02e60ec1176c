"""Every command group is reachable from ``ioc-hub``."""

from __future__ import annotations

import pytest

from ioc_console.hub.cli import main


@pytest.mark.parametrize(
    "argv",
    [
        ["calendar", "--help"],
        ["init", "--help"],
        ["serve", "--help"],
        ["user", "--help"],
        ["import", "open311", "--help"],
    ],
)
def test_command_is_reachable(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 0
    assert "usage: ioc-hub" in capsys.readouterr().out
