"""run.py's check for the system libraries Qt links against, run on real Qt binaries with real ldd."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import PySide6

from ioc_console import system_libraries

QT = Path(PySide6.__file__).parent / "Qt"
PLUGIN = QT / "plugins" / "platforms" / "libqxcb.so"

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("ldd") is None or not PLUGIN.exists(),
    reason="Linux with ldd and PySide6's xcb plugin",
)


def _environment_missing(tmp_path: Path, wanted: bytes, instead: bytes) -> Path:
    """A virtual environment whose xcb plugin links a library no system has (its real Qt beside)."""
    qt = tmp_path / "env" / "lib" / "python3.11" / "site-packages" / "PySide6" / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(QT / "lib")
    data = PLUGIN.read_bytes()
    assert data.count(wanted) == 1 and len(wanted) == len(instead)
    (qt / "plugins" / "platforms" / "libqxcb.so").write_bytes(data.replace(wanted, instead))
    return tmp_path / "env"


def test_a_library_the_plugin_cannot_load_is_named_with_what_to_do(tmp_path: Path) -> None:
    environment = _environment_missing(tmp_path, b"libxkbcommon-x11.so.0\0", b"libxkbcommon-x11.so.9\0")

    advice = system_libraries.check(environment, {"DISPLAY": ":0"})

    assert advice is not None
    assert "libxkbcommon-x11.so.9" in advice
    assert "libc.so" not in advice and "libQt6" not in advice  # only what is missing
    assert advice.index("thiếu thư viện") < advice.index("lacks system libraries")  # Vietnamese first
    assert "apt-file search libxkbcommon-x11.so.9" in advice  # a library we have no package name for
    assert "pacman -F" in advice and "dnf" in advice  # what to do elsewhere


def test_offscreen_and_other_platforms_are_not_checked(tmp_path: Path) -> None:
    environment = _environment_missing(tmp_path, b"libxkbcommon-x11.so.0\0", b"libxkbcommon-x11.so.9\0")

    assert system_libraries.check(environment, {"QT_QPA_PLATFORM": "offscreen"}) is None
    assert system_libraries.check(environment, {"QT_QPA_PLATFORM": "wayland"}) is None
    assert system_libraries.check(environment, {"QT_QPA_PLATFORM": "xcb"}) is not None
    assert not system_libraries.uses_display({}, "win32")


def test_the_debian_command_installs_exactly_the_missing_libraries() -> None:
    output = (
        "\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibxcb-icccm.so.4 => not found\n"
    )
    missing = system_libraries.parse_ldd(output)

    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    command = system_libraries.debian_command(missing)
    assert command.endswith("apt-get install libxcb-icccm4 libxcb-keysyms1")
    assert "xcb-util-wm" in system_libraries.advice(missing)  # Fedora's name for icccm


def test_every_display_library_the_real_qt_binaries_link_has_a_debian_package() -> None:
    """A PySide6 that links another X11 or GL library makes this fail until the table knows it."""
    linked: set[str] = set()
    for name in system_libraries.QT_BINARIES:
        if (QT / name).exists():
            result = subprocess.run(["ldd", str(QT / name)], capture_output=True, text=True, check=True)
            linked |= {line.split("=>")[0].strip() for line in result.stdout.splitlines() if "=>" in line}
    display = {name for name in linked if name.startswith(("libxcb", "libX", "libxkb", "libEGL", "libGL"))}

    assert "libxcb-cursor.so.0" in display  # ldd really listed the plugin's libraries
    assert display <= set(system_libraries.DEBIAN_PACKAGES), display - set(system_libraries.DEBIAN_PACKAGES)
