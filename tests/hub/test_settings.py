"""An IT team configures the hub without touching code: every setting from a TOML file or from
``IOC_HUB_<NAME>`` variables (the variable over the file, the command line over both), a clear
message for a bad one, and ``ioc-hub serve`` run from a settings file alone, logging JSON lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import typing
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hub_support import new_database, prepare_database

from ioc_console.hub.server import free_port
from ioc_console.hub.settings import (
    NOT_CONFIGURABLE,
    HubSettings,
    SettingsError,
    configurable_fields,
    load_settings,
    read_config_file,
)


def _sample(name: str, kind: Any) -> tuple[Any, str, str]:
    """A value unlike the default for the field: (expected, as TOML, as an environment variable)."""
    if typing.get_args(kind) and type(None) in typing.get_args(kind):
        (kind,) = [a for a in typing.get_args(kind) if a is not type(None)]
    if kind is bool:
        default = getattr(HubSettings(), name)
        return (not default, str(not default).lower(), "yes" if not default else "no")
    if kind is int:
        return 4242, "4242", "4242"
    if kind is float:
        return 2.5, "2.5", "2.5"
    if kind is timedelta:
        return timedelta(hours=3), "10800", "10800"
    if kind is Path:
        return Path("/srv/pack"), '"/srv/pack"', "/srv/pack"
    if typing.get_origin(kind) is tuple and name.endswith("_limits"):
        return ("3/minute", "9/hour"), '["3/minute", "9/hour"]', "3/minute, 9/hour"
    if typing.get_origin(kind) is tuple:
        return ("image/png", "image/gif"), '["image/png", "image/gif"]', "image/png, image/gif"
    values = {
        "log_level": "debug",
        "log_format": "json",
        "database_url": "sqlite:////srv/hub.sqlite3",
        "oldest_console": "0.2.0",
    }
    value = values.get(name, f"giá trị {name}")
    return value, json.dumps(value, ensure_ascii=False), value


def test_every_setting_can_be_given_in_a_file_or_the_environment(tmp_path: Path) -> None:
    fields = configurable_fields()
    # Everything except what only code can give: functions (the clock tests inject, the demo's photos).
    hints = typing.get_type_hints(HubSettings)
    assert set(fields) == set(HubSettings.__dataclass_fields__) - NOT_CONFIGURABLE
    for name in NOT_CONFIGURABLE:
        assert "Callable" in str(hints[name]), f"{name} is a setting an IT team should be able to give"
    samples = {name: _sample(name, kind) for name, kind in fields.items()}
    config = tmp_path / "hub.toml"
    config.write_text("".join(f"{name} = {toml}\n" for name, (_, toml, _) in samples.items()), "utf-8")
    from_file = load_settings(config, environ={})
    from_env = load_settings(environ={f"IOC_HUB_{n.upper()}": env for n, (_, _, env) in samples.items()})
    for name, (expected, _, _) in samples.items():
        assert getattr(from_file, name) == expected, name
        assert getattr(from_env, name) == expected, name
        assert expected != getattr(HubSettings(), name), name
    # A [hub] table works too, and the file may be named by $IOC_HUB_CONFIG.
    config.write_text('[hub]\nport = 9000\nfeed_gzip_min_bytes = "none"\n', "utf-8")
    with pytest.raises(SettingsError, match="feed_gzip_min_bytes"):
        load_settings(environ={"IOC_HUB_CONFIG": str(config)})
    config.write_text("[hub]\nport = 9000\n", "utf-8")
    assert load_settings(environ={"IOC_HUB_CONFIG": str(config)}).port == 9000
    assert HubSettings().feed_gzip_min_bytes is not None
    assert load_settings(environ={"IOC_HUB_FEED_GZIP_MIN_BYTES": "none"}).feed_gzip_min_bytes is None


def test_the_environment_wins_over_the_file_and_the_command_line_over_both(tmp_path: Path) -> None:
    config = tmp_path / "hub.toml"
    config.write_text('port = 9000\npublic_url = "https://ioc.example.vn"\npool_size = 4\n', "utf-8")
    env = {"IOC_HUB_PORT": "9001", "IOC_HUB_DB": "sqlite:////srv/old.sqlite3"}
    settings = load_settings(config, environ=env, port=9002, public_url=None)
    assert settings.port == 9002 and settings.public_url == "https://ioc.example.vn"
    assert settings.pool_size == 4
    assert load_settings(config, environ=env).port == 9001
    # The older name of the database variable still works; the new one wins over it.
    assert load_settings(environ=env).database_url == "sqlite:////srv/old.sqlite3"
    env["IOC_HUB_DATABASE_URL"] = "postgresql+psycopg://ioc@db/ioc"
    assert load_settings(environ=env).database_url == "postgresql+psycopg://ioc@db/ioc"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("prot = 9000\n", {}, "unknown setting 'prot'"),
        ("port = 'chín nghìn'\n", {}, "port: expected a number"),
        ("port = [\n", {}, "not valid TOML"),
        ("", {"IOC_HUB_ACCESS_LOG": "có"}, "$IOC_HUB_ACCESS_LOG: expected true or false"),
        ("", {"IOC_HUB_TOKEN_TTL": "-5"}, "$IOC_HUB_TOKEN_TTL: expected a number of seconds above 0"),
        ("", {"IOC_HUB_LOG_FORMAT": "xml"}, "log_format: expected one of text, json"),
        ("", {"IOC_HUB_PORT": "0"}, "port: expected a number above 0"),
        ("", {"IOC_HUB_SIGNIN_ACCOUNT_LIMITS": "5/tuần"}, "signin_account_limits: '5/tuần' is not a limit"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    config = tmp_path / "hub.toml"
    config.write_text(text, "utf-8")
    with pytest.raises(SettingsError) as caught:
        load_settings(config, environ=env)
    assert message in str(caught.value)


def test_a_missing_settings_file_is_named() -> None:
    with pytest.raises(SettingsError, match=r"/nowhere/hub\.toml"):
        read_config_file(Path("/nowhere/hub.toml"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_session: list[str]) -> str:
    return new_database(request.param, tmp_path, pg_session)


def test_serve_runs_from_a_settings_file_and_logs_json_lines(db_url: str, tmp_path: Path) -> None:
    prepare_database(db_url)
    port = free_port()
    config = tmp_path / "hub.toml"
    config.write_text(
        f'[hub]\ndatabase_url = "{db_url}"\nport = {port}\npublic_url = "https://ioc.example.vn"\n'
        'log_format = "json"\n',
        "utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_HUB_")}
    env |= {"IOC_HUB_ACCESS_LOG": "true", "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ioc_console.hub.cli", "serve", "--config", str(config)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(f"{url}/api/v1/health").status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, log.read_text()
                time.sleep(0.1)
        discovery = httpx.get(f"{url}/open311/v2/discovery.json").json()
        assert "https://ioc.example.vn" in json.dumps(discovery)
        r = httpx.get(f"{url}/api/v1/reports/PA-1", params={"secret": "x"})
        assert r.status_code == 401
    finally:
        process.terminate()
        process.wait(15)
    lines = [json.loads(line) for line in log.read_text("utf-8").splitlines() if line.startswith("{")]
    other = [line for line in log.read_text("utf-8").splitlines() if line and not line.startswith("{")]
    # Only the start-up banner is not JSON (it is printed, not logged).
    assert len(other) == 1 and other[0].startswith("IOC hub: "), other
    assert any(line["message"].startswith("hub ready") for line in lines)
    requests = [line for line in lines if line["message"] == "request"]
    assert {"method": "GET", "path": "/api/v1/reports/PA-1", "status": 401} in [
        {k: line[k] for k in ("method", "path", "status")} for line in requests
    ]
    assert all(set(line) >= {"time", "level", "logger", "message"} for line in lines)
    assert "secret" not in log.read_text("utf-8")


def test_the_settings_table_in_the_docs_lists_every_setting() -> None:
    table = (Path(__file__).resolve().parents[2] / "docs" / "hub-settings.md").read_text("utf-8")
    rows = {line.split("|")[1].strip().strip("`") for line in table.splitlines() if line.startswith("| `")}
    assert rows == set(configurable_fields())
