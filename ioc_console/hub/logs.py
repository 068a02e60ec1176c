"""The hub's log output: plain lines for a person at a terminal, or JSON lines for a log collector
(``log_format = "json"``): one object a line with ``time``, ``level``, ``logger`` and ``message``, the
request's ``method``, ``path`` (without its query), ``status`` and ``client`` on access-log lines, and
``exception`` when one was logged. Bodies are never logged."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from ioc_console.hub.settings import HubSettings


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            client, method, path, _version, status = args
            line["message"] = "request"
            line.update(method=method, path=str(path).split("?", 1)[0], status=status, client=str(client))
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def log_config(settings: HubSettings) -> dict[str, Any]:
    """A :func:`logging.config.dictConfig` for uvicorn and the hub's own loggers."""
    level = settings.log_level.upper()
    if settings.log_format == "json":
        formatters: dict[str, Any] = {"main": {"()": JsonFormatter}, "access": {"()": JsonFormatter}}
    else:
        formatters = {
            "main": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(asctime)s %(levelname)s %(client_addr)s "%(request_line)s" %(status_code)s',
                "use_colors": False,
            },
        }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": formatters,
        "handlers": {
            "main": {"class": "logging.StreamHandler", "formatter": "main", "stream": "ext://sys.stderr"},
            "access": {"class": "logging.StreamHandler", "formatter": "access", "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "": {"handlers": ["main"], "level": level},
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {
                "handlers": ["access"] if settings.access_log else [],
                "level": "INFO",
                "propagate": False,
            },
        },
    }
