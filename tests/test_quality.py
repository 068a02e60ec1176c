"""The codebase's own rules: layering, lint, types and current translations.

Each runs the real tool on the real tree, so a broken rule fails the suite that CI runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_layers_import_only_what_the_architecture_allows() -> None:
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_finds_nothing() -> None:
    result = _run(str(BIN / "ruff"), "check", "ioc_console", "tests", "benchmarks", "run.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_translation_sources_are_current() -> None:
    script = ROOT / "scripts" / "update_translations.py"
    if not script.exists():
        pytest.fail("scripts/update_translations.py is missing")
    result = _run(sys.executable, str(script), "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_compiled_forms_match_their_designer_sources() -> None:
    result = _run(sys.executable, str(ROOT / "scripts" / "build_forms.py"), "--check")
    assert result.returncode == 0, result.stdout + result.stderr
