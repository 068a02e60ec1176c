"""A hub in a process of its own, for tests that kill it: ``hub_main.py DATABASE_URL PORT``."""

from __future__ import annotations

import sys

from ioc_console.hub.server import serve
from ioc_console.hub.settings import HubSettings

if __name__ == "__main__":
    serve(HubSettings(database_url=sys.argv[1], poll_interval=0.1), "127.0.0.1", int(sys.argv[2]))
