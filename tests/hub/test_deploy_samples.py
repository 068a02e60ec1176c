"""The deployment samples in ``packaging/hub/`` work as written: the settings file loads, the systemd
units' commands are commands ``ioc-hub`` takes, and HAProxy accepts its configuration (with a
certificate made here)."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from ioc_console.hub import cli
from ioc_console.hub.settings import read_config_file

SAMPLES = Path(__file__).resolve().parents[2] / "packaging" / "hub"


def _unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(SAMPLES / name, encoding="utf-8")
    return unit


def test_the_sample_settings_file_loads() -> None:
    settings = read_config_file(SAMPLES / "hub.toml")
    assert settings["database_url"].startswith("postgresql+psycopg://")
    assert settings["log_format"] == "json" and settings["heartbeat_interval"] < 60


def test_the_systemd_units_run_commands_ioc_hub_takes() -> None:
    serve = shlex.split(_unit("ioc-hub@.service")["Service"]["ExecStart"].replace("%i", "8311"))
    assert serve[0] == "/opt/ioc-hub/venv/bin/ioc-hub"
    args = cli.build_parser().parse_args(serve[1:])
    assert (args.command, args.port, str(args.config)) == ("serve", 8311, "/etc/ioc-hub/hub.toml")
    backup = shlex.split(_unit("ioc-hub-backup.service")["Service"]["ExecStart"])
    assert backup[:2] == ["/bin/sh", "-c"]
    inner = shlex.split(backup[2].replace("$(date -u +%%Y%%m%%dT%%H%%M%%SZ)", "20260101T013000Z"))
    assert inner[0] == "exec" and inner[1] == "/opt/ioc-hub/venv/bin/ioc-hub"
    args = cli.build_parser().parse_args(inner[2:])
    assert args.command == "backup" and args.out.startswith("/var/backups/ioc-hub/hub-2026")
    assert _unit("ioc-hub-backup.timer")["Timer"]["OnCalendar"]


def test_haproxy_accepts_the_sample_configuration(tmp_path: Path) -> None:
    haproxy = shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.path.exists("/usr/sbin/haproxy") else None
    )
    if haproxy is None or shutil.which("openssl") is None:
        if os.environ.get("IOC_REQUIRE_POSTGRES") == "1":
            pytest.fail("haproxy and openssl are needed (apt-get install haproxy openssl)")
        pytest.skip("haproxy or openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=ioc.example.gov.vn",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    pem = tmp_path / "ioc-hub.pem"
    pem.write_bytes(cert.read_bytes() + key.read_bytes())
    config = (SAMPLES / "haproxy.cfg").read_text("utf-8").replace("/etc/haproxy/certs/ioc-hub.pem", str(pem))
    (tmp_path / "haproxy.cfg").write_text(config, "utf-8")
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(tmp_path / "haproxy.cfg")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
