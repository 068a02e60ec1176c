"""The command line and the choice of language."""

from __future__ import annotations

from pathlib import Path

from ioc_console.__main__ import parse_args

from ioc_console.gui import i18n


def test_the_command_line() -> None:
    args = parse_args(["--demo", "--lang", "en", "--data-dir", "/tmp/x"])
    assert args.demo and args.lang == "en" and args.data_dir == Path("/tmp/x")
    defaults = parse_args([])
    assert defaults.lang is None and defaults.data_dir is None


def test_the_language_comes_from_the_command_line_then_the_environment_then_the_saved_choice() -> None:
    env = {i18n.ENV_VAR: "en"}
    assert i18n.resolve_language("vi", env, "en") == "vi"
    assert i18n.resolve_language(None, env, "vi") == "en"
    assert i18n.resolve_language(None, {}, "en") == "en"
    assert i18n.resolve_language(None, {}, None) == "vi"
    assert i18n.resolve_language(None, {i18n.ENV_VAR: "fr"}, None) == "vi"


def test_a_missing_catalog_keeps_the_whole_interface_vietnamese(qapp, tmp_path: Path) -> None:
    lang, translators = i18n.install_translators(qapp, "en", directory=tmp_path)
    assert lang == "vi" and translators == []


def test_the_shipped_english_catalog_loads(qapp) -> None:
    lang, translators = i18n.install_translators(qapp, "en")
    try:
        assert lang == "en" and translators
        from PySide6.QtCore import QCoreApplication

        assert QCoreApplication.translate("MainWindow", "Phản ánh hiện trường — IOC Console") == (
            "Field reports — IOC Console"
        )
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
        i18n.install_translators(qapp, "vi")
