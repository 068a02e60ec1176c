#!/usr/bin/env python3
"""Compile the Designer forms: ``ui/<name>.ui`` → ``ioc_console/gui/forms/ui_<name>.py`` (pyside6-uic).

    python scripts/build_forms.py           # regenerate every form
    python scripts/build_forms.py --check   # exit 1 if a compiled form is missing, stale or orphaned (CI)

The compiled forms are committed (the console runs without Qt's tools) and never edited by hand:
uic writes its own "changes will be lost" header on each. The uic version named in that header is
not compared: only the code is. ``--check`` compiles into memory and
compares with the committed files; a ``ui_*.py`` whose ``.ui`` is gone is reported as well.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UI_DIR = ROOT / "ui"
FORMS_DIR = ROOT / "ioc_console" / "gui" / "forms"


def _uic() -> str:
    for candidate in (
        Path(sys.executable).parent / "pyside6-uic",
        Path(sys.executable).parent / "pyside6-uic.exe",
    ):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("pyside6-uic")
    if found is None:
        sys.exit("pyside6-uic not found: install PySide6 into this environment")
    return found


def forms() -> list[tuple[Path, Path]]:
    """Each ``.ui`` source with the module it compiles to."""
    return [(ui, FORMS_DIR / f"ui_{ui.stem}.py") for ui in sorted(UI_DIR.glob("*.ui"))]


#: uic names its own version in the header; a new patch release of Qt alone is not a change.
_VERSION_LINE = re.compile(rb"^## Created by: Qt User Interface Compiler version .*$", re.MULTILINE)


def same_code(a: bytes, b: bytes) -> bool:
    """Whether two compiled forms are the same, whichever uic version wrote them."""
    return _VERSION_LINE.sub(b"", a) == _VERSION_LINE.sub(b"", b)


def compile_form(ui: Path) -> bytes:
    # Run from the ui folder with a relative name, so the header names the file, not a path.
    result = subprocess.run([_uic(), "-g", "python", ui.name], cwd=ui.parent, capture_output=True)
    if result.returncode != 0:
        sys.exit(f"uic failed on {ui.relative_to(ROOT)}:\n{result.stderr.decode(errors='replace')}")
    return result.stdout.replace(b"\r\n", b"\n")


def build() -> int:
    FORMS_DIR.mkdir(parents=True, exist_ok=True)
    for ui, module in forms():
        code = compile_form(ui)
        if not module.exists() or not same_code(module.read_bytes(), code):
            module.write_bytes(code)
            print(f"{module.relative_to(ROOT)} written from {ui.relative_to(ROOT)}")
    return 0


def check() -> int:
    problems: list[str] = []
    expected = set()
    for ui, module in forms():
        expected.add(module)
        if not module.exists():
            problems.append(f"{module.relative_to(ROOT)} is missing (compile {ui.relative_to(ROOT)})")
        elif not same_code(module.read_bytes(), compile_form(ui)):
            problems.append(
                f"{module.relative_to(ROOT)} is not compiled from the current {ui.relative_to(ROOT)}"
            )
    for module in sorted(FORMS_DIR.glob("ui_*.py")):
        if module not in expected:
            problems.append(f"{module.relative_to(ROOT)} has no ui/{module.stem[3:]}.ui")
    for problem in problems:
        print(problem)
    if problems:
        print("run: python scripts/build_forms.py")
        return 1
    print("forms are current")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a compiled form is not current")
    args = parser.parse_args(argv)
    return check() if args.check else build()


if __name__ == "__main__":
    sys.exit(main())
