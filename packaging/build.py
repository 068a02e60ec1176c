"""Build the installable console: ``python3 run.py package`` runs this in the project's environment.

1. PyInstaller builds the one-folder frozen console (``packaging/ioc-console.spec``, hooks in
   ``packaging/hooks``) into ``dist/ioc-console``.
2. The frozen console's own ``--self-test`` runs (offscreen: the embedded demo, the map drawn by
   QtWebEngine, one live report); the build fails if it does.
3. On Linux, a ``.deb`` (``dist/ioc-console_<version>_<arch>.deb``): the folder in
   ``/opt/ioc-console``, ``/usr/bin/ioc-console``, a desktop entry and icons, the system libraries
   Qt needs as dependencies and, with ``--site FILE``, the organisation's site file (and the CA
   bundle and basemap it names) in ``/etc/ioc-console``. On Windows, the NSIS installer is built from
   ``packaging/windows/ioc-console.nsi`` (see there).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ioc_console import __version__  # noqa: E402
from ioc_console.site_file import read as read_site  # noqa: E402
from ioc_console.system_libraries import DESKTOP_PACKAGES  # noqa: E402

PACKAGING = ROOT / "packaging"
NAME = "ioc-console"
ICON_SIZES = (32, 48, 64, 128, 256)


def _step(text: str) -> None:
    print(f"== {text}", flush=True)


def render_icons(out: Path) -> dict[int, Path]:
    """PNG icons (and a Windows .ico) drawn from ``packaging/ioc-console.svg`` with Qt."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(PACKAGING / "ioc-console.svg"))
    out.mkdir(parents=True, exist_ok=True)
    made: dict[int, Path] = {}
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        path = out / f"{NAME}-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        made[size] = path
        if size == 256:
            image.save(str(out / f"{NAME}.ico"))  # (Qt's ico plugin; the Windows installer's icon)
    return made


def freeze(dist: Path, work: Path) -> Path:
    _step("PyInstaller: the one-folder console")
    started = time.monotonic()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(PACKAGING / f"{NAME}.spec"),
        ],
        cwd=ROOT,
        check=True,
    )
    folder = dist / NAME
    print(f"   {folder}: {_size(folder) / 1e6:.0f} MB in {time.monotonic() - started:.0f} s", flush=True)
    return folder


def self_test(folder: Path) -> None:
    _step("the frozen console's self-test")
    executable = folder / (NAME + (".exe" if os.name == "nt" else ""))
    version = subprocess.run([str(executable), "--version"], capture_output=True, text=True, check=True)
    if version.stdout.strip() != f"IOC Console {__version__}":
        raise SystemExit(f"--version said {version.stdout.strip()!r}")
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "PYTHONPATH")}
    result = subprocess.run([str(executable), "--self-test"], env=env, timeout=600, check=False)
    if result.returncode != 0:
        raise SystemExit(f"the frozen console's self-test failed (exit code {result.returncode})")


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _architecture() -> str:
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def build_deb(folder: Path, dist: Path, site: Path | None, compression: str) -> Path:
    _step("the Debian package")
    stage = dist / "deb-root"
    shutil.rmtree(stage, ignore_errors=True)
    opt = stage / "opt" / NAME
    shutil.copytree(folder, opt, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(PACKAGING / "linux" / f"{NAME}.desktop", applications / f"{NAME}.desktop")
    for size, png in render_icons(dist / "icons").items():
        target = stage / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True)
        shutil.copy2(png, target)
    scalable = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(PACKAGING / f"{NAME}.svg", scalable / f"{NAME}.svg")
    debian = stage / "DEBIAN"
    debian.mkdir()
    conffiles: list[str] = []
    if site is not None:
        parsed = read_site(site)  # refuse a bad site file now, not on a liaison's first start
        etc = stage / "etc" / NAME
        etc.mkdir(parents=True)
        shutil.copy2(site, etc / "site.toml")
        conffiles.append(f"/etc/{NAME}/site.toml")
        raw = tomllib.loads(site.read_text(encoding="utf-8"))
        for key, path in (("ca_bundle", parsed.ca_bundle), ("basemap", parsed.mbtiles)):
            if path is not None:
                target = etc / raw[key]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                conffiles.append(f"/etc/{NAME}/{raw[key]}")
        print(f"   with the site file {site} (hub: {parsed.hub or '-'})", flush=True)
    if conffiles:
        (debian / "conffiles").write_text("\n".join(conffiles) + "\n", encoding="utf-8")
    control = {
        "Package": NAME,
        "Version": __version__,
        "Architecture": _architecture(),
        "Maintainer": "IOC Console maintainers <ioc-console@localhost>",
        "Installed-Size": str(_size(stage) // 1024),
        "Depends": ", ".join(DESKTOP_PACKAGES),
        "Section": "misc",
        "Priority": "optional",
        "Homepage": "https://localhost/ioc-console",
        "Description": "IOC Console — Phản ánh hiện trường\n"
        " The staff console of a province's citizen field reports: the IOC's queue and map, the\n"
        " supervisors' wall display, and agency liaisons' inbox, synced with the IOC hub.",
    }
    (debian / "control").write_text(
        "".join(f"{key}: {value}\n" for key, value in control.items()), encoding="utf-8"
    )
    deb = dist / f"{NAME}_{__version__}_{control['Architecture']}.deb"
    started = time.monotonic()
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(stage), str(deb)], check=True
    )
    shutil.rmtree(stage)
    print(f"   {deb}: {deb.stat().st_size / 1e6:.0f} MB in {time.monotonic() - started:.0f} s", flush=True)
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="run.py package", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="the organisation's site.toml to install with the package")
    parser.add_argument("--no-self-test", action="store_true", help="skip the frozen console's self-test")
    parser.add_argument("--no-deb", action="store_true", help="only the one-folder console")
    parser.add_argument(
        "--compression",
        default="gzip",
        choices=("gzip", "xz", "zstd"),
        help="of the .deb (default gzip; xz: smaller, several times slower)",
    )
    args = parser.parse_args(argv)
    if args.site is not None:
        read_site(args.site)  # (a bad site file stops the build before the long part)
    dist, work = ROOT / "dist", ROOT / "build" / "pyinstaller"
    folder = freeze(dist, work)
    if not args.no_self_test:
        self_test(folder)
    if sys.platform.startswith("linux") and not args.no_deb:
        if shutil.which("dpkg-deb") is None:
            print("dpkg-deb is missing: only the one-folder console was built", file=sys.stderr)
        else:
            build_deb(folder, dist, args.site, args.compression)
    elif os.name == "nt":
        render_icons(dist / "icons")
        print(f"next: makensis /DVERSION={__version__} packaging\\windows\\ioc-console.nsi", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
