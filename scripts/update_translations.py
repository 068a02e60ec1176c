#!/usr/bin/env python3
"""Extract the console's translatable strings and build the catalogs (Qt Linguist).

    python scripts/update_translations.py           # update resources/translations/*.ts, build *.qm
    python scripts/update_translations.py --check   # exit 1 if a .ts or .qm is not current (CI)

The source strings in the code are Vietnamese; each target language has one ``ioc_console_<lang>.ts``
(sources: ``ioc_console/gui/**/*.py`` and ``ui/**/*.ui``; generated ``ui_*.py`` are skipped because
their ``.ui`` is read instead). Locations are not stored (``-locations none``) so that moving code
does not churn the catalogs. ``--check`` runs the extraction into a temporary copy and compares the
messages, and fails as well when a message is left untranslated or a ``.qm`` is older than its
``.ts``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "resources" / "translations"
SOURCE_LANGUAGE = "vi"
TARGET_LANGUAGES = ("en",)
CATALOG = "ioc_console"
#: Hand-kept catalogs of Qt's own strings (Qt ships no Vietnamese one): only built, never extracted.
EXTRA_CATALOGS = ("qt_extra_vi",)

Message = tuple[str, str, str, str, str]  # context, source, comment, translation, type


def _tool(name: str) -> str:
    candidates = [Path(sys.executable).parent / name, Path(sys.executable).parent / f"{name}.exe"]
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found: install PySide6 into this environment")
    return found


def sources() -> list[Path]:
    files = [
        p
        for p in sorted((ROOT / "ioc_console" / "gui").rglob("*.py"))
        if not p.name.startswith("ui_") and "__pycache__" not in p.parts
    ]
    ui_dir = ROOT / "ui"
    if ui_dir.is_dir():
        files += sorted(ui_dir.rglob("*.ui"))
    return files


def ts_path(lang: str) -> Path:
    return TRANSLATIONS / f"{CATALOG}_{lang}.ts"


def qm_path(lang: str) -> Path:
    return TRANSLATIONS / f"{CATALOG}_{lang}.qm"


def lupdate(ts: Path, lang: str) -> None:
    args = [
        _tool("pyside6-lupdate"),
        "-silent",
        "-locations",
        "none",
        "-no-obsolete",
        "-source-language",
        SOURCE_LANGUAGE,
        "-target-language",
        lang,
        *(str(p) for p in sources()),
        "-ts",
        str(ts),
    ]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"lupdate failed:\n{result.stdout}{result.stderr}")


def lrelease(ts: Path, qm: Path) -> None:
    args = [_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)]
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"lrelease failed:\n{result.stdout}{result.stderr}")


def messages(ts: Path) -> list[Message]:
    found: list[Message] = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            text = ""
            if translation is not None:
                forms = [form.text or "" for form in translation.iter("numerusform")]
                # A plural message is translated only when every one of its forms is.
                text = ("|".join(forms) if all(forms) else "") if forms else (translation.text or "")
            found.append(
                (
                    name,
                    message.findtext("source") or "",
                    message.findtext("comment") or "",
                    text,
                    "" if translation is None else translation.get("type", ""),
                )
            )
    return sorted(found)


def unfinished(ts: Path) -> list[Message]:
    return [m for m in messages(ts) if m[4] in ("unfinished", "vanished", "obsolete") or not m[3]]


def update() -> int:
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    status = 0
    for lang in TARGET_LANGUAGES:
        ts = ts_path(lang)
        lupdate(ts, lang)
        lrelease(ts, qm_path(lang))
        todo = unfinished(ts)
        print(f"{ts.relative_to(ROOT)}: {len(messages(ts))} messages, {len(todo)} to translate")
        for context, source, *_ in todo:
            print(f"  [{context}] {source}")
        status = status or (1 if todo else 0)
    for name in EXTRA_CATALOGS:
        lrelease(TRANSLATIONS / f"{name}.ts", TRANSLATIONS / f"{name}.qm")
    return status


def check() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in TARGET_LANGUAGES:
            ts = ts_path(lang)
            if not ts.exists():
                problems.append(f"{ts.relative_to(ROOT)} is missing")
                continue
            copy = Path(tmp) / ts.name
            shutil.copyfile(ts, copy)
            lupdate(copy, lang)
            before, after = set(messages(ts)), set(messages(copy))
            for context, source, *_ in sorted(after - before):
                problems.append(f"{ts.name}: not extracted yet: [{context}] {source}")
            for context, source, *_ in sorted(before - after):
                problems.append(f"{ts.name}: no longer in the code: [{context}] {source}")
            for context, source, *_ in unfinished(ts):
                problems.append(f"{ts.name}: not translated: [{context}] {source}")
            qm = qm_path(lang)
            built = Path(tmp) / qm.name
            lrelease(ts, built)
            if not qm.exists() or qm.read_bytes() != built.read_bytes():
                problems.append(f"{qm.relative_to(ROOT)} is not built from the current {ts.name}")
        for name in EXTRA_CATALOGS:
            ts, qm = TRANSLATIONS / f"{name}.ts", TRANSLATIONS / f"{name}.qm"
            built = Path(tmp) / qm.name
            lrelease(ts, built)
            if not qm.exists() or qm.read_bytes() != built.read_bytes():
                problems.append(f"{qm.relative_to(ROOT)} is not built from the current {ts.name}")
    for problem in problems:
        print(problem)
    if problems:
        print("run: python scripts/update_translations.py (then translate what it lists)")
        return 1
    print("translations are current")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the catalogs are not current")
    args = parser.parse_args(argv)
    return check() if args.check else update()


if __name__ == "__main__":
    sys.exit(main())
