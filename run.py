#!/usr/bin/env python3
"""Set up and run IOC Console from a fresh clone: ``python3 run.py demo`` or ``python3 run.py test``.

Needs only Python 3.11+. It uses uv (installed into ``.tools/`` when it is not on PATH) to create
``.venv`` exactly as ``uv.lock`` says, then runs the console on the demo or the whole test-suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"

if sys.version_info < (3, 11):  # noqa: UP036 - run.py may be started by an older Python
    sys.exit("IOC Console cần Python 3.11 trở lên / needs Python 3.11 or newer.")


def _uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    bindir = TOOLS / ("Scripts" if os.name == "nt" else "bin")
    uv = bindir / ("uv.exe" if os.name == "nt" else "uv")
    if not uv.exists():
        print("Cài uv vào .tools/ … / installing uv into .tools/ …", flush=True)
        venv.EnvBuilder(with_pip=True).create(TOOLS)
        python = bindir / ("python.exe" if os.name == "nt" else "python")
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "uv"], check=True)
    return str(uv)


def _sync(uv: str) -> None:
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    subprocess.run(
        [uv, "sync", "--locked", "--extra", "test", "--python", sys.executable],
        cwd=ROOT,
        check=True,
        env=env,
    )


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "console", "hub", "setup"}:
        print(__doc__)
        print("usage: python3 run.py demo | test [pytest args] | console [args] | hub [args] | setup")
        return 2
    command, rest = argv[0], argv[1:]
    uv = _uv()
    _sync(uv)
    run = [uv, "run", "--locked", "--extra", "test", "--python", sys.executable]
    if command == "setup":
        return 0
    if command == "demo":
        args = [*run, "ioc-console", "--demo", *rest]
    elif command == "console":
        args = [*run, "ioc-console", *rest]
    elif command == "hub":
        args = [*run, "ioc-hub", *rest]
    elif rest:
        args = [*run, "pytest", *rest]
    else:
        # QtWebEngine tears itself down on QCoreApplication.aboutToQuit, which the qasync loop emits
        # whenever one of its runs ends; a test process that has started QtWebEngine and then runs
        # the asyncio-on-Qt tests crashes. The QtWebEngine tests therefore get a process of their own.
        first = subprocess.call([*run, "pytest", "-m", "not webengine"], cwd=ROOT)
        second = subprocess.call([*run, "pytest", "-m", "webengine"], cwd=ROOT)
        return first or second
    return subprocess.call(args, cwd=ROOT)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:  # Ctrl+C: the program it ran has been stopped; no traceback
        sys.exit(130)
