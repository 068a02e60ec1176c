"""Several ``ioc-hub serve`` processes on one PostgreSQL database behind HAProxy, on loopback: what
the cluster test and the load benchmark run. HAProxy is the distribution's package (``haproxy``)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from ioc_console.hub.server import free_port

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def postgres_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN):
            return None
    except Exception as error:
        return f"PostgreSQL at 127.0.0.1:5432 is not reachable: {error}"


@contextmanager
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (named so that the hub tests' clean-up knows it), dropped after."""
    import psycopg

    name = f"ioc_hub_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def haproxy_config(port: int, backends: list[int]) -> str:
    """Round robin over the hub processes, each checked every 500 ms; a request that could not be
    sent to a dead one is sent to another (``redispatch``); live event streams may stay open long."""
    servers = "\n".join(
        f"    server hub{i} 127.0.0.1:{p} check inter 500ms fall 2 rise 1" for i, p in enumerate(backends)
    )
    return f"""global
    maxconn 4096

defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    timeout http-keep-alive 30s
    # A busy process may take a while to answer its health check; a dead one refuses it at once.
    timeout check 3s
    retries 3
    option redispatch
    option forwardfor

frontend hub
    bind 127.0.0.1:{port}
    default_backend hubs

backend hubs
    balance roundrobin
    option httpchk GET /api/v1/health
    # Which process answered (the load benchmark tells deliveries across processes by it).
    http-response set-header X-Hub-Server %s
{servers}
"""


def _wait(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            with httpx.Client(timeout=2, trust_env=False) as c:
                if c.get(f"{url}/api/v1/health").status_code == 200:
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer: {log.read_text(errors='replace')[-3000:]}")


class HubCluster:
    """``count`` hub processes on ``db_url`` and HAProxy in front (``count`` = 1 still has HAProxy
    unless ``proxy`` is False; then ``url`` is the process's own)."""

    def __init__(self, db_url: str, tmp: Path, count: int = 2, *, proxy: bool = True, **env: str) -> None:
        self.db_url = db_url
        self.tmp = tmp
        self.ports = [free_port() for _ in range(count)]
        self.processes: list[subprocess.Popen[bytes]] = []
        self.proxy: subprocess.Popen[bytes] | None = None
        self.proxy_port = free_port() if proxy else None
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("IOC_HUB_")} | env

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}" if self.proxy_port else self.urls[0]

    def start(self) -> HubCluster:
        try:
            for i, port in enumerate(self.ports):
                log = self.tmp / f"hub-{i}.log"
                with log.open("ab") as out:
                    process = subprocess.Popen(
                        [
                            sys.executable,
                            "-m",
                            "ioc_console.hub.cli",
                            "serve",
                            "--db",
                            self.db_url,
                            "--port",
                            str(port),
                        ],
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        env=self.env | {"IOC_HUB_LOG_LEVEL": "warning", "PYTHONUNBUFFERED": "1"},
                    )
                self.processes.append(process)
            for url, process, i in zip(self.urls, self.processes, range(len(self.ports)), strict=True):
                _wait(url, process, self.tmp / f"hub-{i}.log")
            if self.proxy_port is not None:
                haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
                config = self.tmp / "haproxy.cfg"
                config.write_text(haproxy_config(self.proxy_port, self.ports), "utf-8")
                log = self.tmp / "haproxy.log"
                with log.open("ab") as out:
                    self.proxy = subprocess.Popen(
                        [haproxy, "-db", "-f", str(config)], stdout=out, stderr=subprocess.STDOUT
                    )
                _wait(self.url, self.proxy, log)
                time.sleep(0.5)  # every server's first health check
        except BaseException:
            self.stop()
            raise
        return self

    def kill(self, i: int) -> None:
        """SIGKILL hub process ``i``: its connections (and live streams) are cut mid-answer."""
        process = self.processes[i]
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(10)

    def stop(self) -> None:
        for process in [self.proxy, *self.processes]:
            if process is not None and process.poll() is None:
                process.terminate()
        for process in [self.proxy, *self.processes]:
            if process is not None:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)

    def __enter__(self) -> HubCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
