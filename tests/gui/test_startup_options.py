"""The command line and the choice of language."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_a_ca_bundle_that_is_not_pem_is_refused_in_words_before_anything_starts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ioc_console.__main__ import main

    bad = tmp_path / "ca.pem"
    bad.write_text("đây không phải chứng chỉ / not a certificate\n", encoding="utf-8")
    assert main(["--hub", "https://ioc.example.gov.vn", "--ca-bundle", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"tệp chứng chỉ {bad} không dùng được" in err and f"the CA bundle {bad} cannot be used" in err
    assert main(["--hub", "https://ioc.example.gov.vn", "--ca-bundle", str(tmp_path / "none.pem")]) == 2
