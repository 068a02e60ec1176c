"""The system libraries Qt needs on Linux with a display, found by what its binaries actually link.

PySide6's wheels carry Qt but not the X11 libraries its ``xcb`` platform plugin and QtWebEngine link
against. When one is missing Qt names only ``xcb-cursor0`` in its error, whichever it is. ``run.py``
asks ``ldd`` which of them the plugin and QtWebEngine cannot find before it starts the console, and
prints the command that installs exactly those. Standard library only: ``run.py`` imports this module
with the Python it was started by, before the console's environment is used.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

#: The Debian/Ubuntu package that ships each library the console's Qt binaries link (as ldd names it).
#: Names that Ubuntu 24.04 renamed (libasound2t64, libglib2.0-0t64) are installed by their old
#: names too: apt selects the package that provides them.
DEBIAN_PACKAGES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-dri3.so.0": "libxcb-dri3-0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libXext.so.6": "libxext6",
    "libXfixes.so.3": "libxfixes3",
    "libXrender.so.1": "libxrender1",
    "libXrandr.so.2": "libxrandr2",
    "libXcomposite.so.1": "libxcomposite1",
    "libXdamage.so.1": "libxdamage1",
    "libXtst.so.6": "libxtst6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbfile.so.1": "libxkbfile1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libgbm.so.1": "libgbm1",
    "libdrm.so.2": "libdrm2",
    "libwayland-server.so.0": "libwayland-server0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libnss3.so": "libnss3",
    "libnssutil3.so": "libnss3",
    "libsmime3.so": "libnss3",
    "libnspr4.so": "libnspr4",
    "libplc4.so": "libnspr4",
    "libplds4.so": "libnspr4",
    "libasound.so.2": "libasound2",
    "libexpat.so.1": "libexpat1",
}

#: What a desktop install of the console needs from Debian/Ubuntu (the .deb's Depends, the README).
DESKTOP_PACKAGES: tuple[str, ...] = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-randr0",
    "libxcb-shape0",
    "libxcb-xkb1",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
    "libnss3",
    "libxcomposite1",
    "libxdamage1",
    "libxrandr2",
    "libxtst6",
    "libxkbfile1",
    "libasound2",
    "libgbm1",
)

#: Fedora/RHEL names of the libraries most often missing (the X11 utility libraries).
FEDORA_PACKAGES: Mapping[str, str] = {
    "libxcb-cursor.so.0": "xcb-util-cursor",
    "libxcb-icccm.so.4": "xcb-util-wm",
    "libxcb-keysyms.so.1": "xcb-util-keysyms",
    "libxcb-image.so.0": "xcb-util-image",
    "libxcb-render-util.so.0": "xcb-util-renderutil",
    "libxcb-util.so.1": "xcb-util",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11",
    "libEGL.so.1": "libglvnd-egl",
    "libGL.so.1": "libglvnd-glx",
}

#: The Qt binaries a console with a display loads, relative to PySide6's ``Qt`` folder.
QT_BINARIES = (
    "plugins/platforms/libqxcb.so",
    "lib/libQt6WebEngineCore.so.6",
    "libexec/QtWebEngineProcess",
)


def uses_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether Qt will load its X11 (xcb) plugin: on Linux, unless another platform is asked for
    (``QT_QPA_PLATFORM=offscreen`` in tests and self-tests, ``wayland``, ``vnc``…)."""
    if not platform.startswith("linux"):
        return False
    wanted = env.get("QT_QPA_PLATFORM", "").strip().lower()
    if wanted:
        return wanted.split(";")[0].split(":")[0] == "xcb"
    # Qt 6 prefers Wayland on a Wayland session only when its plugin is asked for; xcb by default.
    return True


def qt_binaries(environment: Path) -> list[Path]:
    """The Qt binaries of the PySide6 installed in a virtual environment (none if it has none)."""
    found: list[Path] = []
    for qt in sorted(environment.glob("lib/python3*/site-packages/PySide6/Qt")):
        found.extend(path for path in (qt / name for name in QT_BINARIES) if path.exists())
    return found


def parse_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``not found``, in order, once each."""
    missing: list[str] = []
    for line in output.splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def missing_libraries(binaries: Iterable[Path]) -> list[str]:
    """The libraries the dynamic loader cannot find for these binaries (empty without ``ldd``)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    missing: list[str] = []
    for binary in binaries:
        try:
            result = subprocess.run(
                [ldd, str(binary)], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        missing.extend(name for name in parse_ldd(result.stdout) if name not in missing)
    return missing


def debian_command(missing: Iterable[str]) -> str:
    packages: list[str] = []
    for name in missing:
        package = DEBIAN_PACKAGES.get(name)
        if package is not None and package not in packages:
            packages.append(package)
    if not packages:
        return ""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return ("" if root else "sudo ") + "apt-get install " + " ".join(packages)


def advice(missing: list[str]) -> str:
    """What to tell the user, Vietnamese first, English second, with the exact commands."""
    apt = debian_command(missing)
    unknown = [name for name in missing if name not in DEBIAN_PACKAGES]
    fedora = sorted({FEDORA_PACKAGES[name] for name in missing if name in FEDORA_PACKAGES})
    files = ", ".join(missing)
    lines = [
        "IOC Console chưa chạy được: máy này thiếu thư viện hệ thống mà Qt cần để mở cửa sổ:",
        f"    {files}",
        "IOC Console cannot start yet: this machine lacks system libraries Qt needs to open a window.",
        "",
    ]
    if apt:
        lines += ["Debian / Ubuntu:", f"    {apt}"]
    if unknown:
        lines += [
            "Tìm gói chứa các tệp sau / find the packages that ship these files:",
            f"    apt-file search {unknown[0]}   (Debian / Ubuntu)",
        ]
    lines += [
        "Hệ khác / elsewhere: cài gói cung cấp từng tệp trên / install the package that provides each",
        "file above, e.g. Fedora: "
        + (f"dnf install {' '.join(fedora)}" if fedora else f"dnf provides '*/{missing[0]}'")
        + f"; Arch: pacman -F {missing[0]}; openSUSE: zypper search --provides {missing[0]}",
        "",
        "Chỉ muốn chạy thử không cần màn hình / to run without a display: QT_QPA_PLATFORM=offscreen",
    ]
    return "\n".join(lines)


def check(environment: Path, env: Mapping[str, str] | None = None) -> str | None:
    """The advice to print when the console would fail to open its window, or None when it can."""
    if not uses_display(os.environ if env is None else env):
        return None
    missing = missing_libraries(qt_binaries(environment))
    return advice(missing) if missing else None
