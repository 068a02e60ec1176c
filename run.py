#!/usr/bin/env python3
"""Set up and run IOC Console from a fresh clone: ``python3 run.py demo`` or ``python3 run.py test``.

Needs only Python 3.11+ (and, for a window on Linux, the X11 libraries Qt links: it names any that
are missing). It uses uv (installed into ``.tools/`` when it is not on PATH) to create ``.venv``
exactly as ``uv.lock`` says, then runs the console on the demo or the whole test-suite.
``python3 run.py package`` builds the frozen console and its Linux package (see packaging/).
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


def _sync(uv: str, extras: tuple[str, ...], exact: bool) -> None:
    """Bring ``.venv`` to ``uv.lock`` with these extras. Not ``exact`` (the console, the hub, the
    package build) it only adds what is missing: a demo needs no test or lint tools, and a venv that
    already has them keeps them for the next test run."""
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    chosen = [arg for extra in extras for arg in ("--extra", extra)]
    subprocess.run(
        [uv, "sync", "--locked", *chosen, *([] if exact else ["--inexact"]), "--python", sys.executable],
        cwd=ROOT,
        check=True,
        env=env,
    )


def _check_system_libraries() -> bool:
    """Before the console opens a window: are the system libraries Qt links against there?"""
    from ioc_console.system_libraries import check

    advice = check(ROOT / ".venv")
    if advice is None:
        return True
    print(advice, file=sys.stderr)
    return False


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "console", "hub", "setup", "package"}:
        print(__doc__)
        print(
            "usage: python3 run.py demo | test [pytest args] | console [args] | hub [args] | setup"
            " | package [--site FILE]"
        )
        return 2
    command, rest = argv[0], argv[1:]
    uv = _uv()
    testing = command in {"test", "setup"}
    _sync(uv, ("test",) if testing else ("package",) if command == "package" else (), exact=testing)
    run = [uv, "run", "--no-sync", "--python", sys.executable]
    if command == "setup":
        return 0
    answers_at_once = {"-h", "--help", "--version", "--self-test"}.intersection(rest)
    if command in {"demo", "console"} and not answers_at_once and not _check_system_libraries():
        return 1
    if command == "demo":
        args = [*run, "ioc-console", "--demo", *rest]
    elif command == "console":
        args = [*run, "ioc-console", *rest]
    elif command == "package":  # the frozen console, its self-test, the Linux package
        args = [*run, "python", str(ROOT / "packaging" / "build.py"), *rest]
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
