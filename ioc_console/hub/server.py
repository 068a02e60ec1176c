"""Running the hub: in the foreground (``ioc-hub serve``) or on a background thread (the embedded
hub of the demo console, and the tests)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from ioc_console.hub.app import create_app
from ioc_console.hub.settings import HubSettings


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def _config(settings: HubSettings, host: str, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level=options.pop("log_level", "warning"),
        access_log=options.pop("access_log", False),
        timeout_graceful_shutdown=options.pop("timeout_graceful_shutdown", 2),
        lifespan="on",
        **options,
    )


class _Server(uvicorn.Server):
    """uvicorn's server, ending the live event streams first when it stops: a listening console
    would otherwise hold the shutdown for the whole graceful timeout and then be cut off."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        broadcaster = getattr(getattr(self.config.app, "state", None), "broadcaster", None)
        if broadcaster is not None:
            await broadcaster.stop()
        await super().shutdown(sockets)


def serve(settings: HubSettings, host: str | None = None, port: int | None = None) -> None:
    """Run the hub until interrupted, where and how its settings say (``ioc-hub serve``); ``host``
    and ``port`` given here win over the settings'."""
    from ioc_console.hub.logs import log_config

    config = _config(
        settings,
        host or settings.host,
        port or settings.port,
        log_level=settings.log_level,
        access_log=settings.access_log,
        log_config=log_config(settings),
        proxy_headers=True,
    )
    _Server(config).run()


class BackgroundHub:
    """A hub served by uvicorn on a thread of this process: ``start()`` returns once it answers."""

    def __init__(self, settings: HubSettings, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.settings = settings
        self.host = host
        self.port = port or free_port(host)
        self.server = _Server(_config(settings, self.host, self.port))
        # uvicorn installs signal handlers only on the main thread; a background one has none to install.
        self._thread = threading.Thread(target=self._run, name=f"ioc-hub-{self.port}", daemon=True)
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _run(self) -> None:
        try:
            self.server.run()
        except BaseException as error:  # reported by start()
            self._error = error

    def start(self, timeout: float = 30.0) -> BackgroundHub:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError(f"the hub did not start: {self._error!r}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the hub did not start in time")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> BackgroundHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
